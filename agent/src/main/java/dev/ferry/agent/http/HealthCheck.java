package dev.ferry.agent.http;

/**
 * Fluent Bit's health rule ({@code src/http_server/api/v1/health.c}): unhealthy when, since the start of the
 * current {@code HC_Period}, the outputs' errors exceed {@code HC_Errors_Count} or their batches out of retries
 * exceed {@code HC_Retry_Failure_Count}. As in Fluent Bit, periods are consecutive windows (not sliding): at each
 * period's start the current totals become the baseline, so a burst of errors stops counting once a period with
 * fewer has begun.
 *
 * <p>Thread-safe: {@link #startPeriod} runs on the server's timer thread, {@link #healthy} on its request thread.
 */
final class HealthCheck {

    private final long errorsLimit;
    private final long retryFailureLimit;
    private long baseErrors;
    private long baseRetriesFailed;

    HealthCheck(long errorsLimit, long retryFailureLimit) {
        this.errorsLimit = errorsLimit;
        this.retryFailureLimit = retryFailureLimit;
    }

    /** A new period begins: what was counted so far no longer counts. */
    synchronized void startPeriod(MetricsSnapshot now) {
        baseErrors = now.outputErrors();
        baseRetriesFailed = now.outputRetriesFailed();
    }

    synchronized boolean healthy(MetricsSnapshot now) {
        return now.outputErrors() - baseErrors <= errorsLimit
                && now.outputRetriesFailed() - baseRetriesFailed <= retryFailureLimit;
    }
}
