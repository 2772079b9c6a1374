package dev.ferry.agent.http;

import java.time.Duration;

/**
 * The monitoring server's settings, Fluent Bit's {@code [SERVICE]} keys ({@code src/flb_config.c}).
 *
 * @param enabled {@code HTTP_Server}
 * @param listen {@code HTTP_Listen}, the address to bind (0.0.0.0: every interface)
 * @param port {@code HTTP_Port}
 * @param healthCheck {@code Health_Check}: whether {@code /api/v1/health} is served
 * @param errorsCount {@code HC_Errors_Count}: more output errors than this within the last period is unhealthy
 * @param retryFailureCount {@code HC_Retry_Failure_Count}: more batches out of retries than this within the last period
 *     is unhealthy
 * @param period {@code HC_Period}: the health check's window (whole seconds, as in Fluent Bit)
 */
public record HttpServerConfig(boolean enabled, String listen, int port, boolean healthCheck, long errorsCount,
                               long retryFailureCount, Duration period) {

    /** {@code listen:port}, as errors and {@code ferry check} name it. */
    public String address() {
        return (listen.contains(":") ? "[" + listen + "]" : listen) + ":" + port;
    }
}
