/**
 * The Elasticsearch output ({@code [OUTPUT] Name es}): every record delivered exactly once, or kept in
 * the dead-letter file with Elasticsearch's reason.
 *
 * <pre>
 *  write(record) ──EsEncoder──▶ BulkChunk (NDJSON, ≤ bulk_max_size) ──▶ worker (≤ Workers in flight)
 *                                                                        │ EsService: POST /_bulk (BlockingHttpClient,
 *                                                                        │   on the worker's own thread)
 *                                                                        ▼ EsBulkResponse (jackson streaming)
 *   delivered (201, 409 on own id) ◀── EsRetryPolicy ──▶ retry alone (429/5xx, backoff + jitter)
 *                                                   └──▶ dead letter (400 mapping errors, retry limit reached)
 *  flush() returns when every record of the batch has one of these final answers.
 * </pre>
 *
 * {@link dev.ferry.outputs.elasticsearch.EsConfig} holds the settings (Fluent Bit's keys plus
 * {@code bulk_max_size} and {@code dead_letter.path}); {@link dev.ferry.outputs.elasticsearch.EsEncoder}
 * documents the document id and index formats; {@link dev.ferry.outputs.elasticsearch.EsOutput} the
 * threading and shutdown contract.
 */
package dev.ferry.outputs.elasticsearch;
