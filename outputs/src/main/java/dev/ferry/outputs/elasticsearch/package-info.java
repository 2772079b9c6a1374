/**
 * The Elasticsearch output ({@code [OUTPUT] Name es}). So far its settings: {@link
 * dev.ferry.outputs.elasticsearch.EsConfig} with Fluent Bit's keys, validated, secrets masked. The
 * encoder (bulk NDJSON), service and retry policy follow the anatomy of the other HTTP outputs:
 *
 * <pre>
 *  records ──EsEncoder──▶ bulk body ──EsService──▶ POST /_bulk ──EsRetryPolicy──▶ ok / retry / error
 * </pre>
 */
package dev.ferry.outputs.elasticsearch;
