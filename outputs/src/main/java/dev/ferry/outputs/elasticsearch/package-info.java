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
 *
 * <p>Not elasticsearch-java: its bulk round trip costs the sender about 1.5 µs of CPU per document (JMH
 * {@code BulkResponseBenchmark} in bench, 1,000-document bulks of erlmcp documents, 8.19.0: building and serializing
 * the {@code BulkRequest} 552 ns, reading the typed {@code BulkResponse} 907 ns), more than ferry's whole pipeline
 * spends on a line at steady state (1.3 µs, {@code bench/marginal.sh}). Here the body is encoded once from the
 * record's bytes, and the response is read with jackson-core after asking Elasticsearch ({@code filter_path}) for
 * the failed items only: under 0.1 ns per document when none failed, 388 ns when a whole response must be read.
 * Its transport, node fail-over, authentication and TLS are {@code BlockingHttpClient} and {@code EsService}, and
 * its 14 MB jar stays out of ferry's (it is in bench only, for the benchmark).
 */
package dev.ferry.outputs.elasticsearch;
