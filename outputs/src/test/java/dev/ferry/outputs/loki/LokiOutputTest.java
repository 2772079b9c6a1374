package dev.ferry.outputs.loki;

import static org.assertj.core.api.Assertions.assertThat;

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
        List<String> kv = new ArrayList<>(List.of("Name", "loki", "Host", "127.0.0.1", "Port",
                Integer.toString(loki.port()), "dead_letter.path", dir.resolve("dlq").toString(), "rate_limit", "off"));
        kv.addAll(List.of(keyValues));
        LokiConfig c = LokiConfig.from(Sections.bind(LokiConfig.OPTIONS, kv.toArray(String[]::new)));
        output = new LokiOutput(c, "loki.0", schedule);
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
            assertThat(s.tenant()).isEqualTo("team-a");
        }
        assertThat(loki.contentTypes).containsOnly("application/x-protobuf");
        assertThat(output.counters().delivered.sum()).isEqualTo(300);
        assertThat(output.counters().deadLettered.sum()).isZero();
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
                .anySatisfy(r -> assertThat(r).startsWith("entry for stream '{job=\"replay\"}' has timestamp too old: "));
        assertThat(dead).extracting(d -> (Object) ((List<?>) d.get("record")).get(0))
                .containsExactlyInAnyOrder(Long.toString(NOW - 2 * HOUR), Long.toString(NOW - 200 * HOUR),
                        Long.toString(NOW - 3 * HOUR));
        assertThat(output.counters().delivered.sum()).isEqualTo(3);
        assertThat(output.counters().deadLettered.sum()).isEqualTo(3);
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
                + "'{job=\"fluent-bit\"}' while adding an entry with length '310' bytes");
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
}
