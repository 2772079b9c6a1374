package dev.ferry.outputs.loki;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * Test code: an in-process receiver of {@code POST /loki/api/v1/push} on 127.0.0.1. It is NOT a real
 * Loki: it decodes the real wire formats (snappy + protobuf, JSON, gzip JSON) and enforces the handful
 * of Loki's documented write-path rules the {@code loki} output must cope with, each reproducing the
 * behaviour and message text of the named Loki component. Everything it stores is kept per tenant and
 * stream for the tests to assert on.
 */
public final class LokiReceiver implements AutoCloseable {

    /** One stored entry. */
    public record Stored(String tenant, String stream, long timeNanos, String line, Map<String, String> metadata) {
    }

    /** One request seen: when, status answered. */
    public record Seen(long atNanos, int status) {
    }

    // Loki: limits_config.reject_old_samples_max_age (168h by default).
    public volatile long maxAgeNanos = 168L * 3600 * 1_000_000_000L;
    // Loki: ingester out-of-order window, max_chunk_age / 2 (2h / 2 = 1h by default).
    public volatile long outOfOrderWindowNanos = 3600L * 1_000_000_000L;
    // Loki: limits_config.max_line_size (256KB by default; 0 = no limit).
    public volatile int maxLineSize = 256 * 1024;
    /** Loki's {@code max_returned_stream_errors}: entries listed per stream in a 400. */
    public volatile int maxReturnedStreamErrors = 10;
    // Loki: limits_config.ingestion_rate_mb per tenant (bytes/s here; 0 = no limit); burst = one second.
    public volatile long ingestionRateBytes;
    // Not Loki: Loki itself sends no Retry-After with its 429; gateways and hosted Lokis do. Null: none.
    public volatile String retryAfter;
    /** Answers the next requests with this status (e.g. 503) while > 0 of them remain. */
    public final AtomicInteger failNext = new AtomicInteger();
    public volatile int failStatus = 503;

    /** Entries dropped as identical to one their stream already had (a re-send Loki shows once). */
    public final java.util.concurrent.atomic.AtomicLong duplicatesDropped = new java.util.concurrent.atomic.AtomicLong();
    public final List<Stored> stored = new CopyOnWriteArrayList<>();
    public final List<Seen> seen = new CopyOnWriteArrayList<>();
    public final List<String> tenants = new CopyOnWriteArrayList<>();
    public final List<String> contentTypes = new CopyOnWriteArrayList<>();
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final Map<String, Long> newest = new HashMap<>();
    private final Set<String> present = new HashSet<>();
    private double tokens;
    private boolean bucketFilled;
    private long lastRefill = System.nanoTime();
    private HttpServer server;
    private int port;

    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    public LokiReceiver start() throws IOException {
        return start(0);
    }

