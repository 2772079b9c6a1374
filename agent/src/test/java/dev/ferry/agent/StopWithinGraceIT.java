package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ferry.jar}, stopped with SIGTERM while Elasticsearch cannot be reached (an es output on a
 * port nothing listens on, Retry_Limit False): the stop takes about {@code Grace}, the bound a DaemonSet's
 * terminationGracePeriodSeconds is set against, and the spool keeps every line for the next start, which
 * delivers each once. Before, each step waited on its own (the tail 5 s, the ring Grace, every output
 * Grace, then 10 s for an output stuck in its flush): with Grace 2, 12 s idle and 19 s with the inputs
 * paused on a full spool.
 */
class StopWithinGraceIT {

    private static final int GRACE_SECONDS = 2;
    /** Grace, a second for a busy output thread to be interrupted, and the JVM's own start of the stop. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(GRACE_SECONDS + 3);

    @TempDir
    Path dir;

    @Test
    void withEverythingSpooledAndElasticsearchUnreachableASigtermStopsWithinGraceAndLosesNothing() throws Exception {
        stopWithinGraceThenDeliverEverything(2_000, "", "Elasticsearch cannot be reached");
    }

    @Test
    void withTheInputsPausedOnAFullSpoolASigtermStopsWithinGraceAndLosesNothing() throws Exception {
        // About 8.5 MB of lines against a 1 MiB limit: the spool fills, the ring fills, the tail waits on it.
        stopWithinGraceThenDeliverEverything(20_000, "    storage.total_limit_size 1M\n", "The spool is full");
    }

    private void stopWithinGraceThenDeliverEverything(int lines, String esOptions, String stuck) throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        ErlmcpLogWriter.append(logs.resolve("app.log"), 0, lines);
        String service = "[SERVICE]\n    Grace " + GRACE_SECONDS + "\n\n";
        String input = "[INPUT]\n    Name tail\n    Path " + logs + "/*.log\n    Parser json\n    Read_from_Head On\n"
                + "    DB " + dir.resolve("state/tail.db") + "\n";
        Path unreachable = dir.resolve("unreachable.conf");
        Files.writeString(unreachable, service + input + "\n" + FerryProcess.unreachableEsOutput("ship") + esOptions);
        String err;
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", unreachable.toString())) {
            ferry.awaitLog(stuck, Duration.ofSeconds(60));
            Thread.sleep(1_000); // the tail has read what it can
            long start = System.nanoTime();
            int exit = ferry.terminate(Duration.ofSeconds(60));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            err = ferry.stderrText();
            assertThat(exit).as(err).isEqualTo(1); // not everything was delivered
            assertThat(took).as("SIGTERM to exit, with Grace %ss", GRACE_SECONDS).isLessThan(STOP_BOUND);
        }
        assertThat(err).contains("ferry is stopping. reason=\"SIGTERM\"").contains(" delivered=0 ")
                .contains(" drained=false");

        Path working = dir.resolve("working.conf");
        Files.writeString(working, input + "    Exit_On_Eof On\n\n[OUTPUT]\n    Name file\n    Alias ship\n    Match *\n"
                + "    Path " + out + "\n    File out\n    Format plain\n");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", working.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
        }
        assertThat(FerryProcess.seqs(out.resolve("out"))).as("every line once, in order")
                .containsExactlyElementsOf(LongStream.range(0, lines).boxed().toList());
    }
}
