package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ferry.jar} with its spool on a real filesystem that fills up: a 24 MiB tmpfs the test
 * mounts (so it needs root, as CI has; skipped with a message otherwise).
 *
 * <p>Before {@code storage.min_free}, the spool's memory map wrote into the full disk: SIGBUS, hundreds of
 * {@code InternalError: a fault occurred in an unsafe memory access operation}, a broken Chronicle appender,
 * a batch growing on the heap. Now ferry stops writing while the reserve is left and says so with an ERROR
 * that names the path and the free bytes; the inputs wait while the spool's memory holds what it cannot write, the
 * outputs take it from there, and every line arrives once. (When the outputs cannot take it either, the inputs stay
 * paused: {@code SpoolTest} checks that {@code hasRoom} is off then.)
 */
class SpoolDiskFullIT {

    private static final int LINES = 100_000;
    private static final long MIN_FREE = 4L << 20;

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("try") // the mount is only there to be unmounted
    void aFullDiskUnderTheSpoolIsReportedNeverWrittenIntoAndEveryLineArrivesOnce() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        try (Tmpfs disk = Tmpfs.mount(small, "24m")) {
            Path logs = Files.createDirectories(dir.resolve("logs"));
            Path out = Files.createDirectories(dir.resolve("out"));
            Files.createDirectories(dir.resolve("state"));
            ErlmcpLogWriter.append(logs.resolve("app.log"), 0, LINES); // about 42 MB: it cannot all fit
            Path spool = small.resolve("spool");
            Path conf = dir.resolve("ferry.conf");
            // storage.write_behind 0: every batch goes to disk (with the default the file output, which keeps up,
            // gets everything from memory and the spool writes nothing).
            Files.writeString(conf, "[SERVICE]\n    storage.path " + spool + "\n    storage.compress off\n"
                    + "    storage.min_free 4MiB\n    storage.write_behind 0\n\n"
                    + "[INPUT]\n    Name tail\n    Path " + logs + "/*.log\n    Parser json\n    Read_from_Head On\n"
                    + "    Exit_On_Eof On\n    DB " + dir.resolve("state/tail.db") + "\n\n"
                    + "[OUTPUT]\n    Name file\n    Match *\n    Path " + out + "\n    File out\n    Format plain\n");
            try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
                ferry.awaitLog("The disk under the spool is almost full", Duration.ofSeconds(60));
                // The spool writes nothing more, but what it holds in memory the output still takes: the inputs go on
                // at the output's pace, one held batch at a time, and the run ends by itself.
                assertThat(ferry.waitFor(Duration.ofSeconds(120))).as(ferry.stderrText()).isZero();
                assertThat(Files.getFileStore(small).getUsableSpace()).as("the spool left storage.min_free free, "
                        + "but for Chronicle's index pages").isGreaterThan(MIN_FREE - (1L << 20));
                assertThat(ferry.stderrText())
                        .contains("[ERROR] SpoolStageHandler - The disk under the spool is almost full; the inputs are "
                                + "paused until it has storage.min_free free again (nothing is dropped: the log files "
                                + "are the buffer). path=" + spool + " free=")
                        .contains(" min_free=" + MIN_FREE + " held=")
                        .contains("records_in=" + LINES + " spooled=" + LINES + " delivered=" + LINES + " ")
                        .doesNotContain("InternalError")
                        .doesNotContain("fault occurred")
                        .doesNotContain("DiskSpaceMonitor");
            }
            List<Long> all = LongStream.range(0, LINES).boxed().toList();
            assertThat(FerryProcess.seqs(out.resolve("out"))).as("every line once, in order").containsExactlyElementsOf(all);
        }
    }
}