    /** Starts listening (on {@code port}, 0 for any); restarting on the same port models Loki coming back. */
    public LokiReceiver start(int p) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 0);
        server.createContext("/loki/api/v1/push", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        port = server.getAddress().getPort();
        return this;
    }

    public int port() {
        return port;
    }

    /** Stops listening: connections are refused until {@link #start(int)}. */
    public void stop() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    /** How many requests were answered with {@code status}. */
    public long answered(int status) {
        return seen.stream().filter(x -> x.status() == status).count();
    }

    /** Lines stored, in arrival order. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (Stored s : stored) {
            out.add(s.line);
        }
        return out;
    }

    private synchronized void handle(HttpExchange ex) throws IOException {
        try {
            String tenant = ex.getRequestHeaders().getFirst("X-Scope-OrgID");
            tenants.add(String.valueOf(tenant));
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            contentTypes.add(type);
            byte[] raw = ex.getRequestBody().readAllBytes();
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                answer(ex, failStatus, "scripted failure", null);
                return;
            }
            List<PushDecoder.Stream> streams;
            try {
                if ("application/x-protobuf".equals(type)) {
                    // Loki: a protobuf push body is snappy block-compressed.
                    streams = PushDecoder.protobuf(PushDecoder.unsnappy(raw));
                } else {
                    InputStream in = new java.io.ByteArrayInputStream(raw);
                    if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                        in = new GZIPInputStream(in);
                    }
                    streams = PushDecoder.json(in.readAllBytes());
                }
            } catch (RuntimeException e) {
                answer(ex, 400, "cannot decode the push: " + e, null);
                return;
            }
            long now = System.currentTimeMillis() * 1_000_000L;
            String t = tenant == null ? "fake" : tenant;
            // Distributor validation (pkg/distributor/validator.go), entry by entry; valid entries go on.
            List<String> validation = new ArrayList<>();
            Map<String, List<PushDecoder.Entry>> valid = new LinkedHashMap<>();
            long validBytes = 0;
            for (PushDecoder.Stream s : streams) {
                for (PushDecoder.Entry e : s.entries()) {
                    int len = e.line().getBytes(StandardCharsets.UTF_8).length;
                    if (e.timeNanos() < now - maxAgeNanos) {
                        // Loki: reject_old_samples -> validation.GreaterThanMaxSampleAgeErrorMsg.
                        validation.add("entry for stream '" + s.labels() + "' has timestamp too old: "
                                + goTime(e.timeNanos()) + ", oldest acceptable timestamp is: " + goTime(now - maxAgeNanos));
                    } else if (maxLineSize > 0 && len > maxLineSize) {
                        // Loki: max_line_size -> validation.LineTooLongErrorMsg.
                        validation.add("Max entry size '" + maxLineSize + "' bytes exceeded for stream '" + s.labels()
                                + "' while adding an entry with length '" + len + "' bytes");
                    } else {
                        valid.computeIfAbsent(s.labels(), k -> new ArrayList<>()).add(e);
                        validBytes += len;
                    }
                }
            }
            if (valid.isEmpty() && !validation.isEmpty()) {
                answer(ex, 400, String.join("\n", validation), null);
                return;
            }
            // Distributor rate limiter (ingestion_rate_mb, local strategy): the whole push is refused with 429.
            if (ingestionRateBytes > 0) {
                long n = System.nanoTime();
                if (!bucketFilled) {
                    // Loki's limiter (golang.org/x/time/rate) starts with a full burst.
                    tokens = ingestionRateBytes;
                    bucketFilled = true;
                }
                tokens = Math.min(ingestionRateBytes, tokens + (n - lastRefill) * ingestionRateBytes / 1e9);
                lastRefill = n;
                if (validBytes > tokens) {
                    answer(ex, 429, "Ingestion rate limit exceeded for user " + t + " (limit: " + ingestionRateBytes
                            + " bytes/sec) while attempting to ingest '" + valid.values().stream().mapToInt(List::size)
                            .sum() + "' lines totaling '" + validBytes + "' bytes, reduce log volume or contact your "
                            + "Loki administrator to see if the limit can be increased", retryAfter);
                    return;
                }
                tokens -= validBytes;
            }
            // Ingester (pkg/ingester/stream.go), stream by stream, entries in push order.
            String ingesterError = null;
            for (Map.Entry<String, List<PushDecoder.Entry>> s : valid.entrySet()) {
                String key = t + s.getKey();
                List<String> failed = new ArrayList<>();
                for (PushDecoder.Entry e : s.getValue()) {
                    Long high = newest.get(key);
                    // Loki: unordered writes accept entries down to highest timestamp - max_chunk_age/2.
                    if (high != null && e.timeNanos() < high - outOfOrderWindowNanos) {
                        failed.add("entry with timestamp " + goTime(e.timeNanos()) + " ignored, reason: 'entry too far "
                                + "behind, entry timestamp is: " + rfc3339(e.timeNanos()) + ", oldest acceptable "
                                + "timestamp is: " + rfc3339(high - outOfOrderWindowNanos) + "',");
                        continue;
                    }
                    // Loki: an entry identical (timestamp and line) to one the stream has is dropped silently.
                    if (!present.add(key + "\u0000" + e.timeNanos() + "\u0000" + e.line())) {
                        duplicatesDropped.incrementAndGet();
                        continue;
                    }
                    stored.add(new Stored(t, s.getKey(), e.timeNanos(), e.line(), e.metadata()));
                    newest.merge(key, e.timeNanos(), Math::max);
                }
                if (!failed.isEmpty()) {
                    // Loki: the stream's 400 lists the ignored entries; the ingester reports the last failing stream.
                    // Loki: at most max_returned_stream_errors (default 10) entries are listed, the total counts all.
                    ingesterError = String.join("\n", failed.subList(0, Math.min(failed.size(), maxReturnedStreamErrors)))
                            + "\nuser '" + t + "', total ignored: " + failed.size()
                            + " out of " + s.getValue().size() + " for stream: " + s.getKey();
                }
            }
            if (ingesterError != null) {
                answer(ex, 400, ingesterError, null);
            } else if (!validation.isEmpty()) {
                answer(ex, 400, String.join("\n", validation), null);
            } else {
                answer(ex, 204, "", null);
            }
        } finally {
            ex.close();
        }
    }

    private void answer(HttpExchange ex, int status, String body, String retryAfterHeader) throws IOException {
        seen.add(new Seen(System.nanoTime(), status));
        if (retryAfterHeader != null && status == 429) {
            ex.getResponseHeaders().set("Retry-After", retryAfterHeader);
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(b);
            }
        }
    }

    /** Go's {@code time.Time.String()} of a UTC time: {@code 2024-01-01 10:00:00.5 +0000 UTC}. */
    static String goTime(long nanos) {
        Instant i = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
        String s = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC).format(i);
        if (i.getNano() != 0) {
            String f = String.format("%09d", i.getNano()).replaceAll("0+$", "");
            s += "." + f;
        }
        return s + " +0000 UTC";
    }

    private static String rfc3339(long nanos) {
        return RFC3339.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L)));
    }
}
