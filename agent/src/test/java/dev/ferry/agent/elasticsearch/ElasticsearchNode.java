package dev.ferry.agent.elasticsearch;

import dev.ferry.pipeline.record.JsonValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Elasticsearch for the integration tests, started once per test run and shared by
 * every es IT (through {@link ElasticsearchExtension}).
 *
 * <p>What it is: the {@code org.elasticsearch.distribution.integ-test-zip} distribution from Maven
 * Central (version set by {@code elasticsearch.it.version} in {@code agent/pom.xml}, unpacked by the
 * maven-dependency-plugin into {@code agent/target/elasticsearch} before the ITs and passed as the system
 * property {@code elasticsearch.home}). It is the real server with the modules {@code transport-netty4},
 * {@code x-pack-core}, {@code x-pack-security} and {@code apm}; it bundles no JDK and runs on the JDK
 * that runs the tests ({@code ES_JAVA_HOME = java.home}).
 *
 * <p>The real behaviour it gives the tests:
 * <ul>
 *   <li>the bulk API with real per-item results: dynamic mapping, mapping conflicts answered per item
 *       with 400 {@code document_parsing_exception}, ids that overwrite;</li>
 *   <li>x-pack security on, HTTP basic auth, no TLS: user {@link #USER} with {@link #password()} (set as
 *       {@code bootstrap.password} in the keystore before the first start); a wrong password answers 401;</li>
 *   <li>back-pressure: {@code indexing_pressure.memory.limit=8mb}, so concurrent bulks of a few MB
 *       are answered 429 {@code es_rejected_execution_exception} for the whole request, as a loaded
 *       cluster does (a single bulk larger than 8 MB is always refused);</li>
 *   <li>outages: {@link #stop()} ends the server with SIGTERM and {@link #start()} brings it back on the
 *       same port with the same data, so ferry sees connection refused in between.</li>
 * </ul>
 *
 * <p>How it runs: {@code bin/elasticsearch -d -p PIDFILE} (daemonized) with {@code discovery.type=single-node},
 * HTTP on {@code 127.0.0.1} at a free port, transport on a random loopback port, data and logs under
 * {@code agent/target/elasticsearch-node}, {@code ES_JAVA_OPTS=-Xms512m -Xmx512m}. Elasticsearch refuses
 * to run as root: when the tests run as root the node runs as the system user {@link #OS_USER} (created
 * with {@code useradd -M -r} if missing) through {@code runuser}, and the unpacked folder is given to it.
 * Readiness is {@code /_cluster/health?wait_for_status=yellow} (the root endpoint answers 405 on this
 * distribution); a start that does not become ready in time fails with the tail of the node's log.
 * It is stopped when the test run ends (the root {@link ExtensionContext.Store} closes it) or, as a
 * safety net, by a JVM shutdown hook.
 *
 * <p>Thread-safety: the helpers may be called from any thread; {@link #start()} and {@link #stop()} are
 * synchronized. Indices are deleted by exact name only (wildcards are refused, as by Elasticsearch's
 * {@code action.destructive_requires_name}).
 */
public final class ElasticsearchNode implements ExtensionContext.Store.CloseableResource {

    /** The Elasticsearch user the tests and ferry authenticate as. */
    public static final String USER = "elastic";
    /** The operating-system user the node runs as when the tests run as root. */
    public static final String OS_USER = "ferry-es";

    private static final String PASSWORD = "ferry-it-Secret-7351";
    private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Path home;
    private final Path runDir;
    private final int port;
    private final boolean asRoot;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String authorization;
    private long pid = -1;

    private ElasticsearchNode(Path home, Path runDir, int port, boolean asRoot) {
        this.home = home;
        this.runDir = runDir;
        this.port = port;
        this.asRoot = asRoot;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Prepares a node on a free loopback port with an empty data folder and starts it; fails with the
     * node's log if it does not become ready.
     */
    static ElasticsearchNode startNew() throws IOException, InterruptedException {
        String prop = System.getProperty("elasticsearch.home");
        if (prop == null || !Files.isExecutable(Path.of(prop, "bin", "elasticsearch"))) {
            throw new IllegalStateException("Elasticsearch not unpacked (system property elasticsearch.home="
                    + prop + "); run the ITs with mvn verify, which unpacks it in pre-integration-test");
        }
        Path home = Path.of(prop).toAbsolutePath();
        Path runDir = home.getParent().resolveSibling("elasticsearch-node");
        stopLeftOver(runDir.resolve("elasticsearch.pid"));
        deleteTree(runDir);
        Files.createDirectories(runDir.resolve("data"));
        Files.createDirectories(runDir.resolve("logs"));
        ElasticsearchNode node = new ElasticsearchNode(home, runDir, freePort(), runsAsRoot());
        node.prepare();
        Runtime.getRuntime().addShutdownHook(new Thread(node::stopQuietly, "elasticsearch-node-stop"));
        node.start();
        return node;
    }

    public int port() {
        return port;
    }

    /** The password of {@link #USER}; ferry gets it through the environment, never in a file. */
    public String password() {
        return PASSWORD;
    }

    /** Starts the node (again) on the same port and data; returns when the cluster is at least yellow. */
    public synchronized void start() throws IOException, InterruptedException {
        if (pid > 0) {
            return;
        }
        Path pidFile = runDir.resolve("elasticsearch.pid");
        Files.deleteIfExists(pidFile);
        List<String> cmd = new ArrayList<>(command(List.of(home.resolve("bin/elasticsearch").toString(), "-d", "-p", pidFile.toString(),
                "-E", "cluster.name=ferry-it",
                "-E", "node.name=ferry-it-0",
                "-E", "discovery.type=single-node",
                "-E", "http.host=127.0.0.1",
                "-E", "http.port=" + port,
                "-E", "transport.host=127.0.0.1",
                "-E", "transport.port=0",
                "-E", "path.data=" + runDir.resolve("data"),
                "-E", "path.logs=" + runDir.resolve("logs"),
                "-E", "xpack.security.enabled=true",
                "-E", "xpack.security.http.ssl.enabled=false",
                "-E", "xpack.security.transport.ssl.enabled=false",
                "-E", "indexing_pressure.memory.limit=8mb",
                // A nearly full build disk must not turn the test indices read-only.
                "-E", "cluster.routing.allocation.disk.threshold_enabled=false")));
        Path launcherLog = runDir.resolve("launcher.log");
        Process launcher = new ProcessBuilder(cmd).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(launcherLog.toFile()).start();
        // With -d the launcher returns once the server has started (or failed to).
        if (!launcher.waitFor(LAUNCH_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            launcher.destroyForcibly();
            throw new IllegalStateException("Elasticsearch launcher did not return within " + LAUNCH_TIMEOUT + "\n" + logTail());
        }
        if (launcher.exitValue() != 0 || !Files.exists(pidFile)) {
            throw new IllegalStateException("Elasticsearch did not start (launcher exit " + launcher.exitValue() + ")\n" + logTail());
        }
        pid = Long.parseLong(Files.readString(pidFile).trim());
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            Optional<Response> health = tryRequest("GET", "/_cluster/health?wait_for_status=yellow&timeout=2s", null);
            if (health.isPresent() && health.get().status() == 200 && !health.get().body().contains("\"timed_out\":true")) {
                return;
            }
            if (ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
                pid = -1;
                throw new IllegalStateException("Elasticsearch exited before it was ready\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Elasticsearch not ready within " + READY_TIMEOUT + " (last health: "
                        + health.map(Response::toString).orElse("no answer") + ")\n" + logTail());
            }
            Thread.sleep(200);
        }
    }

    /** Stops the node with SIGTERM and waits for it to exit (SIGKILL after 60 s). Data is kept. */
    public synchronized void stop() throws InterruptedException {
        if (pid <= 0) {
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        pid = -1;
        if (handle.isEmpty()) {
            return;
        }
        handle.get().destroy();
        try {
            handle.get().onExit().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            handle.get().destroyForcibly();
            try {
                handle.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception again) {
                throw new IllegalStateException("Elasticsearch pid " + handle.get().pid() + " did not stop", again);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized boolean isRunning() {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (Exception e) {
            // Best effort at JVM exit.
        }
    }

    // ---- index helpers ----

    /** Creates {@code index} with one shard, no replica and the given {@code mappings} object (or none). */
    public void createIndex(String index, String mappingsJson) throws IOException, InterruptedException {
        checkName(index);
        String body = "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}"
                + (mappingsJson == null ? "" : ",\"mappings\":" + mappingsJson) + "}";
        request("PUT", "/" + index, body).expect(200);
    }

    /** Deletes {@code index} by its exact name; a missing index is fine. Wildcards and lists are refused. */
    public void deleteIndex(String index) throws IOException, InterruptedException {
        checkName(index);
        Response r = request("DELETE", "/" + index, null);
        if (r.status() != 404) {
            r.expect(200);
        }
    }

    /** Whether {@code index} exists. */
    public boolean exists(String index) throws IOException, InterruptedException {
        checkName(index);
        return request("HEAD", "/" + index, null).status() == 200;
    }

    /** Refreshes {@code index} and returns how many documents it holds; 0 if it does not exist yet. */
    public long count(String index) throws IOException, InterruptedException {
        checkName(index);
        Response refresh = request("POST", "/" + index + "/_refresh", null);
        if (refresh.status() == 404) {
            return 0;
        }
        refresh.expect(200);
        Response r = request("GET", "/" + index + "/_count", null).expect(200);
        return ((Number) r.json().get("count")).longValue();
    }

    /** Refreshes {@code index} and counts the documents matching {@code queryJson} (a query object). */
    public long count(String index, String queryJson) throws IOException, InterruptedException {
        checkName(index);
        request("POST", "/" + index + "/_refresh", null).expect(200);
        Response r = request("POST", "/" + index + "/_count", "{\"query\":" + queryJson + "}").expect(200);
        return ((Number) r.json().get("count")).longValue();
    }

    /**
     * The {@code fields.seq} of every document of {@code index}, one entry per document (so duplicates show),
     * read with a scroll in pages of 10,000 from doc values. Refreshes first.
     */
    public List<Long> seqValues(String index) throws IOException, InterruptedException {
        List<Long> out = new ArrayList<>();
        scroll(index, "{\"size\":10000,\"_source\":false,\"docvalue_fields\":[\"fields.seq\"],\"sort\":[\"_doc\"]}", hit -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) hit.get("fields");
            List<?> seq = fields == null ? null : (List<?>) fields.get("fields.seq");
            out.add(seq == null || seq.isEmpty() ? null : ((Number) seq.get(0)).longValue());
            return null;
        });
        return out;
    }

    /** Every document of {@code index} as {@code {_id, _source}} maps, read with a scroll. Refreshes first. */
    public List<Map<String, Object>> documents(String index) throws IOException, InterruptedException {
        List<Map<String, Object>> out = new ArrayList<>();
        scroll(index, "{\"size\":10000,\"sort\":[\"_doc\"]}", hit -> {
            out.add(hit);
            return null;
        });
        return out;
    }

    private void scroll(String index, String query, Function<Map<String, Object>, Void> each)
            throws IOException, InterruptedException {
        checkName(index);
        request("POST", "/" + index + "/_refresh", null).expect(200);
        Response page = request("POST", "/" + index + "/_search?scroll=1m", query).expect(200);
        String scrollId = null;
        try {
            while (true) {
                Map<String, Object> json = page.json();
                scrollId = (String) json.get("_scroll_id");
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> hits = (List<Map<String, Object>>) ((Map<String, Object>) json.get("hits")).get("hits");
                if (hits.isEmpty()) {
                    return;
                }
                hits.forEach(each::apply);
                page = request("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + scrollId + "\"}").expect(200);
            }
        } finally {
            if (scrollId != null) {
                request("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + scrollId + "\"}");
            }
        }
    }

    // ---- HTTP ----

    /** One HTTP response: status and body text. */
    public record Response(int status, String body) {
        Response expect(int wanted) {
            if (status != wanted) {
                throw new IllegalStateException("Elasticsearch answered " + status + " (wanted " + wanted + "): " + body);
            }
            return this;
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> json() {
            return (Map<String, Object>) JsonValues.parse(body);
        }
    }

    /** Sends one request as {@link #USER} (JSON body or none). */
    public Response request(String method, String path, String jsonBody) throws IOException, InterruptedException {
        return send(method, path, jsonBody, authorization);
    }

    /** Sends one request with the given basic-auth user and password, for the authentication tests. */
    public Response requestAs(String user, String password, String method, String path) throws IOException, InterruptedException {
        return send(method, path, null, "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private Response send(String method, String path, String jsonBody, String auth) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", auth);
        if (jsonBody != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(r.statusCode(), r.body());
    }

    private Optional<Response> tryRequest(String method, String path, String body) throws InterruptedException {
        try {
            return Optional.of(request(method, path, body));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void checkName(String index) {
        if (index == null || index.isEmpty() || index.startsWith("_") || index.startsWith("-")
                || index.chars().anyMatch(c -> c == '*' || c == ',' || c == '?' || c == '/' || c == ' ')) {
            throw new IllegalArgumentException("index names only, no wildcards or lists: '" + index + "'");
        }
    }

    // ---- process set-up ----

    /** Sets the elastic password in a fresh keystore and gives the folders to the node's OS user. */
    private void prepare() throws IOException, InterruptedException {
        if (asRoot) {
            ensureOsUser();
        }
        Files.deleteIfExists(home.resolve("config/elasticsearch.keystore"));
        if (asRoot) {
            run(List.of("chown", "-R", OS_USER + ":" + OS_USER, home.toString(), runDir.toString()), null);
        }
        run(command(List.of(home.resolve("bin/elasticsearch-keystore").toString(), "create")), null);
        run(command(List.of(home.resolve("bin/elasticsearch-keystore").toString(), "add", "-x", "bootstrap.password")), PASSWORD);
    }

    /** {@code cmd} run with the node's environment, as {@link #OS_USER} when the tests run as root. */
    private List<String> command(List<String> cmd) {
        List<String> out = new ArrayList<>();
        if (asRoot) {
            out.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        // Explicit through env(1): runuser resets part of the environment.
        out.addAll(List.of("env", "ES_JAVA_HOME=" + System.getProperty("java.home"), "ES_JAVA_OPTS=-Xms512m -Xmx512m",
                "ES_PATH_CONF=" + home.resolve("config")));
        out.addAll(cmd);
        return out;
    }

    /**
     * Stops a node an earlier test JVM started and could not stop (it was killed): its pid file is still
     * there and names a live Elasticsearch process.
     */
    private static void stopLeftOver(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        long old = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(old)
                .filter(p -> p.info().commandLine().map(c -> c.contains("org.elasticsearch")).orElse(false))
                .ifPresent(p -> {
                    p.destroy();
                    try {
                        p.onExit().get(60, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        p.destroyForcibly();
                    }
                });
    }

    private static void ensureOsUser() throws IOException, InterruptedException {
        if (new ProcessBuilder("id", "-u", OS_USER).redirectErrorStream(true).start().waitFor() != 0) {
            run(List.of("useradd", "-M", "-r", "-s", "/usr/sbin/nologin", OS_USER), null);
        }
    }

    private static boolean runsAsRoot() throws IOException, InterruptedException {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        id.waitFor();
        return "0".equals(uid);
    }

    private static void run(List<String> cmd, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write((stdin + "\n").getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("command failed: " + String.join(" ", cmd) + "\n" + out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The last lines of the launcher's output and of the server log, for failure messages. */
    String logTail() {
        StringBuilder b = new StringBuilder();
        for (Path log : List.of(runDir.resolve("launcher.log"), runDir.resolve("logs/ferry-it.log"))) {
            b.append("--- ").append(log).append(" (last 40 lines)\n");
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of("(none)");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> b.append(l).append('\n'));
            } catch (IOException e) {
                b.append("(unreadable: ").append(e).append(")\n");
            }
        }
        return b.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
