package dev.ferry.outputs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.outputs.RetrySchedule;
import dev.ferry.outputs.Sections;
import dev.ferry.outputs.TestRecords;
import dev.ferry.pipeline.TestLogs;
import dev.ferry.pipeline.record.LogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EsOutput} against an in-process HTTP server on 127.0.0.1 that reproduces Elasticsearch's
 * {@code _bulk} response format ({@code {"errors":..,"items":[{"create":{"status":..,"error":{..}}}]}})
 * with outcomes each test scripts. It is not a real Elasticsearch node: the real-node integration tests
 * live with the agent's ITs.
 */
class EsOutputTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private int port;
    /** Scripted answers, one per request; when empty every item is created (201). */
    private final BlockingQueue<Function<List<String>, Answer>> script = new LinkedBlockingQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private EsOutput output;

    record Answer(int status, String body) {
    }

    record Request(String uri, String authorization, String encoding, List<String> actions, List<String> docs) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stop() throws IOException {
        if (output != null) {
            output.close();
        }
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(in);
        }
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        List<String> actions = new ArrayList<>();
        List<String> docs = new ArrayList<>();
        String[] lines = body.split("\n");
        for (int i = 0; i + 1 < lines.length; i += 2) {
            actions.add(lines[i]);
            docs.add(lines[i + 1]);
        }
        requests.add(new Request(ex.getRequestURI().toString(), ex.getRequestHeaders().getFirst("Authorization"),
                ex.getRequestHeaders().getFirst("Content-Encoding"), actions, docs));
        Function<List<String>, Answer> next = script.poll();
        Answer a = next == null ? allCreated(actions) : next.apply(actions);
        byte[] out = a.body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("X-elastic-product", "Elasticsearch");
        ex.sendResponseHeaders(a.status, out.length == 0 ? -1 : out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    /** A bulk answer with one item per action and the given statuses (and error types for non-2xx). */
    private static Answer items(List<String> actions, int[] statuses, String[] types) {
        StringBuilder sb = new StringBuilder("{\"errors\":");
        boolean errors = false;
        for (int s : statuses) {
            errors |= s >= 300;
        }
        sb.append(errors).append(",\"items\":[");
        for (int i = 0; i < actions.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"create\":{\"status\":").append(statuses[i]);
            if (statuses[i] >= 300) {
                sb.append(",\"error\":{\"type\":\"").append(types[i]).append("\",\"reason\":\"reason ").append(i)
                        .append("\",\"index_uuid\":\"x\",\"shard\":\"0\"}");
            }
            sb.append("}}");
        }
        return new Answer(200, sb.append("]}").toString());
    }

    private static Answer allCreated(List<String> actions) {
        int[] s = new int[actions.size()];
        java.util.Arrays.fill(s, 201);
        return items(actions, s, new String[s.length]);
    }

    private EsOutput output(String... keyValues) throws IOException {
        List<String> all = new ArrayList<>(List.of("Name", "es", "Port", Integer.toString(port),
                "dead_letter.path", dir.resolve("dlq").toString()));
        all.addAll(List.of(keyValues));
        if (!all.contains("Host")) {
            all.addAll(List.of("Host", "127.0.0.1"));
        }
        EsConfig config = EsConfig.from(Sections.bind(EsConfig.OPTIONS, all.toArray(new String[0])));
        output = new EsOutput(config, "es.0", new RetrySchedule(config.retryLimit(), 1, 5));
        return output;
    }

    private static void write(EsOutput out, int n) throws IOException {
        LogRecord r = new LogRecord();
        for (int i = 0; i < n; i++) {
            LogRecord rec = TestRecords.json("app", TestRecords.TIME, "{\"seq\":" + i + "}");
            rec.origin(TestRecords.ORIGIN, i * 10L, i * 10L + 10);
            out.write(rec);
        }
        assertThat(r).isNotNull();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(end);
            Thread.sleep(5);
        }
    }

    private List<String> deadLetters() throws IOException {
        Path f = dir.resolve("dlq/es.0.ndjson");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    @Test
    void createdItemsAreDeliveredInOneRequest() throws IOException {
        EsOutput out = output();
        write(out, 10);
        out.flush();
        assertThat(requests).hasSize(1);
        Request r = requests.get(0);
        assertThat(r.uri()).isEqualTo("/_bulk?" + EsService.FILTER_PATH);
        assertThat(r.actions()).hasSize(10).first()
                .isEqualTo("{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-1:0\"}}");
        assertThat(r.docs().get(9)).isEqualTo("{\"@timestamp\":\"2024-01-01T10:00:00.123Z\",\"seq\":9}");
        assertThat(out.counters().delivered.sum()).isEqualTo(10);
        assertThat(out.counters().retried.sum()).isZero();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void eachItemGetsItsOwnAnswer() throws IOException {
        EsOutput out = output("Retry_Limit", "3");
        script.add(a -> items(a, new int[] {201, 409, 429, 400, 503},
                new String[] {null, "version_conflict_engine_exception", "es_rejected_execution_exception",
                    "mapper_parsing_exception", "unavailable_shards_exception"}));
        write(out, 5);
        out.flush();
        assertThat(requests).hasSize(2);
        // Only the 429 and 503 items are sent again, alone.
        assertThat(requests.get(1).actions()).containsExactly(
                "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-1:20\"}}",
                "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-1:40\"}}");
        assertThat(out.counters().delivered.sum()).isEqualTo(4);
        assertThat(out.counters().alreadyPresent.sum()).isEqualTo(1);
        assertThat(out.counters().retried.sum()).isEqualTo(2);
        assertThat(out.counters().deadLettered.sum()).isEqualTo(1);
        assertThat(deadLetters()).singleElement().satisfies(line -> assertThat(line)
                .contains("\"origin\":\"fp-1\",\"offset\":30,\"line_hash\":null,\"target\":\"fluent-bit\",\"status\":400,"
                        + "\"reason\":\"HTTP 400 mapper_parsing_exception: reason 3\",\"record\":"
                        + "{\"@timestamp\":\"2024-01-01T10:00:00.123Z\",\"seq\":3}}"));
    }

    @Test
    void wholeRequestFailuresAreRetried() throws IOException {
        EsOutput out = output("Retry_Limit", "5");
        script.add(a -> new Answer(503, "{\"error\":\"unavailable\"}"));
        script.add(a -> new Answer(429, "{\"error\":{\"type\":\"es_rejected_execution_exception\"}}"));
        write(out, 3);
        out.flush();
        assertThat(requests).hasSize(3);
        assertThat(requests.get(2).actions()).hasSize(3);
        assertThat(out.counters().delivered.sum()).isEqualTo(3);
        assertThat(out.counters().failedRequests.sum()).isEqualTo(2);
        assertThat(out.counters().retried.sum()).isEqualTo(6);
    }

    @Test
    void tooLargeRequestsAreSplit() throws IOException {
        EsOutput out = output("Retry_Limit", "1");
        script.add(a -> new Answer(413, ""));
        write(out, 4);
        out.flush();
        assertThat(requests).extracting(r -> r.actions().size()).containsExactly(4, 2, 2);
        assertThat(out.counters().delivered.sum()).isEqualTo(4);
    }

    /** What Elasticsearch 8 answers for a whole bulk request when one item's _id is over 512 bytes. */
    private static Answer idTooLong(List<String> actions) {
        String reason = "Validation Failed: 1: id [" + "x".repeat(600) + "] is too long, must be no longer than 512 bytes"
                + " but was: 600;";
        return new Answer(400, "{\"error\":{\"root_cause\":[{\"type\":\"action_request_validation_exception\","
                + "\"reason\":\"" + reason + "\"}],\"type\":\"action_request_validation_exception\",\"reason\":\""
                + reason + "\"},\"status\":400}");
    }

    @Test
    void aRecordThatMakesElasticsearchRefuseTheWholeRequestIsFoundByHalvesAndDeadLettered() throws IOException {
        EsOutput out = output("Retry_Limit", "False");
        script.add(EsOutputTest::idTooLong); // records 0-3
        script.add(EsOutputTest::allCreated); // 0-1
        script.add(EsOutputTest::idTooLong); // 2-3
        script.add(EsOutputTest::idTooLong); // 2
        write(out, 4);
        out.flush();
        assertThat(requests).extracting(r -> r.actions().size()).containsExactly(4, 2, 2, 1, 1);
        assertThat(out.counters().delivered.sum()).isEqualTo(3);
        assertThat(out.counters().deadLettered.sum()).isEqualTo(1);
        assertThat(deadLetters()).singleElement().satisfies(line -> assertThat(line)
                .contains("\"offset\":20,\"line_hash\":null,\"target\":\"fluent-bit\",\"status\":400,\"reason\":\"HTTP 400 "
                        + "action_request_validation_exception: Validation Failed: 1: id [" + "x".repeat(600)
                        + "] is too long, must be no longer than 512 bytes but was: 600;\""));
    }

    @Test
    void aBadRequestForAnyOtherReasonIsRetriedWhole() throws IOException {
        EsOutput out = output("Retry_Limit", "1");
        script.add(a -> new Answer(400, "{\"error\":{\"type\":\"illegal_argument_exception\",\"reason\":\"bad\"},"
                + "\"status\":400}"));
        write(out, 2);
        out.flush();
        assertThat(requests).extracting(r -> r.actions().size()).containsExactly(2, 2);
        assertThat(out.counters().delivered.sum()).isEqualTo(2);
        assertThat(out.counters().deadLettered.sum()).isZero();
    }

    @Test
    void aSingleRecordTooLargeForTheServerIsDeadLetteredAtOnce() throws IOException {
        EsOutput out = output("Retry_Limit", "False");
        String nginx = "<html><head><title>413 Request Entity Too Large</title></head></html>";
        script.add(a -> new Answer(413, nginx));
        write(out, 1);
        out.flush();
        assertThat(requests).hasSize(1);
        assertThat(out.counters().deadLettered.sum()).isEqualTo(1);
        assertThat(deadLetters()).singleElement().satisfies(line -> assertThat(line)
                .contains("\"status\":413,\"reason\":\"HTTP 413 <html><head><title>413 Request Entity Too Large"));
    }

    @Test
    void afterTheRetryLimitEachRecordIsDeadLetteredWithItsOwnError() throws IOException {
        EsOutput out = output("Retry_Limit", "1");
        for (int i = 0; i < 2; i++) {
            script.add(a -> items(a, new int[] {503, 429},
                    new String[] {"unavailable_shards_exception", "es_rejected_execution_exception"}));
        }
        write(out, 2);
        out.flush();
        assertThat(requests).hasSize(2);
        assertThat(deadLetters()).hasSize(2);
        assertThat(deadLetters().get(0)).contains("\"offset\":0,").contains("\"status\":503,\"reason\":\"retry limit "
                + "reached: HTTP 503 unavailable_shards_exception: reason 0\"");
        assertThat(deadLetters().get(1)).contains("\"offset\":10,").contains("\"status\":429,\"reason\":\"retry limit "
                + "reached: HTTP 429 es_rejected_execution_exception: reason 1\"");
    }

    @Test
    void traceOutputLogsEveryRequestBody() throws Exception {
        EsOutput out = output("Trace_Output", "On");
        String log = TestLogs.of(() -> {
            write(out, 2);
            out.flush();
        });
        assertThat(log).contains("INFO dev.ferry.outputs.elasticsearch.EsOutput - Elasticsearch bulk request (Trace_Output). "
                + "output=es.0 host=127.0.0.1:" + port + " records=2 body=\n"
                + "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-1:0\"}}\n"
                + "{\"@timestamp\":\"2024-01-01T10:00:00.123Z\",\"seq\":0}\n"
                + "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-1:10\"}}\n"
                + "{\"@timestamp\":\"2024-01-01T10:00:00.123Z\",\"seq\":1}\n");
    }

    @Test
    void traceErrorLogsTheRequestAndResponseOfWhatFailed() throws Exception {
        EsOutput out = output("Trace_Error", "On", "Retry_Limit", "3");
        script.add(a -> new Answer(503, "{\"error\":\"unavailable\"}"));
        script.add(a -> items(a, new int[] {201, 400}, new String[] {null, "mapper_parsing_exception"}));
        String log = TestLogs.of(() -> {
            write(out, 2);
            out.flush();
        });
        assertThat(log).contains("ERROR dev.ferry.outputs.elasticsearch.EsOutput - Elasticsearch refused a bulk request "
                + "(Trace_Error); retrying. output=es.0 host=127.0.0.1:" + port + " status=503 records=2 retries=0 "
                + "response={\"error\":\"unavailable\"} request=\n{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-1:0\"}}\n");
        assertThat(log).contains("ERROR dev.ferry.outputs.elasticsearch.EsOutput - Elasticsearch refused a document "
                + "(Trace_Error). output=es.0 status=400 error=HTTP 400 mapper_parsing_exception: reason 1 request=\n"
                + "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-1:10\"}}\n"
                + "{\"@timestamp\":\"2024-01-01T10:00:00.123Z\",\"seq\":1}\n");
        assertThat(out.counters().deadLettered.sum()).isEqualTo(1);
    }

    @Test
    void afterTheRetryLimitRecordsAreDeadLettered() throws IOException {
        EsOutput out = output("Retry_Limit", "2");
        for (int i = 0; i < 3; i++) {
            script.add(a -> new Answer(503, "{\"error\":\"unavailable\"}"));
        }
        write(out, 2);
        out.flush();
        assertThat(requests).hasSize(3);
        assertThat(out.counters().delivered.sum()).isZero();
        assertThat(out.counters().deadLettered.sum()).isEqualTo(2);
        assertThat(deadLetters()).hasSize(2).allSatisfy(l -> assertThat(l)
                .contains("\"status\":503,\"reason\":\"retry limit reached: HTTP 503 {\\\"error\\\":\\\"unavailable\\\"}\""));
    }

    @Test
    void anUnreachableEndpointIsRetriedThenDeadLettered() throws IOException {
        server.stop(0);
        EsOutput out = output("Retry_Limit", "1");
        write(out, 1);
        out.flush();
        assertThat(out.counters().failedRequests.sum()).isEqualTo(2);
        assertThat(deadLetters()).singleElement().satisfies(l -> assertThat(l)
                .contains("\"status\":0,\"reason\":\"retry limit reached: 127.0.0.1:" + port + ": connection refused"));
    }

    @Test
    void closeStopsAFlushThatIsRetrying() throws Exception {
        EsOutput out = output("Retry_Limit", "False");
        for (int i = 0; i < 10_000; i++) {
            script.add(a -> new Answer(503, ""));
        }
        write(out, 3);
        CompletableFuture<Void> flush = CompletableFuture.runAsync(() -> {
            try {
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await(() -> requests.size() >= 3);
        out.close();
        assertThatThrownBy(() -> flush.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("was closed before every record had a final answer");
        assertThat(out.counters().delivered.sum()).isZero();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void bulkRequestsAreCutAtBulkMaxSize() throws IOException {
        EsOutput out = output("bulk_max_size", "1KiB", "Workers", "2");
        write(out, 60);
        out.flush();
        assertThat(requests.size()).isGreaterThan(4);
        assertThat(requests.stream().mapToInt(r -> r.actions().size()).sum()).isEqualTo(60);
        assertThat(requests.stream().flatMap(r -> r.actions().stream()).distinct().count()).isEqualTo(60);
        assertThat(out.counters().delivered.sum()).isEqualTo(60);
    }

    @Test
    void basicAuthAndGzip() throws IOException {
        EsOutput out = output("HTTP_User", "elastic", "HTTP_Passwd", "s3cret", "Compress", "gzip");
        write(out, 2);
        out.flush();
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.authorization()).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("elastic:s3cret".getBytes(StandardCharsets.UTF_8)));
            assertThat(r.encoding()).isEqualTo("gzip"); // and the server could gunzip the body: two documents
            assertThat(r.docs()).hasSize(2);
        });
    }

    @Test
    void pathPrefixesTheBulkEndpointAndCloudAuthIsBasicAuth() throws IOException {
        // Path: Elasticsearch behind a proxy under a prefix; Cloud_Auth is Elastic Cloud's user:password.
        EsOutput out = output("Path", "/es", "Cloud_Auth", "elastic:cl0ud");
        write(out, 1);
        out.flush();
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.uri()).isEqualTo("/es/_bulk?" + EsService.FILTER_PATH);
            assertThat(r.authorization()).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("elastic:cl0ud".getBytes(StandardCharsets.UTF_8)));
            assertThat(r.encoding()).isNull();
        });
    }

    @Test
    void apiKeyAndFailOverToTheNextHost() throws IOException {
        // The first host refuses connections (a port nobody listens on); the second is the server.
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        EsOutput out = output("Host", "127.0.0.1:" + dead + ",127.0.0.1:" + port, "HTTP_API_Key", "a2V5", "Retry_Limit", "2");
        write(out, 1);
        out.flush();
        assertThat(out.counters().delivered.sum()).isEqualTo(1);
        assertThat(requests).singleElement().extracting(Request::authorization).isEqualTo("ApiKey a2V5");
    }

    @Test
    void aHostThatAnswersUnavailableIsLeftForTheNext() throws IOException {
        // The first host is up but cannot serve (a node without a master, or a proxy whose backend is down).
        HttpServer unavailable = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> refused = new CopyOnWriteArrayList<>();
        unavailable.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            refused.add(ex.getRequestURI().toString());
            byte[] body = "{\"error\":{\"type\":\"master_not_discovered_exception\"},\"status\":503}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(503, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        });
        unavailable.start();
        try {
            EsOutput out = output("Host", "127.0.0.1:" + unavailable.getAddress().getPort() + ",127.0.0.1:" + port,
                    "Retry_Limit", "2");
            write(out, 2);
            out.flush();
            assertThat(refused).hasSize(1);
            assertThat(requests).singleElement().extracting(r -> r.actions().size()).isEqualTo(2);
            assertThat(out.counters().delivered.sum()).isEqualTo(2);
        } finally {
            unavailable.stop(0);
        }
    }
}
