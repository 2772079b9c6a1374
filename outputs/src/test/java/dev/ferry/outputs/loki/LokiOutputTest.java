package dev.ferry.outputs.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.ferry.outputs.RetryLimit;
import dev.ferry.outputs.RetrySchedule;
import dev.ferry.outputs.Sections;
import dev.ferry.outputs.TestRecords;
import dev.ferry.pipeline.record.JsonValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LokiOutput} against {@link LokiReceiver}, an in-process receiver that decodes the real push formats
 * and enforces some of Loki's write-path rules. It is not a real Loki.
 */
class LokiOutputTest {

    private static final long NOW = System.currentTimeMillis() * 1_000_000L;
    private static final long MINUTE = 60_000_000_000L;
    private static final long HOUR = 60 * MINUTE;

    @TempDir
    Path dir;

    private final LokiReceiver loki = new LokiReceiver();
    private LokiOutput output;

    @BeforeEach
    void start() throws IOException {
        loki.start();
    }

    @AfterEach
    void stop() throws IOException {
        if (output != null) {
            output.close();
        }
        loki.close();
    }

    private LokiOutput output(RetrySchedule schedule, String... keyValues) throws IOException {
        return output(schedule, false, keyValues);
    }

    /** @param replay whether it runs under {@code ferry replay} */
    private LokiOutput output(RetrySchedule schedule, boolean replay, String... keyValues) throws IOException {
        List<String> kv = new ArrayList<>(List.of("Name", "loki", "Host", "127.0.0.1", "Port",
                Integer.toString(loki.port()), "dead_letter.path", dir.resolve("dlq").toString(), "rate_limit", "off"));
        if (List.of(keyValues).contains("rate_limit")) {
            kv.subList(kv.size() - 2, kv.size()).clear();
        }
        kv.addAll(List.of(keyValues));
        LokiConfig c = LokiConfig.from(Sections.bind(LokiConfig.OPTIONS, kv.toArray(String[]::new)));
        output = new LokiOutput(c, "loki.0", schedule, replay);
        return output;
    }

    private static RetrySchedule fast(RetryLimit limit) {
        return new RetrySchedule(limit, 10, 50);
    }

