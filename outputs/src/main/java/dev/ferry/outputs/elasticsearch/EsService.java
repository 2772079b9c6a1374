package dev.ferry.outputs.elasticsearch;

import dev.ferry.outputs.BlockingHttpClient;
import dev.ferry.outputs.HttpClients;
import dev.ferry.outputs.SslContexts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one bulk request to Elasticsearch and returns its parsed answer. Neither retries nor
 * acknowledges anything: {@code EsOutput} decides what the answer means.
 *
 * <p>Transport: {@link BlockingHttpClient} (HTTP/1.1 on the calling worker's thread, keep-alive
 * connections pooled per host), {@code POST [Path]/_bulk?filter_path=...} with {@code Content-Type:
 * application/x-ndjson}. {@code filter_path} asks Elasticsearch for only {@code errors} and each item's
 * {@code status} and {@code error.type}/{@code error.reason}, which is all ferry reads; it makes the
 * response several times smaller. Connect timeout 10 s; 60 s without a byte of the answer is a timeout.
 *
 * <p>Hosts: {@code Host} may be a comma-separated list of {@code host} or {@code host:port}
 * ({@code Port} for those without one). Requests go to the current host; when a request to it fails
 * to connect or times out, the next one becomes current (round robin), so a dead node costs one failed
 * request per switch. No sniffing, no health checks.
 *
 * <p>Auth: {@code Authorization: Basic} from {@code HTTP_User}/{@code HTTP_Passwd} or
 * {@code Cloud_Auth}, or {@code Authorization: ApiKey <HTTP_API_Key>}; the header is built once and
 * never logged. TLS from {@code tls.*} ({@link SslContexts}; {@code tls.verify Off} also turns off host
 * name verification; {@code tls.vhost} is sent as SNI and verified instead of the host).
 * {@code Compress gzip} compresses each body with {@code Content-Encoding: gzip}.
 *
 * <p>Thread-safe: any number of threads may call {@link #send} at once (that is how {@code Workers}
 * requests are in flight, each on its own connection). A thread interrupted in {@link #send} abandons
 * the request at once. {@link #close} closes every connection.
 */
public final class EsService implements AutoCloseable {

    static final String FILTER_PATH = "filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason";

    private final EsConfig config;
    private final BlockingHttpClient client;
    private final List<BlockingHttpClient.Target> targets = new ArrayList<>();
    private final List<String> hostPorts = new ArrayList<>();
    private final AtomicInteger current = new AtomicInteger();
    private final String authorization;

    public EsService(EsConfig config) throws IOException {
        this.config = config;
        this.authorization = authorization(config.auth());
        List<String> headers = new ArrayList<>(List.of("User-Agent", "ferry", "Content-Type", "application/x-ndjson"));
        if (authorization != null) {
            headers.addAll(List.of("Authorization", authorization));
        }
        if (config.gzip()) {
            headers.addAll(List.of("Content-Encoding", "gzip"));
        }
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
            targets.add(BlockingHttpClient.post(host, port, path + "/_bulk?" + FILTER_PATH, headers));
        }
        if (targets.isEmpty()) {
            throw new IOException("no Elasticsearch host in Host '" + config.host() + "'");
        }
        this.client = new BlockingHttpClient(config.tls(), "Elasticsearch", 10_000, 60_000);
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
        int hostIndex = Math.floorMod(current.get(), targets.size());
        byte[] b = body;
        int n = length;
        if (config.gzip()) {
            b = HttpClients.gzip(body, length);
            n = b.length;
        }
        try {
            EsBulkResponse r = client.post(targets.get(hostIndex), b, 0, n,
                    (status, answer, answerLength, retryAfter) -> EsBulkResponse.parse(status, answer, answerLength, items));
            if (targets.size() > 1 && unavailable(r.httpStatus())) {
                current.compareAndSet(hostIndex, hostIndex + 1);
            }
            return r;
        } catch (IOException e) {
            if (targets.size() > 1) {
                current.compareAndSet(hostIndex, hostIndex + 1);
            }
            throw new IOException(hostPorts.get(hostIndex) + ": " + HttpClients.describe(e), e);
        }
    }

    /**
     * Whether an answer says this host cannot serve now, where another may: 502, 503, 504 (a node without a
     * master, or a proxy whose backend is down). Not 429, which is the whole cluster pushing back.
     */
    private static boolean unavailable(int status) {
        return status == 502 || status == 503 || status == 504;
    }

    /** Closes the connections; a {@link #send} in progress fails. */
    @Override
    public void close() {
        client.close();
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
