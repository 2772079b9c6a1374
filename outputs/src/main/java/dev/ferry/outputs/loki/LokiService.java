package dev.ferry.outputs.loki;

import dev.ferry.outputs.HttpClients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends one push to Loki and returns its answer. Neither retries nor acknowledges anything:
 * {@code LokiOutput} decides what the answer means ({@link LokiRetryPolicy}).
 *
 * <p>Transport: the JDK's {@link HttpClient} ({@link HttpClients}: HTTP/1.1, keep-alive, TLS from
 * {@code tls.*}), {@code POST <scheme>://Host:Port<Uri>}, response timeout 60 s. Headers: {@code
 * Content-Type: application/x-protobuf} (body snappy-compressed, as Loki expects) or {@code
 * application/json} (with {@code Content-Encoding: gzip} under {@code Compress gzip});
 * {@code X-Scope-OrgID} with the batch's tenant; {@code Authorization} from {@link LokiAuth} (built once,
 * never logged); {@code User-Agent: ferry}.
 *
 * <p>Thread-safe: any number of threads may call {@link #send} at once. A thread interrupted in
 * {@link #send} abandons the request.
 */
public final class LokiService {

    /** Loki's answer: status, text body (for 400s and logs) and {@code Retry-After}. */
    public record Response(int status, String body, String retryAfter) {
    }

    private final HttpClient client;
    private final URI uri;
    private final String hostPort;
    private final String authorization;

    public LokiService(LokiConfig config) throws IOException {
        String uriPath = config.uri().startsWith("/") ? config.uri() : "/" + config.uri();
        this.hostPort = config.host() + ":" + config.port();
        this.uri = URI.create(HttpClients.scheme(config.tls()) + "://" + hostPort + uriPath);
        this.authorization = config.auth().header();
        this.client = HttpClients.create(config.tls(), "Loki");
    }

    /** {@code host:port}, for messages. */
    public String hostPort() {
        return hostPort;
    }

    /**
     * Sends {@code body[0, length)}.
     *
     * @param contentType {@code application/x-protobuf} or {@code application/json}
     * @param contentEncoding {@code gzip} or null
     * @param tenant the {@code X-Scope-OrgID}, or null for none
     * @return the answer, whatever its status
     * @throws IOException if no answer arrived (connection refused, reset, timeout); the message names the host
     * @throws InterruptedException if the calling thread was interrupted (the output is closing)
     */
    public Response send(byte[] body, int length, String contentType, String contentEncoding, String tenant)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType).header("User-Agent", "ferry")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, length));
        if (contentEncoding != null) {
            r.header("Content-Encoding", contentEncoding);
        }
        if (tenant != null && !tenant.isEmpty()) {
            r.header("X-Scope-OrgID", tenant);
        }
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IOException(hostPort + ": " + HttpClients.describe(e), e);
        }
        byte[] b = response.body();
        String text = b == null ? "" : new String(b, 0, Math.min(b.length, 1 << 20), StandardCharsets.UTF_8);
        return new Response(response.statusCode(), text, response.headers().firstValue("Retry-After").orElse(null));
    }

    @Override
    public String toString() {
        return "LokiService[" + uri + "]";
    }
}
