/**
 * Outputs: where records leave ferry. One package per output ({@code stdout}, {@code file},
 * {@code discard} for Fluent Bit's {@code null}, {@code elasticsearch}), each with a {@code *Config}
 * record (its option table and typed values), a pure {@code *Encoder} that turns records into bytes and
 * the {@link dev.ferry.pipeline.spi.Output} that moves the bytes.
 *
 * <pre>
 *  ring output thread ──write(record)──▶ *Output ──*Encoder──▶ ByteSink (per batch)
 *                     ──flush()────────▶ *Output ──bytes───▶ destination ──▶ positions acknowledged
 * </pre>
 *
 * This package holds what several outputs share: the record line formats ({@link
 * dev.ferry.outputs.RecordEncoder}, {@link dev.ferry.outputs.JsonDateFormat}, {@link
 * dev.ferry.outputs.TimeText}, {@link dev.ferry.outputs.MsgpackText}) and common settings ({@link
 * dev.ferry.outputs.RetryLimit}, {@link dev.ferry.outputs.TlsConfig}), and the delivery machinery every
 * network output shares: {@link dev.ferry.outputs.RetrySchedule} (exponential backoff, full jitter),
 * {@link dev.ferry.outputs.DeadLetterStore} (NDJSON file of given-up records), {@link
 * dev.ferry.outputs.DeliveryCounters}, {@link dev.ferry.outputs.RateLimitedLog}, {@link
 * dev.ferry.outputs.SslContexts} and {@link dev.ferry.outputs.Murmur3}.
 *
 * <p>HTTP: {@link dev.ferry.outputs.BlockingHttpClient} (with {@code HttpConnection}) is the lean
 * HTTP/1.1 client the {@code es} and {@code loki} outputs send with: blocking sockets on the sending worker's thread,
 * keep-alive pool, TLS. It replaced the JDK's {@code java.net.http.HttpClient} there: with that one
 * the es output cost about 3 µs of CPU per document more than {@code null} on the e2e bench, of which
 * the client's part (selector and worker threads, 16 KiB buffer copies, 650 bytes allocated per
 * document, and far more code for the JIT) was the largest; see {@code bench/}'s
 * {@code BulkTransportBenchmark} and {@code bench/e2e.sh --output es}. A library (netty's codec-http,
 * Apache HttpClient 5) was not taken: neither is in the build, and both bring more code for the JIT
 * and, for netty, an event loop and buffer hand-offs, for a job that is one request shape on one
 * thread. {@link dev.ferry.outputs.HttpClients} describes failed requests for log lines.
 */
package dev.ferry.outputs;
