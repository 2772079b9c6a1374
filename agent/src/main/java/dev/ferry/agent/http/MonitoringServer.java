package dev.ferry.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.pipeline.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fluent Bit's built-in HTTP server ({@code [SERVICE] HTTP_Server On}), the endpoints operators use:
 * {@code /} (build info), {@code /api/v1/uptime}, {@code /api/v1/metrics} (JSON),
 * {@code /api/v1/metrics/prometheus} and, with {@code Health_Check On}, {@code /api/v1/health} ({@code 200 ok}
 * or {@code 500 error}). Without {@code Health_Check}, Fluent Bit registers no health endpoint
 * ({@code src/http_server/api/v1/register.c}) and answers 404, as for any other path ({@code flb_hs_request_handler}
 * in {@code src/http_server/flb_hs.c}; Fluent Bit before its own HTTP server, on monkey, answered any unknown path
 * with the build info).
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver} (module {@code jdk.httpserver}): one request thread, and
 * one timer thread that samples the health check's counts every second, both daemons. {@link #bind} listens at once, so a port in use
 * stops ferry at start (exit 2) before it reads anything; {@link #start} serves; {@link #close} stops both
 * threads. Counts are read from {@code metrics} at each request: nothing is copied or counted here.
 */
public final class MonitoringServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitoringServer.class);

    private final HttpServerConfig config;
    private final HttpServer server;
    private final ScheduledExecutorService timer;
    private final long startNanos = System.nanoTime();
    private final long startEpochSeconds = System.currentTimeMillis() / 1000;
    private volatile Supplier<MetricsSnapshot> metrics = () -> MetricsSnapshot.EMPTY;
    private HealthCheck health;

    private MonitoringServer(HttpServerConfig config, HttpServer server) {
        this.config = config;
        this.server = server;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ferry-http-health"));
    }

    /**
     * Listens at {@code HTTP_Listen:HTTP_Port}; serves nothing until {@link #start}.
     *
     * @throws ConfigException when the address cannot be bound (port in use, address not on this host)
     */
    public static MonitoringServer bind(HttpServerConfig config) {
        InetSocketAddress address = new InetSocketAddress(config.listen(), config.port());
        if (address.isUnresolved()) {
            throw new ConfigException("[SERVICE] HTTP_Listen:HTTP_Port " + config.address()
                    + ": the HTTP server cannot listen: unknown host '" + config.listen() + "'");
        }
        try {
            return new MonitoringServer(config, HttpServer.create(address, 16));
        } catch (BindException e) {
            throw new ConfigException("[SERVICE] HTTP_Listen:HTTP_Port " + config.address() + ": the HTTP server cannot "
                    + "listen: " + e.getMessage() + " (another ferry or Fluent Bit on this port?); set HTTP_Port to a free "
                    + "port, or HTTP_Server Off");
        } catch (IOException e) {
            throw new ConfigException("[SERVICE] HTTP_Listen:HTTP_Port " + config.address()
                    + ": the HTTP server cannot listen: " + e);
        }
    }

    /** Starts answering requests, with counts read from {@code source} at each request; called once. */
    public void start(Supplier<MetricsSnapshot> source) {
        this.metrics = source;
        server.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r, "ferry-http")));
        server.createContext("/", this::handle);
        if (config.healthCheck()) {
            HealthCheck check = new HealthCheck(config.errorsCount(), config.retryFailureCount(), config.period().toSeconds());
            check.sample(source.get());
            timer.scheduleAtFixedRate(() -> check.sample(metrics.get()), 1, 1, TimeUnit.SECONDS);
            health = check;
        }
        server.start();
        LOG.info("HTTP server listening. address={} health_check={}", config.address(), config.healthCheck() ? "on" : "off");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "text/plain", "method not allowed\n");
                return;
            }
            switch (path) {
                case "/" -> send(exchange, 200, "application/json", MetricsJson.buildInfo(version()));
                case "/api/v1/uptime" -> send(exchange, 200, "application/json", MetricsJson.uptime(uptimeSeconds()));
                case "/api/v1/metrics" -> send(exchange, 200, "application/json", MetricsJson.metrics(metrics.get()));
                case "/api/v1/metrics/prometheus" -> send(exchange, 200, "text/plain; version=0.0.4",
                        PrometheusText.render(metrics.get(), uptimeSeconds(), startEpochSeconds));
                case "/api/v1/health" -> {
                    if (health == null) {
                        send(exchange, 404, "text/plain", "not found: Health_Check is Off\n");
                    } else if (health.healthy(metrics.get())) {
                        send(exchange, 200, "text/plain", "ok\n");
                    } else {
                        send(exchange, 500, "text/plain", "error\n");
                    }
                }
                default -> send(exchange, 404, "text/plain", "not found\n");
            }
        } catch (RuntimeException e) {
            LOG.warn("HTTP server request failed. path={} error={}", exchange.getRequestURI().getPath(), e.toString());
            throw e;
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private long uptimeSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
    }

    private static String version() {
        String v = MonitoringServer.class.getPackage().getImplementationVersion();
        return v != null ? v : "development build";
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Stops listening and both threads; requests in progress are cut off. */
    @Override
    public void close() {
        timer.shutdownNow();
        server.stop(0);
        if (server.getExecutor() instanceof java.util.concurrent.ExecutorService e) {
            e.shutdownNow();
        }
    }
}
