package dev.ferry.pipeline.spi;

/**
 * What a network output counts of its own requests, beyond what the ring counts of every output: the
 * monitoring server reads it for Fluent Bit's per-output metrics and its health check. Values only grow;
 * any thread may read them.
 */
public interface DeliveryStats {

    /** Requests that failed as a whole (connection error, timeout, 5xx, 429...): Fluent Bit's {@code errors}. */
    long failedRequests();

    /** Requests (batches) sent again after a failure: Fluent Bit's {@code retries}. */
    long retries();

    /** Batches given up on because {@code Retry_Limit} was reached (dead-lettered): Fluent Bit's {@code retries_failed}. */
    long retriesFailed();

    /** Records sent again after a failure of their own or of their whole request: Fluent Bit's {@code retried_records}. */
    long retriedRecords();
}