    private void write(int seq, long time, String level) throws IOException {
        output.write(TestRecords.json("app", time, "{\"level\":\"" + level + "\",\"msg\":\"line " + seq + "\",\"seq\":"
                + seq + "}"));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> deadLetters() throws IOException {
        Path f = output.deadLetterFile();
        if (!Files.exists(f)) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
            out.add((Map<String, Object>) JsonValues.parse(line));
        }
        return out;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void deliversNumberedLinesExactlyOnceWithTheirLabelsAndTimes() throws Exception {
        output(fast(RetryLimit.NONE), "Labels", "job=ferry, level=$level", "batch_max_size", "2KiB",
                "Tenant_ID", "team-a", "Structured_Metadata", "seq=$seq");
        for (int i = 0; i < 300; i++) {
            write(i, NOW + i, i % 3 == 0 ? "error" : "info");
        }
        output.flush();
        assertThat(loki.seen.size()).isGreaterThan(5);
        assertThat(loki.stored).hasSize(300);
        assertThat(loki.stored).extracting(LokiReceiver.Stored::line).doesNotHaveDuplicates();
        for (LokiReceiver.Stored s : loki.stored) {
            int seq = (int) (s.timeNanos() - NOW);
            String level = seq % 3 == 0 ? "error" : "info";
            // level went to the labels and seq to structured metadata, so they leave the line (Fluent Bit's
            // remove_keys_derived).
            assertThat(s.line()).isEqualTo("{\"msg\":\"line " + seq + "\"}");
            assertThat(s.metadata()).isEqualTo(Map.of("seq", Integer.toString(seq)));
            assertThat(s.stream()).isEqualTo("{job=\"ferry\", level=\"" + level + "\"}");
            // Loki 3 holds the stream with the service_name it derived from job.
            assertThat(s.labels()).isEqualTo("{job=\"ferry\", level=\"" + level + "\", service_name=\"ferry\"}");
            assertThat(s.tenant()).isEqualTo("team-a");
        }
        assertThat(loki.contentTypes).containsOnly("application/x-protobuf");
        assertThat(output.counters().delivered.sum()).isEqualTo(300);
        assertThat(output.counters().deadLettered.sum()).isZero();
    }

    /**
     * Batches of 64 KiB and more are kept once delivered and filled again (LokiOutput.recycle): over some 30 pushes
     * from two workers, batches of one stream and of two (split by stream before sending), partly filled ones at
     * flushes, and pushes that fail and go again, every entry reaches Loki once with its own line, time and stream,
     * never one left over from a batch's previous use. (A batch reused while its own push is still retried is not
     * provoked here: a stream's batches go one at a time on its lane.)
     */
    @Test
    void reusedBatchesCarryOnlyTheirOwnEntries() throws Exception {
        output(new RetrySchedule(RetryLimit.parse("5"), 30, 60), "Labels", "job=ferry, level=$level",
                "batch_max_size", "64KiB", "Workers", "2");
        loki.failNext.set(4); // the first pushes fail and go again (at most 4 retries each, the limit is 5)
        String pad = "x".repeat(300);
        int n = 6_000; // about 2 MB of lines: some 30 pushes
        for (int i = 0; i < n; i++) {
            String level = i < n / 2 ? "info" : (i % 2 == 0 ? "info" : "error");
            output.write(TestRecords.json("app", NOW + i, "{\"level\":\"" + level + "\",\"msg\":\"line " + i + " " + pad
                    + "\"}"));
            if (i % 2_500 == 2_499) {
                output.flush(); // partly filled batches too
            }
        }
        output.flush();
        assertThat(loki.stored).hasSize(n);
        assertThat(loki.stored).extracting(LokiReceiver.Stored::line).doesNotHaveDuplicates();
        for (LokiReceiver.Stored s : loki.stored) {
            int seq = (int) (s.timeNanos() - NOW);
            String level = seq < n / 2 ? "info" : (seq % 2 == 0 ? "info" : "error");
            assertThat(s.line()).isEqualTo("{\"msg\":\"line " + seq + " " + pad + "\"}");
            assertThat(s.stream()).isEqualTo("{job=\"ferry\", level=\"" + level + "\"}");
        }
        assertThat(output.counters().delivered.sum()).isEqualTo(n);
    }

    @Test
    void aRecordWhoseTenantLokiRefusesIsDeadLetteredAtOnceAndNeverSent() throws Exception {
        // Retry_Limit no_limits: had ferry sent these tenants and retried, flush would never return.
        output(fast(RetryLimit.NONE), "Tenant_ID_Key", "$team", "Tenant_ID", "fallback");
        String[] teams = {"team-a", "bad\nteam", "team-a", "a b", null};
        for (int i = 0; i < teams.length; i++) {
            String team = teams[i] == null ? "" : ",\"team\":\"" + teams[i].replace("\n", "\\n") + "\"";
            var record = TestRecords.json("app", NOW + i, "{\"seq\":" + i + team + "}");
            record.origin(TestRecords.ORIGIN, i * 100L, i * 100L + 100);
            output.write(record);
        }
        output.flush();

        assertThat(loki.stored).extracting(LokiReceiver.Stored::tenant).containsExactlyInAnyOrder("team-a", "team-a",
                "fallback");
        assertThat(loki.tenants).as("refused tenants are never sent").containsOnly("team-a", "fallback");
        List<Map<String, Object>> letters = deadLetters();
        assertThat(letters).extracting(l -> l.get("reason")).containsExactlyInAnyOrder(
                "not sent: Loki refuses the tenant of $team: tenant ID 'bad\\u000ateam' contains unsupported character "
                        + "'\\u000a'",
                "not sent: Loki refuses the tenant of $team: tenant ID 'a b' contains unsupported character ' '");
        assertThat(letters).extracting(l -> ((Number) l.get("status")).intValue()).containsOnly(0);
        assertThat(letters).as("each letter names the line it came from").extracting(l -> l.get("origin"),
                l -> ((Number) l.get("offset")).longValue()).containsExactlyInAnyOrder(tuple("fp-1", 100L),
                tuple("fp-1", 300L));
        assertThat(letters).extracting(l -> String.valueOf(l.get("record"))).anySatisfy(
                r -> assertThat(r).contains("\"seq\":1")).anySatisfy(r -> assertThat(r).contains("\"seq\":3"));
        assertThat(output.counters().delivered.sum()).isEqualTo(3);
        assertThat(output.counters().deadLettered.sum()).isEqualTo(2);
    }

    @Test
    void headersGoWithEveryPushAndXScopeOrgIdIsTheTenant() throws Exception {
        output(fast(RetryLimit.NONE), "Header", "X-Scope-OrgID team-b", "Header", "Authorization Bearer t0ken");
        write(0, NOW, "info");
        output.flush();
        assertThat(loki.stored).extracting(LokiReceiver.Stored::tenant).containsExactly("team-b");
        assertThat(loki.authorizations).containsExactly("Bearer t0ken");
        assertThat(output.counters().delivered.sum()).isEqualTo(1);
    }

    @Test
    void structuredMetadataMapKeysTurnEachMemberOfTheMapIntoMetadataAndTakeTheMapOutOfTheLine() throws Exception {
        output(fast(RetryLimit.NONE), "Structured_Metadata_Map_Keys", "$k8s['labels']",
                "Structured_Metadata", "env=prod");
        output.write(TestRecords.json("app", NOW, "{\"msg\":\"hi\",\"k8s\":{\"labels\":{\"app\":\"web\","
                + "\"tier\":3,\"app.kubernetes.io/part-of\":\"shop\"},\"pod\":\"p1\"}}"));
        output.write(TestRecords.json("app", NOW + 1, "{\"msg\":\"no labels\"}"));
        output.flush();
        // Fluent Bit's pack_maps: names sanitized as label names, a value that is not a string as JSON; the
        // Structured_Metadata items after the maps' members.
        assertThat(loki.stored).extracting(LokiReceiver.Stored::line, LokiReceiver.Stored::metadata).containsExactly(
                tuple("{\"msg\":\"hi\",\"k8s\":{\"pod\":\"p1\"}}", Map.of("app", "web", "tier", "3",
                        "app_kubernetes_io_part_of", "shop", "env", "prod")),
                tuple("{\"msg\":\"no labels\"}", Map.of("env", "prod")));
    }

    @Test
    void aBareAccessorInStructuredMetadataIsNamedByItsPathAsInFluentBit() throws Exception {
        output(fast(RetryLimit.NONE), "Structured_Metadata", "$pod, $k8s['ns']");
        output.write(TestRecords.json("app", NOW, "{\"msg\":\"hi\",\"pod\":\"p1\",\"k8s\":{\"ns\":\"x\","
                + "\"node\":\"n\"}}"));
        output.flush();
        assertThat(loki.stored).extracting(LokiReceiver.Stored::line, LokiReceiver.Stored::metadata).containsExactly(
                tuple("{\"msg\":\"hi\",\"k8s\":{\"node\":\"n\"}}", Map.of("pod", "p1", "k8s_ns", "x")));
    }

    @Test
    void jsonPushWithGzip() throws Exception {
        output(fast(RetryLimit.NONE), "push_format", "json", "Compress", "gzip", "HTTP_User", "u", "HTTP_Passwd", "p");
        for (int i = 0; i < 20; i++) {
            write(i, NOW + i, "info");
        }
        output.flush();
        assertThat(loki.stored).hasSize(20);
        assertThat(loki.stored).extracting(LokiReceiver.Stored::stream).containsOnly("{job=\"fluent-bit\"}");
        assertThat(loki.contentTypes).containsOnly("application/json");
        assertThat(loki.authorizations).containsOnly("Basic dTpw");
    }

    @Test
    void lokiDownThenBack() throws Exception {
        output(fast(RetryLimit.FOREVER));
        int port = loki.port();
        loki.stop();
        for (int i = 0; i < 50; i++) {
            write(i, NOW + i, "info");
        }
        CompletableFuture<Void> flush = CompletableFuture.runAsync(() -> {
            try {
                output.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await(() -> output.counters().failedRequests.sum() >= 3);
        assertThat(flush).isNotDone();
        loki.start(port);
        flush.get(10, TimeUnit.SECONDS);
        assertThat(loki.stored).hasSize(50);
        assertThat(loki.lines()).doesNotHaveDuplicates();
        assertThat(output.counters().deadLettered.sum()).isZero();
    }

    @Test
    void closeAbortsAPushLokiNeverAnswers() throws Exception {
        // Not Loki: a socket that takes the request and never answers (a hung gateway), so that only
        // close can end the push before the 60 s read timeout.
        try (java.net.ServerSocket hung = new java.net.ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch requested = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<Integer> afterRequest = CompletableFuture.supplyAsync(() -> {
                try (java.net.Socket s = hung.accept(); java.io.InputStream in = s.getInputStream()) {
                    in.read();
                    requested.countDown();
                    while (in.read() >= 0) {
                        // until ferry closes the connection
                    }
                    return -1;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            List<String> kv = List.of("Name", "loki", "Host", "127.0.0.1", "Port", Integer.toString(hung.getLocalPort()),
                    "dead_letter.path", dir.resolve("dlq").toString(), "rate_limit", "off");
            LokiConfig c = LokiConfig.from(Sections.bind(LokiConfig.OPTIONS, kv.toArray(String[]::new)));
            output = new LokiOutput(c, "loki.0", fast(RetryLimit.FOREVER), false);
            write(0, NOW, "info");
            CompletableFuture<Void> flush = CompletableFuture.runAsync(() -> {
                try {
                    output.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(requested.await(10, TimeUnit.SECONDS)).isTrue();
            output.close();
            // The connection was closed (the server reads its end) and flush failed: nothing acknowledged.
            assertThat(afterRequest.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> flush.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining("closed");
            assertThat(output.counters().delivered.sum()).isZero();
        }
    }

    @Test
    void rateLimitStormHonoursRetryAfter() throws Exception {
        loki.ingestionRateBytes = 1500;
        loki.retryAfter = "1";
        // One worker, so the request after a 429 is the same batch again.
        output(fast(RetryLimit.FOREVER), "batch_max_size", "1KiB", "Workers", "1");
        for (int i = 0; i < 60; i++) {
            write(i, NOW + i, "info");
        }
        output.flush();
        assertThat(loki.stored).hasSize(60);
        assertThat(loki.lines()).doesNotHaveDuplicates();
        List<LokiReceiver.Seen> seen = loki.seen;
        int limited = 0;
        for (int i = 0; i + 1 < seen.size(); i++) {
            if (seen.get(i).status() == 429) {
                limited++;
                assertThat(seen.get(i + 1).atNanos() - seen.get(i).atNanos())
                        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1000));
            }
        }
        assertThat(limited).isPositive();
        assertThat(output.counters().deadLettered.sum()).isZero();
    }

    @Test
    void outOfOrderAndTooOldEntriesAreDeadLetteredWithLokisReasonAndTheRestDelivered() throws Exception {
        output(fast(RetryLimit.NONE), "Labels", "job=replay");
        write(0, NOW, "info");
        output.flush();
        write(1, NOW - 2 * HOUR, "info"); // too far behind the stream's newest entry (NOW) for the 1h window
        write(2, NOW - 200 * HOUR, "info"); // older than reject_old_samples_max_age (168h)
        write(3, NOW - 10 * MINUTE, "info"); // within the window
        write(4, NOW + 1, "info");
        write(5, NOW - 3 * HOUR, "info"); // too far behind
        output.flush();
        assertThat(loki.stored).extracting(LokiReceiver.Stored::timeNanos)
                .containsExactlyInAnyOrder(NOW, NOW - 10 * MINUTE, NOW + 1);
        assertThat(loki.lines()).doesNotHaveDuplicates();
        List<Map<String, Object>> dead = deadLetters();
        assertThat(dead).hasSize(3);
        assertThat(dead).allSatisfy(d -> {
            assertThat(d.get("status")).isEqualTo(400L);
            assertThat(d.get("target")).isEqualTo("{job=\"replay\"}");
            assertThat(d.get("tag")).isEqualTo("app");
        });
        assertThat(dead).extracting(d -> (String) d.get("reason")).anySatisfy(r -> assertThat(r)
                .startsWith("entry too far behind, entry timestamp is: "))
                .anySatisfy(r -> assertThat(r).startsWith("entry for stream '{job=\"replay\", service_name=\"replay\"}' has "
                        + "timestamp too old: "));
        assertThat(dead).extracting(d -> (Object) ((List<?>) d.get("record")).get(0))
                .containsExactlyInAnyOrder(Long.toString(NOW - 2 * HOUR), Long.toString(NOW - 200 * HOUR),
                        Long.toString(NOW - 3 * HOUR));
        assertThat(output.counters().delivered.sum()).isEqualTo(3);
        assertThat(output.counters().deadLettered.sum()).isEqualTo(3);
    }

    @Test
    void aPushSpanningMoreThanTheWindowWithOneRefusedEntryIsStoredOnceAndNotSentAgain() throws Exception {
        output(fast(RetryLimit.NONE), "Labels", "job=replay");
        write(0, NOW, "info");
        output.flush();
        // One push spanning 140 min (> the 1h window): the stored entries from NOW - 50 min are too far behind
        // NOW + 90 min once that is stored, so sending them again would bring false "too far behind" refusals.
        write(1, NOW - 2 * HOUR, "info"); // too far behind NOW: the one refused entry
        write(2, NOW - 50 * MINUTE, "info");
        write(3, NOW - 30 * MINUTE, "info");
        write(4, NOW - 10 * MINUTE, "info");
        write(5, NOW + 30 * MINUTE, "info");
        write(6, NOW + 90 * MINUTE, "info");
        output.flush();
        assertThat(loki.stored).extracting(LokiReceiver.Stored::timeNanos).containsExactlyInAnyOrder(NOW,
                NOW - 50 * MINUTE, NOW - 30 * MINUTE, NOW - 10 * MINUTE, NOW + 30 * MINUTE, NOW + 90 * MINUTE);
        assertThat(loki.lines()).doesNotHaveDuplicates();
        assertThat(deadLetters()).extracting(d -> (Object) ((List<?>) d.get("record")).get(0))
                .containsExactly(Long.toString(NOW - 2 * HOUR));
        assertThat(output.counters().delivered.sum()).isEqualTo(6);
        assertThat(output.counters().deadLettered.sum()).isEqualTo(1);
        assertThat(loki.seen).extracting(LokiReceiver.Seen::status).containsExactly(204, 400);
    }

    @Test
    void moreRefusedEntriesThanLokiListsAreAllDeadLetteredAndTheGoodOnesStoredOnce() throws Exception {
        output(fast(RetryLimit.NONE), "Labels", "job=replay");
        write(0, NOW, "info");
        output.flush();
        List<String> refused = new ArrayList<>();
        for (int k = 0; k < 13; k++) {
            long t = NOW - 2 * HOUR - k * MINUTE; // too far behind NOW; Loki lists only 10 of the 13
            write(100 + k, t, "info");
            refused.add(Long.toString(t));
        }
        write(1, NOW - 30 * MINUTE, "info");
        write(2, NOW - 20 * MINUTE, "info");
        write(3, NOW + 10 * MINUTE, "info");
        output.flush();
        assertThat(loki.stored).extracting(LokiReceiver.Stored::timeNanos).containsExactlyInAnyOrder(NOW,
                NOW - 30 * MINUTE, NOW - 20 * MINUTE, NOW + 10 * MINUTE);
        assertThat(loki.lines()).doesNotHaveDuplicates();
        List<Map<String, Object>> dead = deadLetters();
        assertThat(dead).extracting(d -> (Object) ((List<?>) d.get("record")).get(0))
                .containsExactlyInAnyOrderElementsOf(refused);
        assertThat(dead).extracting(d -> (String) d.get("reason"))
                .allSatisfy(r -> assertThat(r).startsWith("entry too far behind, entry timestamp is: "));
        assertThat(output.counters().delivered.sum()).isEqualTo(4);
        assertThat(output.counters().deadLettered.sum()).isEqualTo(13);
        // The first 400 named 10 of 13: the rest of the stream went again, and the second 400 named the last 3.
        assertThat(loki.seen).extracting(LokiReceiver.Seen::status).containsExactly(204, 400, 400);
    }

    private void write(String svc, int seq, long time) throws IOException {
        output.write(TestRecords.json("app", time, "{\"svc\":\"" + svc + "\",\"msg\":\"line " + seq + "\"}"));
    }

    @Test
    void refusalsInTwoStreamsLoki3RenamesAreEachDeadLetteredAndNoneCountedDelivered() throws Exception {
        output(fast(RetryLimit.NONE), "Labels", "job=$svc");
        write("a", 0, NOW);
        write("b", 1, NOW);
        output.flush();
        write("a", 2, NOW - 2 * HOUR); // too far behind: refused by the ingester
        write("a", 3, NOW + 1);
        write("b", 4, NOW - 2 * HOUR - 1); // too far behind (another time than a's: named only by its stream)
        write("b", 5, NOW + 1);
        output.flush();
        assertThat(loki.stored).extracting(s -> s.stream() + "@" + s.timeNanos()).containsExactlyInAnyOrder(
                "{job=\"a\"}@" + NOW, "{job=\"b\"}@" + NOW, "{job=\"a\"}@" + (NOW + 1), "{job=\"b\"}@" + (NOW + 1));
        assertThat(deadLetters()).extracting(d -> d.get("target") + "@" + ((List<?>) d.get("record")).get(0))
                .containsExactlyInAnyOrder("{job=\"a\"}@" + (NOW - 2 * HOUR), "{job=\"b\"}@" + (NOW - 2 * HOUR - 1));
        assertThat(output.counters().deadLettered.sum()).isEqualTo(2);
        assertThat(output.counters().delivered.sum()).isEqualTo(4);
    }

    @Test
    void afterA400EachStreamGoesAgainAloneSoAnEarlierStreamsRefusalIsNotHiddenBehindA204() throws Exception {
        output(fast(RetryLimit.NONE), "Labels", "job=$svc");
        write("a", 0, NOW);
        write("b", 1, NOW);
        output.flush();
        write("a", 2, NOW - 2 * HOUR); // too far behind
        write("a", 3, NOW + 1);
        write("b", 4, NOW - 200 * HOUR); // too old: refused by the distributor, so Loki's totals for b are short
        write("b", 5, NOW - 2 * HOUR); // too far behind
        write("b", 6, NOW + 1);
        output.flush();
        // Sent again together, a's refusal would hide behind b's nil result (Loki 3 answers the last stream's).
        assertThat(deadLetters()).extracting(d -> d.get("target") + "@" + ((List<?>) d.get("record")).get(0))
                .containsExactlyInAnyOrder("{job=\"a\"}@" + (NOW - 2 * HOUR), "{job=\"b\"}@" + (NOW - 200 * HOUR),
                        "{job=\"b\"}@" + (NOW - 2 * HOUR));
        assertThat(loki.stored).hasSize(4);
        assertThat(loki.lines()).doesNotHaveDuplicates();
        assertThat(output.counters().deadLettered.sum()).isEqualTo(3);
        assertThat(output.counters().delivered.sum()).isEqualTo(4);
    }

    @Test
    void aRefusalInAStreamBeforeThePushsLastIsDeadLetteredNotHiddenBehindLoki3sAnswer() throws Exception {
        output(fast(RetryLimit.NONE), "Labels", "job=$svc", "Workers", "1"); // one lane: a and b in one batch
        write("a", 0, NOW);
        write("b", 1, NOW);
        output.flush();
        write("a", 2, NOW - 2 * HOUR); // too far behind: refused by the ingester
        write("a", 3, NOW + 1);
        write("b", 4, NOW + 1); // b has no refusal: sent with a, Loki 3 would answer b's nil result, a 204
        output.flush();
        assertThat(deadLetters()).extracting(d -> d.get("target") + "@" + ((List<?>) d.get("record")).get(0))
                .containsExactly("{job=\"a\"}@" + (NOW - 2 * HOUR));
        assertThat(loki.stored).extracting(s -> s.stream() + "@" + s.timeNanos()).containsExactlyInAnyOrder(
                "{job=\"a\"}@" + NOW, "{job=\"b\"}@" + NOW, "{job=\"a\"}@" + (NOW + 1), "{job=\"b\"}@" + (NOW + 1));
        assertThat(output.counters().deadLettered.sum()).isEqualTo(1);
        assertThat(output.counters().delivered.sum()).isEqualTo(4);
    }

    @Test
    void withTwoWorkersAStreamsPushesReachLokiInOrderSoALokiWithoutUnorderedWritesRefusesNone() throws Exception {
        loki.unorderedWrites = false;
        loki.failNext.set(1); // the stream's first push fails once and goes again 300 ms later
        output(new RetrySchedule(RetryLimit.parse("3"), 300, 600), "Labels", "job=a", "Workers", "2",
                "batch_max_size", "1KiB");
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            write(i, NOW + i, "info");
            times.add(NOW + i);
        }
        output.flush();
        assertThat(deadLetters()).isEmpty();
        assertThat(loki.stored).extracting(LokiReceiver.Stored::timeNanos).containsExactlyElementsOf(times);
        assertThat(output.counters().delivered.sum()).isEqualTo(60);
    }

    @Test
    void aDeliveryFailingUnexpectedlyAfterA400KeepsOnlyTheEntriesWithoutAFinalAnswer() throws Exception {
        output(fast(RetryLimit.NONE), "Labels", "job=a");
        write(0, NOW, "info");
        output.flush();
        loki.script.add(new LokiReceiver.Scripted(400, "entry with timestamp " + LokiReceiver.goTime(NOW - 2 * HOUR)
                + " ignored, reason: 'entry too far behind',", java.util.Set.of(NOW - 2 * HOUR)));
        // An answer ferry cannot read (an offset no clock has): reading it throws, after the first round's
        // dead letter was written.
        loki.script.add(new LokiReceiver.Scripted(400, "entry with timestamp 2024-01-01 10:00:00 +9999 UTC ignored, "
                + "reason: 'no such zone',", java.util.Set.of()));
        write(1, NOW - 2 * HOUR, "info");
        write(2, NOW + 1, "info");
        org.assertj.core.api.Assertions.assertThatThrownBy(output::flush).isInstanceOf(IOException.class)
                .hasMessageContaining("records have no final answer yet and are sent again");
        output.flush(); // sends again what had no final answer: the entry at NOW + 1 only
        assertThat(deadLetters()).extracting(d -> (Object) ((List<?>) d.get("record")).get(0))
                .containsExactly(Long.toString(NOW - 2 * HOUR));
        assertThat(output.counters().deadLettered.sum()).isEqualTo(1);
        assertThat(output.counters().delivered.sum()).isEqualTo(2);
        assertThat(loki.queried()).extracting(LokiReceiver.Stored::timeNanos).containsExactly(NOW, NOW + 1);
    }

    @Test
    void a429NamingEntriesInTheIngestersFormRetriesOnlyThoseAndCountsTheOthersDelivered() throws Exception {
        // Loki's per-stream rate limit (pkg/ingester/stream.go errorForFailedEntries): 429, the other entries stored.
        long t2 = NOW + 2;
        loki.script.add(new LokiReceiver.Scripted(429, "entry with timestamp " + LokiReceiver.goTime(t2) + " ignored, "
                + "reason: 'Per stream rate limit exceeded (limit: 3MB/sec) while attempting to ingest for stream "
                + "'{job=\"a\", service_name=\"a\"}' totaling 20B, consider splitting a stream via additional labels or "
                + "contact your Loki administrator to see if the limit can be increased',\nuser 'fake', total ignored: 1 "
                + "out of 3 for stream: {job=\"a\", service_name=\"a\"}", java.util.Set.of(t2)));
        output(fast(RetryLimit.parse("3")), "Labels", "job=$svc");
        write("a", 1, NOW + 1);
        write("a", 2, t2);
        write("a", 3, NOW + 3);
        output.flush();
        assertThat(loki.seen).extracting(LokiReceiver.Seen::status, LokiReceiver.Seen::entries)
                .containsExactly(tuple(429, 3), tuple(204, 1));
        assertThat(loki.stored).extracting(LokiReceiver.Stored::timeNanos).containsExactly(NOW + 1, NOW + 3, t2);
        assertThat(output.counters().delivered.sum()).isEqualTo(3);
        assertThat(output.counters().retried.sum()).isEqualTo(1);
        assertThat(output.counters().failedRequests.sum()).isEqualTo(1);
        assertThat(output.counters().deadLettered.sum()).isZero();
    }

    @Test
    void a429WithoutNamedEntriesRetriesTheWholeBatch() throws Exception {
        loki.script.add(new LokiReceiver.Scripted(429, "Ingestion rate limit exceeded for user fake (limit: 10 "
                + "bytes/sec)", java.util.Set.of(NOW + 1, NOW + 2)));
        output(fast(RetryLimit.parse("3")), "Labels", "job=$svc");
        write("a", 1, NOW + 1);
        write("a", 2, NOW + 2);
        output.flush();
        assertThat(loki.seen).extracting(LokiReceiver.Seen::status, LokiReceiver.Seen::entries)
                .containsExactly(tuple(429, 2), tuple(204, 2));
        assertThat(loki.stored).hasSize(2);
        assertThat(output.counters().delivered.sum()).isEqualTo(2);
        assertThat(output.counters().retried.sum()).isEqualTo(2);
    }

    @Test
    void a413IsCountedAFailedRequestAndTheHalvesAreDelivered() throws Exception {
        loki.failStatus = 413;
        loki.failNext.set(1);
        output(fast(RetryLimit.NONE), "Labels", "job=$svc");
        for (int i = 0; i < 4; i++) {
            write("a", i, NOW + i);
        }
        output.flush();
        assertThat(loki.seen).extracting(LokiReceiver.Seen::status).containsExactly(413, 204, 204);
        assertThat(loki.stored).hasSize(4);
        assertThat(output.counters().delivered.sum()).isEqualTo(4);
        assertThat(output.counters().failedRequests.sum()).isEqualTo(1);
    }

    @Test
    void oversizeLineIsDeadLetteredAndTheOthersDelivered() throws Exception {
        loki.maxLineSize = 256;
        output(fast(RetryLimit.NONE));
        write(0, NOW, "info");
        output.write(TestRecords.json("app", NOW + 1, "{\"msg\":\"" + "x".repeat(300) + "\"}"));
        write(2, NOW + 2, "info");
        output.flush();
        assertThat(loki.stored).extracting(LokiReceiver.Stored::timeNanos).containsExactlyInAnyOrder(NOW, NOW + 2);
        List<Map<String, Object>> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat((String) dead.get(0).get("reason")).isEqualTo("Max entry size '256' bytes exceeded for stream "
                + "'{job=\"fluent-bit\", service_name=\"fluent-bit\"}' while adding an entry with length '310' bytes");
    }

    @Test
    void serverErrorsAreRetriedThenDeadLetteredAtTheRetryLimit() throws Exception {
        loki.failNext.set(2);
        output(fast(RetryLimit.parse("2")));
        write(0, NOW, "info");
        output.flush();
        assertThat(loki.stored).hasSize(1);
        loki.failNext.set(10);
        write(1, NOW + 1, "info");
        output.flush();
        List<Map<String, Object>> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat((String) dead.get(0).get("reason")).isEqualTo("retry limit reached: HTTP 503 scripted failure");
        assertThat(IntStream.range(0, loki.seen.size()).filter(i -> loki.seen.get(i).status() == 503).count())
                .isEqualTo(5);
    }

    // ---- ferry replay: ordering, old entries, pacing ----

    /** Two "files" of one replay, each in time order, whose times interleave over three hours. */
    private void writeTwoInterleavedFiles(int perFile) throws IOException {
        long first = NOW - 3 * HOUR;
        for (int file = 0; file < 2; file++) {
            for (int i = 0; i < perFile; i++) {
                int seq = file * perFile + i;
                write(seq, first + (2L * i + file) * (3 * HOUR / (2L * perFile)), i % 2 == 0 ? "info" : "error");
            }
            output.flush(); // the ring flushes between files (and far more often)
        }
    }

    private static long seqOf(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\\\?\"seq\\\\?\":(\\d+)").matcher(text);
        assertThat(m.find()).as("no seq in %s", text).isTrue();
        return Long.parseLong(m.group(1));
    }

    private void assertEachStreamInTimeOrder() {
        Map<String, Long> last = new java.util.HashMap<>();
        for (LokiReceiver.Stored s : loki.stored) {
            Long before = last.put(s.stream(), s.timeNanos());
            assertThat(before == null || before <= s.timeNanos()).as("stream %s went back in time", s.stream()).isTrue();
        }
    }

    @Test
    void closeEndsAReplayFinishRetryingForeverAgainstAStoppedLoki() throws Exception {
        // Retry_Limit no_limits and a 60 s backoff: only close (what a stop signal leads to) can end finish.
        output(new RetrySchedule(RetryLimit.FOREVER, 60_000, 60_000), true);
        for (int i = 0; i < 5; i++) {
            write(i, NOW + i, "info");
        }
        output.flush(); // under replay the entries are held, not sent
        assertThat(loki.seen).isEmpty();
        loki.stop();
        CompletableFuture<Void> finish = CompletableFuture.runAsync(() -> {
            try {
                output.finish();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await(() -> output.counters().failedRequests.sum() >= 1); // it is now waiting to retry
        output.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> finish.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("closed");
        assertThat(output.counters().delivered.sum()).isZero();
        assertThat(output.counters().deadLettered.sum()).isZero();
        assertThat(loki.stored).isEmpty();
    }

    @Test
    void replayOfFilesOutOfOrderReachesLokiInTimeOrderPerStream() throws Exception {
        output(fast(RetryLimit.NONE), true, "Labels", "job=replay, level=$level", "batch_max_size", "4KiB");
        writeTwoInterleavedFiles(600);
        assertThat(loki.seen).as("held until the end of the replay").isEmpty();
        output.finish();
        assertThat(loki.stored).hasSize(1200);
        assertThat(loki.stored).extracting(LokiReceiver.Stored::line).doesNotHaveDuplicates();
        assertEachStreamInTimeOrder();
        assertThat(output.counters().delivered.sum()).isEqualTo(1200);
        assertThat(output.counters().deadLettered.sum()).isZero();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void withoutReplayOrderingTheSecondFileIsTooFarBehindForLoki() throws Exception {
        // The same input as above through a live-run output: what the replay ordering is for.
        output(fast(RetryLimit.NONE), false, "Labels", "job=replay, level=$level", "batch_max_size", "4KiB");
        writeTwoInterleavedFiles(600);
        output.finish(); // holds nothing outside replay
        long dead = output.counters().deadLettered.sum();
        assertThat(dead).isGreaterThan(300);
        assertThat(deadLetters()).hasSize((int) dead).extracting(d -> (String) d.get("reason"))
                .allSatisfy(r -> assertThat(r).contains("entry too far behind"));
        // None lost, none stored twice. Entries Loki stored but did not show stored are sent again; one that
        // the push's newer entries put too far behind is refused and ferry dead-letters an entry Loki holds
        // (LokiRejections: the dead letters may over-count, never under-count).
        java.util.Set<Long> stored = new java.util.HashSet<>();
        for (LokiReceiver.Stored st : loki.stored) {
            assertThat(stored.add(seqOf(st.line()))).as("stored twice: %s", st.line()).isTrue();
        }
        java.util.Set<Long> deadSeqs = new java.util.HashSet<>();
        for (Map<String, Object> d : deadLetters()) {
            deadSeqs.add(seqOf(String.valueOf(d.get("record"))));
        }
        java.util.Set<Long> all = new java.util.HashSet<>(stored);
        all.addAll(deadSeqs);
        assertThat(all).hasSize(1200);
        assertThat(stored.size() + dead).isGreaterThanOrEqualTo(1200);
    }

    @Test
    void pastTheSortBufferTheOlderHalfIsSentAndEveryEntryArrives() throws Exception {
        output(fast(RetryLimit.NONE), true, "Labels", "job=replay", "batch_max_size", "1KiB",
                "replay_sort_buffer", "8KiB");
        for (int i = 0; i < 400; i++) {
            write(i, NOW - HOUR + i * MINUTE / 10, "info");
        }
        output.flush();
        int beforeEnd = loki.stored.size();
        assertThat(beforeEnd).as("sent before the end, the buffer being full").isPositive().isLessThan(400);
        output.finish();
        assertThat(loki.stored).hasSize(400);
        assertEachStreamInTimeOrder();
    }

    @Test
    void replayOfEntriesOlderThanTheWindowCountsThemAndDeadLettersWhatLokiRefuses() throws Exception {
        output(fast(RetryLimit.NONE), true, "Labels", "job=replay");
        for (int i = 0; i < 100; i++) {
            write(i, NOW - 8 * 24 * HOUR + i, "info"); // past Loki's reject_old_samples_max_age (a week)
        }
        for (int i = 100; i < 250; i++) {
            write(i, NOW - 2 * HOUR + i, "info"); // older than the 1h window, younger than a week
        }
        output.flush();
        output.finish();
        assertThat(output.counters().deadLettered.sum()).isEqualTo(100);
        assertThat(output.counters().delivered.sum()).isEqualTo(150);
        assertThat(loki.stored).hasSize(150);
        assertThat(deadLetters()).hasSize(100).extracting(d -> (String) d.get("reason"))
                .allSatisfy(r -> assertThat(r).startsWith("entry for stream '{job=\"replay\", service_name=\"replay\"}' has "
                        + "timestamp too old: "));
        assertThat(output.replayOldEntries()).isEqualTo(250);
        // Entries younger than the window are left out on purpose: after a 400 the output sends the rest of
        // the push again, and Loki (which checks the window before it drops identical entries) would refuse
        // the already stored 2h-old entries as too far behind a newer one of the same push.
        assertThat(output.replayOldEntriesDeadLettered()).isEqualTo(100);
    }

    /** 3,000 lines of about 45 bytes (135 kB) to a tenant limited to 100 kB/s with a one-second burst. */
    private void replayTowardsARateLimitedTenant(String rateLimit) throws Exception {
        loki.ingestionRateBytes = 100_000;
        output(fast(RetryLimit.FOREVER), true, "Labels", "job=replay", "batch_max_size", "16KiB", "Workers", "1",
                "rate_limit", rateLimit);
        for (int i = 0; i < 3000; i++) {
            write(i, NOW - HOUR + i, "info");
        }
        output.flush();
        output.finish();
        assertThat(loki.stored).hasSize(3000);
        assertEachStreamInTimeOrder();
    }

    @Test
    void unpacedReplayProvokesRateLimiting() throws Exception {
        replayTowardsARateLimitedTenant("off");
        assertThat(loki.answered(429)).isPositive();
    }

    @Test
    void replayPacedUnderTheTenantsRateGetsNo429() throws Exception {
        replayTowardsARateLimitedTenant("80KiB");
        assertThat(loki.answered(429)).isZero();
    }
}
