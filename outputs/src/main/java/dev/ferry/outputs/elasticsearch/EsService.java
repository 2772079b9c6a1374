package dev.ferry.outputs.elasticsearch;

import dev.ferry.outputs.HttpClients;
import dev.ferry.outputs.SslContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one bulk request to Elasticsearch and returns its parsed answer. Neither retries nor
 * acknowledges anything: {@code EsOutput} decides what the answer means.
 *
 * <p>Transport: the JDK's {@link HttpClient} (HTTP/1.1, keep-alive connections pooled by the client),
 * {@code POST <scheme>://host:port[Path]/_bulk?filter_path=...} with {@code Content-Type:
 * application/x-ndjson}. {@code filter_path} asks Elasticsearch for only {@code errors} and each item's
 * {@code status} and {@code error.type}/{@code error.reason}, which is all ferry reads; it makes the
 * response several times smaller. Connect timeout 10 s, response timeout 60 s.
 *
 * <p>Hosts: {@code Host} may be a comma-separated list of {@code host} or {@code host:port}
 * ({@code Port} for those without one). Requests go to the current host; when a request to it fails
 * to connect or times out, the next one becomes current (round robin), so a dead node costs one failed
 * request per switch. No sniffing, no health checks.
 *
 * <p>Auth: {@code Authorization: Basic} from {@code HTTP_User}/{@code HTTP_Passwd} or
 * {@code Cloud_Auth}, or {@code Authorization: ApiKey <HTTP_API_Key>}; the header is built once and
 * never logged. TLS from {@code tls.*} ({@link SslContexts}, client built by {@link HttpClients}: {@code
 * tls.verify Off} also turns off host name verification; {@code tls.vhost} is sent as SNI).
 * {@code Compress gzip} compresses each body with {@code Content-Encoding: gzip}.
 *
 * <p>Thread-safe: any number of threads may call {@link #send} at once (that is how {@code Workers}
 * requests are in flight). A thread interrupted in {@link #send} abandons the request.
 */
public final class EsService {

    static final String FILTER_PATH = "filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason";

    private final EsConfig config;
    private final HttpClient client;
    private final List<URI> uris = new ArrayList<>();
    private final List<String> hostPorts = new ArrayList<>();
    private final AtomicInteger current = new AtomicInteger();
    private final String authorization;

    public EsService(EsConfig config) throws IOException {
        this.config = config;
        String scheme = HttpClients.scheme(config.tls());
        String path = config.path() == null ? "" : trimSlash(config.path());
        for (String h : config.host().split(",")) {
            String host = h.trim();
            if (host.isEmpty()) {
                continue;
            }
            int port = config.port();
            int colon = host.lastIndexOf(':');
            if (colon > 0 && host.indexOf(']') < colon && host.substring(colon + 1).matches("\\d{1,5}")) {
                port = Integer.parseInt(host.substring(colon + 1));
                host = host.substring(0, colon);
            }
            hostPorts.add(host + ":" + port);
            uris.add(URI.create(scheme + "://" + host + ":" + port + path + "/_bulk?" + FILTER_PATH));
        }
        if (uris.isEmpty()) {
            throw new IOException("no Elasticsearch host in Host '" + config.host() + "'");
        }
        this.authorization = authorization(config.auth());
        this.client = HttpClients.create(config.tls(), "Elasticsearch");
    }

    /** The user basic auth is sent for, or null (for messages; never the password). */
    public String user() {
        return config.auth() == null || config.auth().apiKey() != null ? null : config.auth().effectiveUser();
    }

    /** The {@code host:port} requests currently go to. */
    public String currentHost() {
        return hostPorts.get(Math.floorMod(current.get(), hostPorts.size()));
    }

    /**
     * Sends {@code body[0, length)} as one bulk request and parses the answer.
     *
     * @param items how many actions the body has
     * @return the answer, whatever its HTTP status
     * @throws IOException if no answer arrived (connection refused, reset, timeout) or a 2xx answer is
     *     not a bulk response; the message names the host
     * @throws InterruptedException if the calling thread was interrupted (the output is closing)
     */
    public EsBulkResponse send(byte[] body, int length, int items) throws IOException, InterruptedException {
        int hostIndex = Math.floorMod(current.get(), uris.size());
        HttpRequest.Builder r = HttpRequest.newBuilder(uris.get(hostIndex)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-ndjson");
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        if (config.gzip()) {
            byte[] gz = HttpClients.gzip(body, length);
            r.header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gz));
        } else {
            r.POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, length));
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            if (uris.size() > 1) {
                current.compareAndSet(hostIndex, hostIndex + 1);
            }
            throw new IOException(hostPorts.get(hostIndex) + ": " + HttpClients.describe(e), e);
        }
        return EsBulkResponse.parse(response.statusCode(), response.body(), items);
    }

    private static String authorization(EsAuth auth) {
        if (auth == null) {
            return null;
        }
        if (auth.apiKey() != null) {
            return "ApiKey " + auth.apiKey();
        }
        String user = auth.effectiveUser();
        if (user == null) {
            return null;
        }
        return HttpClients.basicAuth(user, auth.effectivePassword());
    }

    private static String trimSlash(String p) {
        String s = p.startsWith("/") ? p : "/" + p;
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        return "EsService[hosts=" + hostPorts + "]";
    }
}
