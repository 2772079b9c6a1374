/**
 * The Loki output ({@code [OUTPUT] Name loki}): every record delivered once as an entry of its stream, or
 * kept in the dead-letter file with Loki's reason.
 *
 * <pre>
 *  write(record) ──LokiLabels──▶ LokiStream (interned; LokiStreams counts label values)
 *                ──LokiLineEncoder──▶ line ──▶ LokiBatch (per tenant, ≤ batch_max_size) ──▶ worker (≤ Workers)
 *                                                   │ LokiEncoder: protobuf + snappy | JSON (+ gzip)
 *                                                   │ LokiRateLimiter (rate_limit) ─▶ LokiService: POST push
 *   delivered (204) ◀── LokiRetryPolicy ──▶ retry (429 Retry-After, 5xx, connection: RetrySchedule)
 *                                      └──▶ 400: LokiRejections ─▶ dead letter the named entries, resend the rest
 *  flush() returns when every record of the batch has one of these final answers.
 * </pre>
 *
 * {@link dev.ferry.outputs.loki.LokiConfig} holds the settings (Fluent Bit's keys plus ferry's);
 * {@link dev.ferry.outputs.loki.LokiEncoder} documents the wire formats; {@link
 * dev.ferry.outputs.loki.LokiOutput} the threading and shutdown contract; {@link
 * dev.ferry.outputs.loki.LokiLabels} the label rules and the cardinality guard.
 */
package dev.ferry.outputs.loki;
