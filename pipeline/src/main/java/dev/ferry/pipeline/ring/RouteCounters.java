package dev.ferry.pipeline.ring;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the ring counts for one output: records flushed to it, and its writes and flushes that failed (each
 * then retried with {@link OutputRetry}'s pause). For the monitoring server's per-output metrics; the
 * ring-wide totals stay in {@link RingCounters}.
 *
 * <p>Thread-safe: the output's thread (the ring's output stage, or its spool consumer) adds, any thread reads.
 */
public final class RouteCounters {

    final LongAdder flushed = new LongAdder();
    final LongAdder failures = new LongAdder();

    /** Records written to this output and flushed: each has its final answer (delivered or dead-lettered). */
    public long flushed() {
        return flushed.sum();
    }

    /** Write or flush attempts of this output that threw (the ring retried them). */
    public long failures() {
        return failures.sum();
    }
}
