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
 *
 * <p>It answers as the Loki version in {@link #version} does (Loki 3 by default); where the two differ:
 * <table>
 *   <caption>what each mode follows</caption>
 *   <tr><th></th><th>{@link Version#LOKI_3} (3.x)</th><th>{@link Version#LOKI_2_9} (2.9)</th></tr>
 *   <tr><td>{@code service_name}</td><td>added to every stream without one, from the first of
 *       {@link #discoverServiceName} it has, else {@code unknown_service}; every stream name in an answer
 *       carries it ({@code pkg/loghttp/push/push.go ParseLokiRequest}: {@code s.Labels = lbs.String()})</td>
 *       <td>none added (discover_service_name came with 3.0)</td></tr>
 *   <tr><td>ingester answer</td><td>the LAST stream's result, even nil: 204 although an earlier stream of
 *       the push had refusals ({@code pkg/ingester/instance.go Push}: {@code _, appendErr = s.Push(...)} for
 *       each stream; "the returned error only describes what happened to the last processed stream")</td>
 *       <td>the last FAILING stream ({@code instance.Push} of 2.x sets appendErr only on an error)</td></tr>
 * </table>
 * Both: distributor validation errors are joined on ONE line as dskit's {@code util.GroupedErrors.Error()}
 * joins them ("; ", each prefixed "N errors like: " when there are several kinds); an entry identical
 * (timestamp and line) to the stream's last appended line is dropped ({@code pkg/ingester/stream.go
 * validateEntries}: "If this entry matches our last appended line's timestamp and contents, ignore it"),
 * and so is one identical to an entry in the stream's head block ({@code chunkenc unorderedHeadBlock.Append}
 * "we do de-duplicate entries at the same timestamp"), which is cut every {@link #headBlockBytes}; an entry
 * stored longer ago than that is stored again.
 */
public final class LokiReceiver implements AutoCloseable {

    /** Which Loki's answers to reproduce. */
    public enum Version {
        /** Loki 2.9. */
        LOKI_2_9,
        /** Loki 3.x (3.0 to 3.5 behave alike here). */
        LOKI_3
    }

    /**
     * One stored entry.
     *
     * @param stream the stream's labels as the client sent them
     * @param labels the stream's labels as Loki holds them (Loki 3: with {@code service_name})
     */
    public record Stored(String tenant, String stream, String labels, long timeNanos, String line,
            Map<String, String> metadata) {
    }

    /** One request seen: when, status answered, entries it carried. */
    public record Seen(long atNanos, int status, int entries) {
    }

    /**
     * An answer scripted for one push: the push is processed as usual except that the entries at the times in
     * {@code refuse} are not stored, and {@code status} and {@code body} are answered instead.
     */
    public record Scripted(int status, String body, Set<Long> refuse) {
    }

    /** The Loki whose behaviour is reproduced; set before the first push. */
    public volatile Version version = Version.LOKI_3;
    // Loki 3: limits_config.discover_service_name, the default list of grafana/loki pkg/validation/limits.go
    // (Limits.RegisterFlags) as of commit d26352e5; Loki before it (e.g. commit 012354ef) lacks app_name. The output
    // does not depend on it: LokiPrintedLabels ignores a service_name Loki added, whatever its value.
    public volatile List<String> discoverServiceName = List.of("service", "app", "application", "app_name", "name",
            "app_kubernetes_io_name", "container", "container_name", "k8s_container_name", "component", "workload",
            "job", "k8s_job_name");
    // Loki: ingester.chunk-block-size (256KB by default): the head block is cut into a block past it.
    public volatile int headBlockBytes = 256 * 1024;
    // Loki: limits_config.reject_old_samples_max_age (168h by default).
    public volatile long maxAgeNanos = 168L * 3600 * 1_000_000_000L;
    // Loki: limits_config.unordered_writes (true by default); false: an entry older than its stream's newest is
    // refused as chunkenc.ErrOutOfOrder ("entry out of order", pkg/ingester/stream.go validateEntries).
    public volatile boolean unorderedWrites = true;
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
    /** Answers for the next pushes, one each, taken in order. */
    public final java.util.Queue<Scripted> script = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Entries dropped as identical to one their stream already had (a re-send Loki shows once). */
    public final java.util.concurrent.atomic.AtomicLong duplicatesDropped = new java.util.concurrent.atomic.AtomicLong();
    public final List<Stored> stored = new CopyOnWriteArrayList<>();
    public final List<Seen> seen = new CopyOnWriteArrayList<>();
    public final List<String> tenants = new CopyOnWriteArrayList<>();
    public final List<String> contentTypes = new CopyOnWriteArrayList<>();
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final Map<String, Long> newest = new HashMap<>();
    /** Per tenant and stream: the last appended line (timestamp NUL line). */
    private final Map<String, String> lastLine = new HashMap<>();
    /** Per tenant and stream: the entries of its head block (timestamp NUL line), and its size. */
    private final Map<String, Set<String>> head = new HashMap<>();
    private final Map<String, Integer> headSize = new HashMap<>();
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

    /**
     * The stored entries as a Loki query returns them: an entry stored twice (same tenant, stream, time and line;
     * Loki stores a resent entry again once it is past the stream's last line and its head block) is returned once,
     * because the querier's merge of chunks and ingesters drops identical entries (pkg/iter heap iterator,
     * grafana/loki#2302). First arrival order.
     */
    public List<Stored> queried() {
        java.util.Set<List<Object>> seenKeys = new java.util.HashSet<>();
        List<Stored> out = new ArrayList<>();
        for (Stored s : stored) {
            if (seenKeys.add(List.of(String.valueOf(s.tenant()), s.labels(), s.timeNanos(), s.line()))) {
                out.add(s);
            }
        }
        return out;
    }

    /** Lines stored, in arrival order. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (Stored s : stored) {
            out.add(s.line);
        }
        return out;
    }

    /** A stream of a push as Loki sees it: its labels as Loki holds them, and as the client sent them. */
    private record PushStream(String labels, String sent, List<PushDecoder.Entry> entries) {
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
                answer(ex, failStatus, "scripted failure", null, -1);
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
                answer(ex, 400, "cannot decode the push: " + e, null, -1);
                return;
            }
            int entries = streams.stream().mapToInt(x -> x.entries().size()).sum();
            Scripted scripted = script.poll();
            long now = System.currentTimeMillis() * 1_000_000L;
            String t = tenant == null ? "fake" : tenant;
            // Distributor validation (pkg/distributor/validator.go), entry by entry; valid entries go on.
            // Loki: the errors are collected in a util.GroupedErrors and answered as its Error(): one line.
            Map<String, Integer> validation = new LinkedHashMap<>();
            Map<String, PushStream> valid = new LinkedHashMap<>();
            long validBytes = 0;
            for (PushDecoder.Stream s : streams) {
                String labels = lokiLabels(s.labels());
                for (PushDecoder.Entry e : s.entries()) {
                    int len = e.line().getBytes(StandardCharsets.UTF_8).length;
                    if (e.timeNanos() < now - maxAgeNanos) {
                        // Loki: reject_old_samples -> validation.GreaterThanMaxSampleAgeErrorMsg.
                        validation.merge("entry for stream '" + labels + "' has timestamp too old: "
                                + goTime(e.timeNanos()) + ", oldest acceptable timestamp is: " + goTime(now - maxAgeNanos),
                                1, Integer::sum);
                    } else if (maxLineSize > 0 && len > maxLineSize) {
                        // Loki: max_line_size -> validation.LineTooLongErrorMsg.
                        validation.merge("Max entry size '" + maxLineSize + "' bytes exceeded for stream '" + labels
                                + "' while adding an entry with length '" + len + "' bytes", 1, Integer::sum);
                    } else {
                        valid.computeIfAbsent(labels, k -> new PushStream(k, s.labels(), new ArrayList<>()))
                                .entries().add(e);
                        validBytes += len;
                    }
                }
            }
            if (valid.isEmpty() && !validation.isEmpty()) {
                answer(ex, 400, grouped(validation), null, entries);
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
                            + " bytes/sec) while attempting to ingest '" + valid.values().stream()
                            .mapToInt(x -> x.entries().size()).sum() + "' lines totaling '" + validBytes
                            + "' bytes, reduce log volume or contact your Loki administrator to see if the limit can "
                            + "be increased", retryAfter, entries);
                    return;
                }
                tokens -= validBytes;
            }
            // Ingester (pkg/ingester/instance.go Push, then stream.go), stream by stream, entries in push order.
            String ingesterError = null;
            for (PushStream s : valid.values()) {
                String result = ingest(t, s, scripted == null ? Set.of() : scripted.refuse());
                if (result != null || version == Version.LOKI_3) {
                    ingesterError = result;
                }
            }
            if (scripted != null) {
                answer(ex, scripted.status(), scripted.body(), retryAfter, entries);
            } else if (ingesterError != null) {
                answer(ex, 400, ingesterError, null, entries);
            } else if (!validation.isEmpty()) {
                answer(ex, 400, grouped(validation), null, entries);
            } else {
                answer(ex, 204, "", null, entries);
            }
        } finally {
            ex.close();
        }
    }

    /** One stream's entries through the ingester's checks (pkg/ingester/stream.go); its error text, or null. */
    private String ingest(String tenant, PushStream s, Set<Long> refuse) {
        String key = tenant + s.labels();
        List<String> failed = new ArrayList<>();
        for (PushDecoder.Entry e : s.entries()) {
            String id = e.timeNanos() + "\u0000" + e.line();
            // Loki: validateEntries drops an entry identical to the last appended line.
            if (id.equals(lastLine.get(key))) {
                duplicatesDropped.incrementAndGet();
                continue;
            }
            Long high = newest.get(key);
            if (!unorderedWrites && high != null && e.timeNanos() < high) {
                failed.add("entry with timestamp " + goTime(e.timeNanos()) + " ignored, reason: 'entry out of order',");
                continue;
            }
            // Loki: unordered writes accept entries down to highest timestamp - max_chunk_age/2.
            if (high != null && e.timeNanos() < high - outOfOrderWindowNanos) {
                failed.add("entry with timestamp " + goTime(e.timeNanos()) + " ignored, reason: 'entry too far "
                        + "behind, entry timestamp is: " + rfc3339(e.timeNanos()) + ", oldest acceptable "
                        + "timestamp is: " + rfc3339(high - outOfOrderWindowNanos) + "',");
                continue;
            }
            if (refuse.contains(e.timeNanos())) {
                continue;
            }
            // Loki: the unordered head block drops an entry identical to one it holds.
            Set<String> h = head.computeIfAbsent(key, k -> new HashSet<>());
            if (h.contains(id)) {
                duplicatesDropped.incrementAndGet();
                continue;
            }
            int size = headSize.getOrDefault(key, 0);
            if (size >= headBlockBytes) {
                // Loki: the head block is cut into a compressed block; identical entries are no longer found.
                h.clear();
                size = 0;
            }
            h.add(id);
            headSize.put(key, size + e.line().length());
            lastLine.put(key, id);
            stored.add(new Stored(tenant, s.sent(), s.labels(), e.timeNanos(), e.line(), e.metadata()));
            newest.merge(key, e.timeNanos(), Math::max);
        }
        if (failed.isEmpty()) {
            return null;
        }
        // Loki: the stream's 400 lists the ignored entries, at most max_returned_stream_errors (default 10) of
        // them; the total counts all.
        return String.join("\n", failed.subList(0, Math.min(failed.size(), maxReturnedStreamErrors)))
                + "\nuser '" + tenant + "', total ignored: " + failed.size() + " out of " + s.entries().size()
                + " for stream: " + s.labels();
    }

    /**
     * The labels Loki holds for a stream sent as {@code sent}: Loki 3 adds {@code service_name} when the stream
     * has none (push.go: from the first label of discover_service_name with a value, else unknown_service).
     */
    private String lokiLabels(String sent) {
        if (version != Version.LOKI_3 || discoverServiceName.isEmpty()) {
            return sent;
        }
        Map<String, String> pairs = LokiPrintedLabels.parse(sent);
        if (pairs == null || pairs.containsKey(LokiPrintedLabels.SERVICE_NAME)) {
            return sent;
        }
        String service = "unknown_service";
        for (String name : discoverServiceName) {
            String v = pairs.get(name);
            if (v != null && !v.isEmpty()) {
                service = v;
                break;
            }
        }
        pairs.put(LokiPrintedLabels.SERVICE_NAME, service);
        StringBuilder sb = new StringBuilder("{");
        pairs.keySet().stream().sorted().forEach(k -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(k).append('=');
            LokiLabels.quote(sb, pairs.get(k));
        });
        return sb.append('}').toString();
    }

    /** dskit/Loki {@code util.GroupedErrors.Error()}: "; "-joined, "N errors like: " when there are several. */
    static String grouped(Map<String, Integer> errors) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Integer> e : errors.entrySet()) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            if (errors.size() > 1 || e.getValue() > 1) {
                sb.append(e.getValue()).append(" errors like: ");
            }
            sb.append(e.getKey());
        }
        return sb.toString();
    }

    private void answer(HttpExchange ex, int status, String body, String retryAfterHeader, int entries)
            throws IOException {
        seen.add(new Seen(System.nanoTime(), status, entries));
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
