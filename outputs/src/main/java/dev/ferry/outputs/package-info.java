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
 */
package dev.ferry.outputs;
