package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.outputs.loki.LokiReceiver;
import dev.ferry.pipeline.record.JsonValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ferry.jar}, with the disk spool on, tails numbered erlmcp lines to Loki. In the middle of the
 * run Loki stops answering for 30 s, or ferry is killed with SIGKILL and started again: either way every
 * {@code fields.seq} must be in Loki exactly once.
 *
 * <p>Loki here is {@link LokiReceiver}, an in-process receiver on a real loopback socket (no Loki binary
 * can be installed on this machine). It decodes the real snappy + protobuf push and applies Loki's write
 * rules; the one this test depends on is Loki's: an entry identical (stream, timestamp, line) to one its
 * stream already holds is dropped, so an entry sent again after the kill (pushed, but not yet committed in
 * the spool when the process died) shows once in Loki. The test counts those re-sends and prints them.
 * {@code reject_old_samples} is off in the receiver, as the generated lines are dated 2024-01-01.
 */
class LokiDeliveryIT {

    @TempDir
    Path dir;

    @Test
    void killedMidRunAndRestartedEverySeqIsInLokiExactlyOnce() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        ErlmcpLogWriter.append(logs.resolve("application.log"), 0, 20_000);
        try (LokiReceiver loki = new LokiReceiver().start()) {
            loki.maxAgeNanos = Long.MAX_VALUE / 2;
            Path conf = config(logs, loki);

            try (FerryProcess first = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
                FerryProcess.await(Duration.ofSeconds(60), () -> loki.queried().size() >= 4_000,
                        () -> "first run delivered " + loki.queried().size() + "; stderr:\n" + FerryProcess.tail(first.stderrText()));
                first.kill();
            }
            int atKill = loki.stored.size();
            assertThat(atKill).as("killed in the middle of the run").isLessThan(20_000);
            // Written while ferry is down: the restart must find these too.
            ErlmcpLogWriter.append(logs.resolve("application.log"), 20_000, 2_000);
            ErlmcpLogWriter.append(logs.resolve("error.log"), 22_000, 1_000);

            try (FerryProcess second = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
                FerryProcess.await(Duration.ofSeconds(120), () -> loki.queried().size() >= 23_000,
                        () -> "after the restart Loki holds " + loki.queried().size() + "; stderr:\n"
                                + FerryProcess.tail(second.stderrText()));
                assertThat(second.terminate(Duration.ofSeconds(30))).as(second.stderrText()).isZero();
                assertThat(second.stderrText()).doesNotContain("dead-letter file").doesNotContain("ERROR");
            }

            assertEverySeqOnce(loki, 23_000);
            assertThat(Files.exists(dir.resolve("dlq"))).isFalse();
            System.out.printf("LokiDeliveryIT: killed after %d entries stored; after the restart %d entries were sent "
                    + "again and dropped by Loki as identical, %d stored again (queries show them once)%n", atKill,
                    loki.duplicatesDropped.get(), loki.stored.size() - loki.queried().size());
        }
    }

    /**
     * Loki (the receiver) stops answering for 30 s in the middle of the run, while more lines are written:
     * ferry keeps reading into the spool, retries, and once Loki is back every seq is there exactly once.
     */
    @Test
    void lokiDownForThirtySecondsMidRunEverySeqArrivesOnce() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        ErlmcpLogWriter.append(logs.resolve("application.log"), 0, 10_000);
        try (LokiReceiver loki = new LokiReceiver().start()) {
            loki.maxAgeNanos = Long.MAX_VALUE / 2;
            int port = loki.port();
            Path conf = config(logs, loki);
            try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
                FerryProcess.await(Duration.ofSeconds(60), () -> loki.queried().size() >= 2_000,
                        () -> "before the outage Loki holds " + loki.queried().size() + "; stderr:\n"
                                + FerryProcess.tail(ferry.stderrText()));
                loki.stop();
                ErlmcpLogWriter.append(logs.resolve("application.log"), 10_000, 5_000);
                Thread.sleep(2_000); // a push Loki had already taken when it stopped is still stored
                int atStop = loki.stored.size();
                Thread.sleep(28_000);
                assertThat(ferry.isAlive()).as("ferry keeps running while Loki is down").isTrue();
                assertThat(ferry.stderrText()).contains("Loki cannot be reached; retrying.");
                assertThat(loki.stored.size()).as("nothing stored while Loki was down").isEqualTo(atStop);
                loki.start(port);
                FerryProcess.await(Duration.ofSeconds(120), () -> loki.queried().size() >= 15_000,
                        () -> "after the outage Loki holds " + loki.queried().size() + "; stderr:\n"
                                + FerryProcess.tail(ferry.stderrText()));
                assertThat(ferry.terminate(Duration.ofSeconds(30))).as(ferry.stderrText()).isZero();
            }
            assertEverySeqOnce(loki, 15_000);
            assertThat(Files.exists(dir.resolve("dlq"))).isFalse();
        }
    }

    /** Tail with DB and spool to the loki receiver; rate_limit keeps a run busy long enough to act on it. */
    private Path config(Path logs, LokiReceiver loki) throws java.io.IOException {
        Path conf = dir.resolve("loki.conf");
        Files.writeString(conf, "[SERVICE]\n    Flush 1\n    storage.path " + dir.resolve("spool") + "\n"
                + "[INPUT]\n    Name tail\n    Path " + logs + "/*.log\n    Parser json\n    Tag erlmcp.*\n"
                + "    Read_from_Head On\n    Refresh_Interval 1\n    DB " + dir.resolve("tail.db") + "\n"
                + "[OUTPUT]\n    Name loki\n    Match erlmcp.*\n    Host 127.0.0.1\n    Port " + loki.port() + "\n"
                + "    Labels job=erlmcp, level=$level\n    Line_Format json\n    Retry_Limit no_limits\n"
                + "    rate_limit 1MiB\n    batch_max_size 64KiB\n    dead_letter.path " + dir.resolve("dlq") + "\n");
        return conf;
    }

    /**
     * A Loki query returns exactly seqs 0..count-1, each once, each in its stream. Loki may store a resent entry
     * twice (after a kill -9, what was delivered since the last saved spool position is sent again), and its
     * queries show such an entry once: {@link LokiReceiver#queried}. An entry that differs in anything, a seq
     * twice under two times or two streams, counts twice here.
     */
    private static void assertEverySeqOnce(LokiReceiver loki, int count) {
        Map<Long, Integer> seen = new HashMap<>();
        List<LokiReceiver.Stored> queried = loki.queried();
        for (LokiReceiver.Stored s : queried) {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) JsonValues.parse(s.line());
            @SuppressWarnings("unchecked")
            long seq = (Long) ((Map<String, Object>) r.get("fields")).get("seq");
            seen.merge(seq, 1, Integer::sum);
            // level went to a label, so it left the line (Fluent Bit's remove_keys_derived).
            assertThat(s.stream()).isEqualTo("{job=\"erlmcp\", level=\"" + (seq % 97 == 0 ? "error" : "info") + "\"}");
        }
        assertThat(queried).hasSize(count);
        assertThat(seen).hasSize(count).allSatisfy((seq, n) -> {
            assertThat(seq).isBetween(0L, count - 1L);
            assertThat(n).as("seq %d", seq).isEqualTo(1);
        });
    }
}
