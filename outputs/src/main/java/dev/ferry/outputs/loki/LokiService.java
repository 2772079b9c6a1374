package dev.ferry.outputs.loki;

import dev.ferry.outputs.BlockingHttpClient;
import dev.ferry.outputs.HttpClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends one push to Loki and returns its answer. Neither retries nor acknowledges anything:
 * {@code LokiOutput} decides what the answer means ({@link LokiRetryPolicy}).
 *
 * <p>Transport: {@link BlockingHttpClient}, the same as the es output's (HTTP/1.1 on the calling worker's
 * thread, keep-alive connections pooled, TLS from {@code tls.*}: {@code tls.verify Off} also turns off host
 * name verification, {@code tls.vhost} is sent as SNI and verified instead of the host), {@code POST
 * <scheme>://Host:Port<Uri>}. Connect timeout 10 s; 60 s without a byte of the answer is a timeout.
 * Headers: {@code User-Agent: ferry}; {@code Content-Type: application/x-protobuf} (body
 * snappy-compressed, as Loki expects) or {@code application/json} (with {@code Content-Encoding: gzip}
 * under {@code Compress gzip}); {@code Authorization} from {@link LokiAuth} (built once, never logged);
 * {@code X-Scope-OrgID} with the batch's tenant; the {@code Header} ones (values never logged).
 *
 * <p>Thread-safe: any number of threads may call {@link #send} at once, each on its own connection. A
 * thread interrupted in {@link #send} abandons the request at once; {@link #close} closes every
 * connection, also those of requests in flight.
 */
public final class LokiService implements AutoCloseable {

    /** Loki's answer: status, text body (for 400s and logs) and {@code Retry-After}. */
    public record Response(int status, String body, String retryAfter) {
    }

    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";

    private final BlockingHttpClient client;
    private final BlockingHttpClient.Target target;
    private final String uri;

    /** @throws IOException if the TLS material cannot be loaded */
    public LokiService(LokiConfig config) throws IOException {
        String uriPath = config.uri().startsWith("/") ? config.uri() : "/" + config.uri();
        List<String> headers = new ArrayList<>(List.of("User-Agent", "ferry", "Content-Type",
                config.protobuf() ? PROTOBUF : JSON));
        if (!config.protobuf() && config.gzip()) {
            headers.addAll(List.of("Content-Encoding", "gzip"));
        }
        String authorization = config.auth().header();
        if (authorization != null) {
            headers.addAll(List.of("Authorization", authorization));
        }
        headers.addAll(config.headers());
        this.target = BlockingHttpClient.post(config.host(), config.port(), uriPath, headers);
        boolean tls = config.tls() != null && config.tls().enabled();
        this.uri = (tls ? "https://" : "http://") + target + uriPath;
        this.client = new BlockingHttpClient(config.tls(), "Loki", 10_000, 60_000);
    }

    /** {@code host:port}, for messages. */
    public String hostPort() {
        return target.toString();
    }

    /**
     * Sends {@code body[0, length)}: snappy-compressed protobuf, or JSON (gzip-compressed under {@code
     * Compress gzip}), as the config says.
     *
     * @param tenant the {@code X-Scope-OrgID}, or null for none
     * @return the answer, whatever its status
     * @throws IOException if no answer arrived (connection refused, reset, timeout) or the tenant cannot be
     *     sent as a header; the message names the host
     * @throws InterruptedException if the calling thread was interrupted (the output is closing)
     */
    public Response send(byte[] body, int length, String tenant) throws IOException, InterruptedException {
        BlockingHttpClient.Target t = target;
        if (tenant != null && !tenant.isEmpty()) {
            try {
                t = target.withHeaders("X-Scope-OrgID", tenant);
            } catch (IllegalArgumentException e) {
                throw new IOException(hostPort() + ": tenant '" + tenant.replaceAll("\\p{Cntrl}", "?")
                        + "' cannot be sent: " + e.getMessage(), e);
            }
        }
        try {
            return client.post(t, body, 0, length, (status, answer, n, retryAfter) -> new Response(status,
                    new String(answer, 0, Math.min(n, 1 << 20), StandardCharsets.UTF_8), retryAfter));
        } catch (IOException e) {
            throw new IOException(hostPort() + ": " + HttpClients.describe(e), e);
        }
    }

    /** Closes the connections; a {@link #send} in progress fails. */
    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "LokiService[" + uri + "]";
    }
}
