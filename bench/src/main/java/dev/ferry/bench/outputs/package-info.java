/**
 * Benchmark helpers for outputs: {@link dev.ferry.bench.outputs.BulkSinkServer}, a minimal loopback
 * {@code _bulk} receiver for {@code bench/e2e.sh --output es}, {@link
 * dev.ferry.bench.outputs.LokiPushSinkServer}, its Loki push counterpart for {@code --output loki}, and the JMH comparison of bulk response
 * parsing ({@link dev.ferry.bench.outputs.BulkResponseBenchmark}).
 */
package dev.ferry.bench.outputs;
