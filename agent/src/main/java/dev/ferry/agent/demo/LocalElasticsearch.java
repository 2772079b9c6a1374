package dev.ferry.agent.demo;

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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * A real single-node Elasticsearch on a loopback port, run from an unpacked distribution: the local node of
 * {@code ferry run}'s embedded default and of the es integration tests (one launcher for both).
 *
 * <p>The distribution is {@code org.elasticsearch.distribution.integ-test-zip} from Maven Central, which
 * {@code mvn package} unpacks into {@code agent/target/elasticsearch/elasticsearch-VERSION} next to
 * {@code ferry.jar} ({@link #locate} finds it). It bundles no JDK: the node runs on the JDK that runs ferry
 * ({@code ES_JAVA_HOME = java.home}). The distribution folder is only read: every node gets a run folder of
 * its own with a copy of {@code config/} (so its keystore is its own), {@code data/}, {@code logs/} and the
 * pid file; several nodes can run from one distribution at once.
 *
 * <p>How it runs: {@code bin/elasticsearch -d -p PIDFILE} (daemonized), {@code discovery.type=single-node},
 * HTTP on {@code 127.0.0.1} at a free port that stays the same across {@link #stop()} and {@link #start()},
 * transport on a random loopback port, {@code ES_JAVA_OPTS=-Xms512m -Xmx512m}, x-pack security on with HTTP
 * basic auth: user {@link #USER}, whose password is set as {@code bootstrap.password} in the node's keystore
 * before the first start; optionally HTTPS ({@link Settings#withHttps}). Elasticsearch refuses to run as root: when ferry runs as root the node runs as the
 * system user {@link #OS_USER} (created with {@code useradd -M -r} if missing) through {@code runuser}, and
 * the run folder is given to it. Readiness is {@code /_cluster/health?wait_for_status=yellow} (the root
 * endpoint answers 405 on this distribution); a start that does not become ready in time fails with the tail
 * of the node's log.
 *
 * <p>A JVM shutdown hook stops a node still running when the JVM exits (Ctrl-C during a start included).
 *
 * <p>Thread-safety: {@link #start()} and {@link #stop()} are synchronized; requests may be sent from any
 * thread.
 */
public final class LocalElasticsearch implements AutoCloseable {

    /** The Elasticsearch user requests authenticate as. */
    public static final String USER = "elastic";
    /** The operating-system user the node runs as when ferry runs as root. */
    public static final String OS_USER = "ferry-es";
    /** The manifest entry of {@code ferry.jar} naming the distribution's version. */
    public static final String VERSION_MANIFEST_ENTRY = "Elasticsearch-Version";

    /** The name of the HTTPS key store in the node's config folder. */
    private static final String HTTP_KEYSTORE = "http.p12";
    private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Settings settings;
    private final Path runDir;
    private final int port;
    private final boolean asRoot;
    private final HttpClient http;
    private final String authorization;
    private final String scheme;
    private long pid = -1;

    /**
     * What a node is started with.
     *
     * @param home the unpacked distribution (holds {@code bin/elasticsearch})
     * @param runDir the node's own folder; emptied first
     * @param clusterName the cluster name, which is also the name of the node's log file
     * @param password the password of {@link #USER}; a secret, never logged
     * @param nodeSettings more {@code -E} settings (key to value), e.g. {@code indexing_pressure.memory.limit}
     * @param httpKeystore a PKCS#12 file with the key and certificate of HTTPS, or null for plain HTTP
     * @param httpKeystorePassword its password (a secret: it goes into the node's keystore)
     * @param sslContext the client side of HTTPS (trusting that certificate), for {@link #request}; null for HTTP
     */
    public record Settings(Path home, Path runDir, String clusterName, String password, Map<String, String> nodeSettings,
                           Path httpKeystore, String httpKeystorePassword, SSLContext sslContext) {

        /** A plain-HTTP node with no extra settings. */
        public static Settings of(Path home, Path runDir, String clusterName, String password) {
            return new Settings(home, runDir, clusterName, password, Map.of(), null, null, null);
        }

        public Settings withNodeSettings(Map<String, String> more) {
            return new Settings(home, runDir, clusterName, password, more, httpKeystore, httpKeystorePassword, sslContext);
        }

        /**
         * HTTPS with the key and certificate in {@code keystore} (PKCS#12; copied into the node's config
         * folder, where Elasticsearch may read it); {@code client} is what {@link #request} trusts.
         */
        public Settings withHttps(Path keystore, String keystorePassword, SSLContext client) {
            return new Settings(home, runDir, clusterName, password, nodeSettings, keystore, keystorePassword, client);
        }

        @Override
        public String toString() {
            return "Settings[home=" + home + ", runDir=" + runDir + ", clusterName=" + clusterName + ", password=*****"
                    + ", nodeSettings=" + nodeSettings + ", httpKeystore=" + httpKeystore + "]";
        }
    }

    private LocalElasticsearch(Settings settings, int port, boolean asRoot) {
        this.settings = settings;
        this.runDir = settings.runDir().toAbsolutePath();
        this.port = port;
        this.asRoot = asRoot;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (settings.sslContext() != null) {
            b.sslContext(settings.sslContext());
        }
        this.http = b.build();
        this.scheme = settings.sslContext() != null ? "https" : "http";
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((USER + ":" + settings.password()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The unpacked distribution {@code ferry run} uses: {@code explicit} if given, else
     * {@code elasticsearch/elasticsearch-VERSION} next to the jar this class was loaded from (VERSION from
     * the jar's {@value #VERSION_MANIFEST_ENTRY} manifest entry).
     *
     * @throws IllegalStateException naming the folder looked at and how to get the distribution
     */
    public static Path locate(Path explicit) {
        Path home = explicit;
        if (home == null) {
            Path jar = ferryJar();
            String version = jar == null ? null : manifestVersion(jar);
            if (version == null) {
                throw new IllegalStateException("cannot tell where the Elasticsearch distribution is (ferry is not "
                        + "running from ferry.jar); give --elasticsearch-home DIR");
            }
            home = jar.getParent().resolve("elasticsearch").resolve("elasticsearch-" + version);
        }
        if (!Files.isExecutable(home.resolve("bin").resolve("elasticsearch"))) {
            throw new IllegalStateException("no Elasticsearch distribution in " + home + " (bin/elasticsearch is "
                    + "missing); `mvn -q -B package -DskipTests` unpacks it there from Maven Central, "
                    + "--elasticsearch-home DIR names another, `--demo-output stdout` needs none");
        }
        return home.toAbsolutePath();
    }

    /**
     * Prepares a node on a free loopback port with an empty run folder (its keystore holding the password)
     * and starts it; fails with the node's log if it does not become ready. A node an earlier process left
     * running in the same run folder is stopped first.
     */
    public static LocalElasticsearch startNew(Settings settings) throws IOException, InterruptedException {
        Path runDir = settings.runDir().toAbsolutePath();
        stopLeftOver(runDir.resolve("elasticsearch.pid"));
        deleteTree(runDir);
        Files.createDirectories(runDir.resolve("data"));
        Files.createDirectories(runDir.resolve("logs"));
        copyTree(settings.home().resolve("config"), runDir.resolve("config"));
        if (settings.httpKeystore() != null) {
            Files.copy(settings.httpKeystore(), runDir.resolve("config").resolve(HTTP_KEYSTORE));
        }
        LocalElasticsearch node = new LocalElasticsearch(settings, freePort(), runsAsRoot());
        node.prepare();
        Runtime.getRuntime().addShutdownHook(new Thread(node::stopQuietly, "elasticsearch-node-stop"));
        node.start();
        return node;
    }

    public int port() {
        return port;
    }

    /** The node's base URL, e.g. {@code http://127.0.0.1:9200}. */
    public String url() {
        return scheme + "://127.0.0.1:" + port;
    }

    /** The password of {@link #USER}; give it to ferry through the environment, never in a file. */
    public String password() {
        return settings.password();
    }

    public Path runDir() {
        return runDir;
    }

    /** Starts the node (again) on the same port and data; returns when the cluster is at least yellow. */
    public synchronized void start() throws IOException, InterruptedException {
        if (pid > 0) {
            return;
        }
        Path pidFile = runDir.resolve("elasticsearch.pid");
        Files.deleteIfExists(pidFile);
        Map<String, String> opts = new LinkedHashMap<>();
        opts.put("cluster.name", settings.clusterName());
        opts.put("node.name", settings.clusterName() + "-0");
        opts.put("discovery.type", "single-node");
        opts.put("http.host", "127.0.0.1");
        opts.put("http.port", Integer.toString(port));
        opts.put("transport.host", "127.0.0.1");
        opts.put("transport.port", "0");
        opts.put("path.data", runDir.resolve("data").toString());
        opts.put("path.logs", runDir.resolve("logs").toString());
        opts.put("xpack.security.enabled", "true");
        opts.put("xpack.security.http.ssl.enabled", Boolean.toString(settings.httpKeystore() != null));
        opts.put("xpack.security.transport.ssl.enabled", "false");
        // A nearly full disk must not turn the indices read-only.
        opts.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        if (settings.httpKeystore() != null) {
            opts.put("xpack.security.http.ssl.keystore.path", HTTP_KEYSTORE); // relative to the config folder
        }
        opts.putAll(settings.nodeSettings());
        List<String> args = new ArrayList<>(List.of(settings.home().resolve("bin/elasticsearch").toString(), "-d", "-p",
                pidFile.toString()));
        opts.forEach((k, v) -> args.addAll(List.of("-E", k + "=" + v)));
        Path launcherLog = runDir.resolve("launcher.log");
        Process launcher = new ProcessBuilder(command(args)).directory(runDir.toFile())
                .redirectErrorStream(true).redirectOutput(launcherLog.toFile()).start();
        try {
            awaitReady(launcher, pidFile);
        } catch (InterruptedException e) {
            // Stopped while starting (Ctrl-C): leave no node behind, even one still being launched.
            abandon(launcher, pidFile);
            throw e;
        }
    }

    private void awaitReady(Process launcher, Path pidFile) throws IOException, InterruptedException {
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
            Optional<Response> health = tryRequest("/_cluster/health?wait_for_status=yellow&timeout=2s");
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

    /** Waits (uninterruptibly) for a launcher still running, then stops the node it started. */
    private void abandon(Process launcher, Path pidFile) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + LAUNCH_TIMEOUT.toNanos();
        while (launcher.isAlive() && System.nanoTime() < deadline) {
            try {
                launcher.waitFor(1, TimeUnit.SECONDS);
            } catch (InterruptedException again) {
                interrupted = true;
            }
        }
        try {
            if (pid <= 0 && Files.exists(pidFile)) {
                pid = Long.parseLong(Files.readString(pidFile).trim());
            }
            stop();
        } catch (IOException | RuntimeException | InterruptedException e) {
            interrupted |= e instanceof InterruptedException;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
        } catch (TimeoutException e) {
            handle.get().destroyForcibly();
            try {
                handle.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException again) {
                throw new IllegalStateException("Elasticsearch pid " + handle.get().pid() + " did not stop", again);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized boolean isRunning() {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Stops the node; the run folder is kept. */
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

    // ---- HTTP ----

    /** One HTTP response: status and body text. */
    public record Response(int status, String body) {
        /** This response, or an exception naming both statuses and the body. */
        public Response expect(int wanted) {
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

    /** Sends one request with the given basic-auth user and password (no body). */
    public Response requestAs(String user, String password, String method, String path)
            throws IOException, InterruptedException {
        return send(method, path, null, "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** Refreshes {@code index} and returns how many documents it holds; 0 if it does not exist. */
    public long count(String index) throws IOException, InterruptedException {
        Response refresh = request("POST", "/" + index + "/_refresh", null);
        if (refresh.status() == 404) {
            return 0;
        }
        refresh.expect(200);
        Response r = request("GET", "/" + index + "/_count", null).expect(200);
        return ((Number) r.json().get("count")).longValue();
    }

    private Response send(String method, String path, String jsonBody, String auth) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
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

    private Optional<Response> tryRequest(String path) throws InterruptedException {
        try {
            return Optional.of(request("GET", path, null));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // ---- process set-up ----

    /** Writes the password (and other secure settings) into the node's keystore and gives it its folder. */
    private void prepare() throws IOException, InterruptedException {
        if (asRoot) {
            ensureOsUser();
            run(List.of("chown", "-R", OS_USER + ":" + OS_USER, runDir.toString()), null);
        }
        String keystore = settings.home().resolve("bin/elasticsearch-keystore").toString();
        run(command(List.of(keystore, "create")), null);
        Map<String, String> secure = new LinkedHashMap<>();
        secure.put("bootstrap.password", settings.password());
        if (settings.httpKeystore() != null) {
            secure.put("xpack.security.http.ssl.keystore.secure_password", settings.httpKeystorePassword());
        }
        for (Map.Entry<String, String> s : secure.entrySet()) {
            run(command(List.of(keystore, "add", "-x", s.getKey())), s.getValue());
        }
    }

    /** {@code cmd} run with the node's environment, as {@link #OS_USER} when ferry runs as root. */
    private List<String> command(List<String> cmd) {
        List<String> out = new ArrayList<>();
        if (asRoot) {
            out.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        // Explicit through env(1): runuser resets part of the environment.
        out.addAll(List.of("env", "ES_JAVA_HOME=" + System.getProperty("java.home"), "ES_JAVA_OPTS=-Xms512m -Xmx512m",
                "ES_PATH_CONF=" + runDir.resolve("config")));
        out.addAll(cmd);
        return out;
    }

    /**
     * Stops a node an earlier process started and could not stop (it was killed): its pid file is still
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
                    } catch (InterruptedException | ExecutionException | TimeoutException e) {
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
    public String logTail() {
        StringBuilder b = new StringBuilder();
        for (Path log : List.of(runDir.resolve("launcher.log"), runDir.resolve("logs/" + settings.clusterName() + ".log"))) {
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

    private static String manifestVersion(Path jar) {
        try (java.util.jar.JarFile f = new java.util.jar.JarFile(jar.toFile())) {
            return f.getManifest() == null ? null : f.getManifest().getMainAttributes().getValue(VERSION_MANIFEST_ENTRY);
        } catch (IOException e) {
            return null;
        }
    }

    /** The jar this class was loaded from, or null (classes folder, tests). */
    private static Path ferryJar() {
        try {
            var source = LocalElasticsearch.class.getProtectionDomain().getCodeSource();
            Path location = source == null ? null : Path.of(source.getLocation().toURI());
            return location == null || !Files.isRegularFile(location) ? null : location.toAbsolutePath();
        } catch (java.net.URISyntaxException | SecurityException e) {
            return null;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("elasticsearch.keystore")) {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Deletes {@code dir} and everything in it; a missing folder is fine. */
    static void deleteTree(Path dir) throws IOException {
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
