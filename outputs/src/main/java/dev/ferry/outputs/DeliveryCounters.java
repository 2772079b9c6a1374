package dev.ferry.outputs;

import dev.ferry.pipeline.spi.DeliveryStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * What became of the records an output was given, for metrics and the shutdown summary. Output-agnostic.
 *
 * <p>Thread-safe: any thread adds and any thread reads ({@link LongAdder}s; a read while others add
 * may miss the latest additions, never counts one twice).
 */
public final class DeliveryCounters implements DeliveryStats {

    /** Records the destination confirmed (including {@link #alreadyPresent}). */
    public final LongAdder delivered = new LongAdder();
    /** Records sent again after a failure of their own or of their whole request. */
    public final LongAdder retried = new LongAdder();
    /** Records written to the dead-letter store instead of the destination. */
    public final LongAdder deadLettered = new LongAdder();
    /** Requests that failed as a whole (connection error, timeout, 5xx, 429, 413, 401...). */
    public final LongAdder failedRequests = new LongAdder();
    /** Records the destination already had (a resend of a document with the same id: 409 on create). */
    public final LongAdder alreadyPresent = new LongAdder();
    /** Requests (batches) scheduled again after a failure. */
    public final LongAdder retriedRequests = new LongAdder();
    /** Batches dead-lettered because the retry limit was reached. */
    public final LongAdder retryLimitsReached = new LongAdder();

    @Override
    public long failedRequests() {
        return failedRequests.sum();
    }

    @Override
    public long retries() {
        return retriedRequests.sum();
    }

    @Override
    public long retriesFailed() {
        return retryLimitsReached.sum();
    }

    @Override
    public long retriedRecords() {
        return retried.sum();
    }

    @Override
    public String toString() {
        return "delivered=" + delivered.sum() + " already_present=" + alreadyPresent.sum() + " retried="
                + retried.sum() + " dead_lettered=" + deadLettered.sum() + " failed_requests=" + failedRequests.sum();
    }
}
