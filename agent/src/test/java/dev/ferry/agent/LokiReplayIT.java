package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.outputs.loki.LokiReceiver;
import dev.ferry.pipeline.record.JsonValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry replay} to a {@code loki} output, run through the real jar as an operator does.
 *
 * <p>Loki here is {@link LokiReceiver}, an in-process receiver on a real loopback socket (no Loki binary
 * can be installed on this machine): it decodes the real snappy + protobuf push and enforces Loki's rules
 * that replay runs into, with Loki's messages: {@code reject_old_samples_max_age} (a week: "timestamp too
 * old") and the per-stream out-of-order window (1h behind the stream's newest entry: "entry too far behind").
 */
class LokiReplayIT {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static String line(long seq, Instant time, String level) {
        return "{\"timestamp\":\"" + ISO_MILLIS.format(time) + "\",\"level\":\"" + level + "\",\"msg\":\"replayed\","
                + "\"seq\":" + seq + "}\n";
    }

    private Path config(LokiReceiver loki) throws IOException {
        Path conf = dir.resolve("replay.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /var/log/app/*.log\n    Parser json\n    Tag app.*\n"
                + "[OUTPUT]\n    Name loki\n    Match app.*\n    Host 127.0.0.1\n    Port " + loki.port() + "\n"
                + "    Labels job=replay, level=$level\n    Line_Format json\n    batch_max_size 8KiB\n"
                + "    dead_letter.path " + dir.resolve("dlq") + "\n");
        return conf;
    }

    @Test
    void anArchiveOlderThanTheWindowIsAnnouncedAndWhatLokiRefusesIsDeadLetteredWithItsReason() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("archive"));
        Instant now = Instant.now();
        StringBuilder b = new StringBuilder();
        Instant oldest = now.minus(Duration.ofDays(8)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        for (int i = 0; i < 100; i++) {
            b.append(line(i, oldest.plusMillis(i), "info")); // past Loki's reject_old_samples_max_age
        }
        for (int i = 100; i < 250; i++) {
            b.append(line(i, now.minus(Duration.ofHours(2)).plusMillis(i), "info")); // older than the window only
        }
        Files.writeString(logs.resolve("app.log"), b);
        try (LokiReceiver loki = new LokiReceiver().start();
             FerryProcess ferry = FerryProcess.start(dir, Map.of(), "replay", "-c", config(loki).toString(), logs.toString())) {
            // 100 records did not reach Loki: the replay did not succeed, though each got a final answer.
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isEqualTo(1);
            String err = ferry.stderrText();
            assertThat(err).contains("Replay is sending entries older than acceptance_window").contains("entries=250 oldest="
                    + oldest + " acceptance_window=PT1H");
            assertThat(err).contains("Replay sent entries older than acceptance_window. output=loki.0 entries=250 oldest="
                    + oldest + " dead_lettered=100 acceptance_window=PT1H");
            // The warning comes before the entries are sent.
            assertThat(err.indexOf("Replay is sending entries")).isLessThan(err.indexOf("Records were written to the dead-letter file"));
            assertThat(err).contains("records_read=250 delivered=150 dead_lettered=100")
                    .contains("result=dead_lettered: some records did not reach their destination");

            assertThat(loki.stored).hasSize(150);
            Set<Long> seqs = new HashSet<>();
            for (LokiReceiver.Stored s : loki.stored) {
                assertThat(seqs.add(seq(s.line()))).isTrue();
            }
            assertThat(seqs).allMatch(s -> s >= 100 && s < 250);
            List<String> dead = Files.readAllLines(dir.resolve("dlq/loki.0.ndjson"));
            assertThat(dead).hasSize(100).allSatisfy(d -> assertThat(d)
                    .contains("has timestamp too old: ").contains("\"status\":400"));
        }
    }

    @Test
    void filesWhoseTimesInterleaveReachLokiInTimeOrderPerStream() throws Exception {
        // Two files of one stream set, each in order, interleaving over three hours: sent file by file, the
        // second would be "too far behind" the first's newest entries for all but its last hour.
        Path logs = Files.createDirectories(dir.resolve("archive"));
        Instant first = Instant.now().minus(Duration.ofHours(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        int perFile = 1500;
        long stepMillis = Duration.ofHours(3).toMillis() / (2L * perFile);
        for (int file = 0; file < 2; file++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < perFile; i++) {
                long seq = (long) file * perFile + i;
                b.append(line(seq, first.plusMillis((2L * i + file) * stepMillis), seq % 3 == 0 ? "error" : "info"));
            }
            Files.writeString(logs.resolve("app-" + file + ".log"), b);
        }
        try (LokiReceiver loki = new LokiReceiver().start();
             FerryProcess ferry = FerryProcess.start(dir, Map.of(), "replay", "-c", config(loki).toString(), logs.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
            assertThat(ferry.stderrText()).contains("records_read=3000").contains("result=complete")
                    .doesNotContain("Records were written to the dead-letter file");
            assertThat(loki.stored).hasSize(3000);
            Map<String, Long> last = new HashMap<>();
            Set<Long> seqs = new HashSet<>();
            for (LokiReceiver.Stored s : loki.stored) {
                Long before = last.put(s.stream(), s.timeNanos());
                assertThat(before == null || before <= s.timeNanos()).as("stream %s went back in time", s.stream()).isTrue();
                assertThat(seqs.add(seq(s.line()))).isTrue();
            }
            assertThat(last.keySet()).containsExactlyInAnyOrder("{job=\"replay\", level=\"error\"}",
                    "{job=\"replay\", level=\"info\"}");
            assertThat(seqs).hasSize(3000);
            assertThat(Files.exists(dir.resolve("dlq"))).isFalse();
        }
    }

    @Test
    void aStopSignalEndsAReplayRetryingForeverWhileLokiIsDownAndTheRunIsIncomplete() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("archive"));
        Instant now = Instant.now();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            b.append(line(i, now.plusMillis(i), "info"));
        }
        Files.writeString(logs.resolve("app.log"), b);
        try (LokiReceiver loki = new LokiReceiver().start()) {
            Path conf = config(loki);
            Files.writeString(conf, Files.readString(conf) + "    Retry_Limit no_limits\n");
            loki.stop(); // Loki is down for the whole run: the held entries can only be retried
            try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "replay", "-c", conf.toString(), logs.toString())) {
                ferry.awaitLog("Loki cannot be reached; retrying", Duration.ofSeconds(60));
                assertThat(ferry.terminate(Duration.ofSeconds(30))).as(ferry.stderrText()).isEqualTo(1);
                String err = ferry.stderrText();
                assertThat(err).contains("An output could not send the records it held back; they are lost to this run. "
                        + "output=loki.0").contains("records_read=50").contains("result=INCOMPLETE");
                assertThat(loki.stored).isEmpty();
                assertThat(Files.exists(dir.resolve("dlq/loki.0.ndjson"))).isFalse();
            }
        }
    }

    private static long seq(String line) {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) JsonValues.parse(line);
        return (Long) r.get("seq");
    }
}
