package dev.ferry.agent.http;

import dev.ferry.agent.source.InputStats;
import java.util.List;

/**
 * What the pipeline counted up to one moment, per input and output and for the ring: what the monitoring
 * server renders as Prometheus text or JSON, and what its health check sums. Immutable.
 *
 * @param inputs per input, in configuration order
 * @param outputs per output, in configuration order
 * @param ring the ring's totals (records, not per plugin)
 */
public record MetricsSnapshot(List<InputMetrics> inputs, List<OutputMetrics> outputs, RingMetrics ring) {

    /** Nothing counted yet (before the pipeline runs). */
    public static final MetricsSnapshot EMPTY = new MetricsSnapshot(List.of(), List.of(), new RingMetrics(0, 0, 0, 0, 0, 0));

    public MetricsSnapshot {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** One input's counts under its name ({@code tail.0} or its Alias). */
    public record InputMetrics(String name, InputStats stats) {
    }

    /**
     * One output's counts under its name ({@code es.0} or its Alias), with Fluent Bit's meanings.
     *
     * @param procRecords records the destination took (Fluent Bit's {@code proc_records})
     * @param errors failed requests and failed writes or flushes ({@code errors})
     * @param retries requests sent again after a failure ({@code retries})
     * @param retriesFailed batches given up on at {@code Retry_Limit} ({@code retries_failed})
     * @param retriedRecords records sent again ({@code retried_records})
     * @param deadLettered records that did not reach the destination and were kept in the dead-letter store
     *     (Fluent Bit drops these: its {@code dropped_records})
     */
    public record OutputMetrics(String name, long procRecords, long errors, long retries, long retriesFailed,
                                long retriedRecords, long deadLettered) {
    }

    /** The ring's totals: see {@code RingCounters} for each. */
    public record RingMetrics(long spooled, long parseErrorsKept, long invalidUtf8Repaired, long droppedByFilters,
                              long unrouted, long stageErrors) {
    }

    /** Output errors summed over every output: what the health check compares with {@code HC_Errors_Count}. */
    public long outputErrors() {
        return outputs.stream().mapToLong(OutputMetrics::errors).sum();
    }

    /** Batches out of retries summed over every output: compared with {@code HC_Retry_Failure_Count}. */
    public long outputRetriesFailed() {
        return outputs.stream().mapToLong(OutputMetrics::retriesFailed).sum();
    }
}
