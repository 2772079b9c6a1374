package dev.ferry.agent.http;

import java.util.ArrayDeque;

/**
 * Fluent Bit's health rule ({@code src/http_server/api/v1/health.c} and {@code flb_hs_push_health_metrics} in
 * {@code src/http_server/flb_hs.c}): the outputs' error and retry-failure totals are sampled once a second and the
 * last {@code HC_Period} samples are kept; unhealthy when, since the oldest kept sample, the errors grew by more
 * than {@code HC_Errors_Count} or the batches out of retries by more than {@code HC_Retry_Failure_Count}. So it is
 * a window sliding by the second: errors older than {@code HC_Period} seconds stop counting. Healthy before the
 * first sample.
 *
 * <p>Thread-safe: {@link #sample} runs on the server's timer thread, {@link #healthy} on its request thread.
 */
final class HealthCheck {

    private final long errorsLimit;
    private final long retryFailureLimit;
    private final int samples;
    private final ArrayDeque<long[]> window = new ArrayDeque<>();

    /** @param periodSeconds {@code HC_Period}: how many one-second samples the window keeps */
    HealthCheck(long errorsLimit, long retryFailureLimit, long periodSeconds) {
        this.errorsLimit = errorsLimit;
        this.retryFailureLimit = retryFailureLimit;
        this.samples = (int) Math.min(periodSeconds, 86_400);
    }

    /** Takes this second's sample; the oldest one leaves the window when it holds {@code HC_Period}. */
    synchronized void sample(MetricsSnapshot now) {
        while (window.size() >= samples) {
            window.removeFirst();
        }
        window.addLast(new long[] {now.outputErrors(), now.outputRetriesFailed()});
    }

    synchronized boolean healthy(MetricsSnapshot now) {
        long[] oldest = window.peekFirst();
        if (oldest == null) {
            return true;
        }
        return now.outputErrors() - oldest[0] <= errorsLimit && now.outputRetriesFailed() - oldest[1] <= retryFailureLimit;
    }
}
