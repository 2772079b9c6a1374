package dev.ferry.agent.otp;

import static dev.ferry.agent.elasticsearch.EsIts.assertExactlyOnce;
import static dev.ferry.agent.elasticsearch.EsIts.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.FerryProcess;
import dev.ferry.agent.otp.ErlangLogger.Handler;
import dev.ferry.pipeline.record.JsonValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ferry.jar} tailing files that a real Erlang/OTP node rotates ({@link ErlangLogger}):
 * {@code logger_std_h} with {@code compress_on_rotate} and {@code logger_disk_log_h} wrap logs, with
 * small files (200 KB, about 600 lines) so that a test sees dozens of rotations, both while ferry runs
 * and while it is stopped between two runs on the same position DB. Each asserts the outcome by
 * {@code fields.seq} in ferry's {@code file} output: every line exactly once, no gap, no duplicate.
 */
class OtpRotationIT {

    /** logger_std_h / disk_log rotate when a file reaches this size: about 600 lines of ~330 bytes. */
    private static final long MAX_NO_BYTES = 200_000;

    @TempDir
    Path dir;
    private Path logs;
    private Path log;
    private Path output;

    @BeforeEach
    void setUp() throws Exception {
        ErlangLogger.requireErlang();
        logs = Files.createDirectories(dir.resolve("logs"));
        log = logs.resolve("application.log");
        output = dir.resolve("out").resolve("erlmcp.out");
    }

    /**
     * tail of {@code application.log} and its rotated family (JSON, from the head, DB) -> file output. A
     * disk_log wrap log has no file of that name, only {@code application.log.1 .. .N} (and the
     * {@code .idx}/{@code .siz} ferry must leave alone): there {@code Path} names them with a glob.
     */
    private FerryProcess ferry(Handler handler) throws Exception {
        Path conf = dir.resolve("fluent-bit.conf");
        Files.createDirectories(output.getParent());
        Files.writeString(conf, "[SERVICE]\n    Flush 1\n    Grace 10\n    Log_Level info\n"
                + "[INPUT]\n    Name tail\n    Path " + log + (handler == Handler.WRAP ? ".*" : "") + "\n    Tag erlmcp.app\n    Parser json\n"
                + "    Read_from_Head On\n    DB " + dir.resolve("ferry.db") + "\n    Refresh_Interval 1\n"
                + "[OUTPUT]\n    Name file\n    Match *\n    Path " + output.getParent() + "\n    File erlmcp.out\n"
                + "    Format plain\n");
        return FerryProcess.start(dir, Map.of(), "-c", conf.toString());
    }

    private void awaitOutput(long lines, FerryProcess ferry) throws Exception {
        FerryProcess.await(Duration.ofSeconds(120), () -> FerryProcess.lineCount(output) >= lines,
                () -> "output has " + FerryProcess.lineCount(output) + " of " + lines + " lines; logs " + listing()
                        + "; ferry stderr:\n" + FerryProcess.tail(ferry.stderrText()));
    }

    private void stop(FerryProcess ferry) throws Exception {
        assertThat(ferry.terminate(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
        assertThat(ferry.stderrText()).contains("ferry stopped.");
    }

    @Test
    void stdHandlerRotatingAndGzippingWhileFerryRuns() throws Exception {
        // 30,000 lines at 3,000/s: about 50 rotations, each gzipping the file ferry may still be reading.
        loggedWhileFerryRuns(Handler.STD, 30_000, 3_000, 100);
        assertThat(gzSegments()).as(listing()).hasSizeGreaterThan(40);
        assertExactlyOnce(seqs(), range(0, 30_000));
    }

    @Test
    void stdHandlerRotatingAndGzippingWhileFerryIsStopped() throws Exception {
        // As in an upgrade: the next 20,000 lines are written, rotated and gzipped while ferry is down,
        // so the file it was reading is now inside a .gz, and ~30 segments are new to it.
        loggedWhileFerryIsStopped(Handler.STD, 10_000, 20_000, 100);
        secondRun(Handler.STD, 30_000);
        assertExactlyOnce(seqs(), range(0, 30_000));
    }

    @Test
    void diskLogWrapWhileFerryRuns() throws Exception {
        // A ring of 10 files of 200 KB (about 6,000 lines) written 5 times over at 2,000 lines/s: each
        // file is reused every 3 s, so ferry (rescan every 1 s) can read every line before it goes.
        loggedWhileFerryRuns(Handler.WRAP, 30_000, 2_000, 10);
        assertExactlyOnce(seqs(), range(0, 30_000));
    }

    @Test
    void diskLogWrapWhileFerryIsStoppedForLessThanOneRing() throws Exception {
        // 4,000 lines (less than the ring's ~6,000) while ferry is down: the files reused in place held
        // lines ferry had already delivered, so nothing is lost.
        loggedWhileFerryIsStopped(Handler.WRAP, 10_000, 4_000, 10);
        secondRun(Handler.WRAP, 14_000);
        assertExactlyOnce(seqs(), range(0, 14_000));
    }

    @Test
    void diskLogWrapGoingRoundMoreThanOnceWhileFerryIsStoppedDeliversWhatIsLeftOnce() throws Exception {
        // 20,000 lines (more than three rings) while ferry is down: OTP overwrites the ring in place, so
        // only the last ~6,000 are still on disk. ferry had read everything it could see, and no reader can
        // tell how often the ring went round meanwhile; what it must do is ship what is left, once.
        loggedWhileFerryIsStopped(Handler.WRAP, 10_000, 20_000, 10);
        List<Long> onDisk = seqsOnDisk();
        assertThat(onDisk).as("the ring holds the newest lines only").hasSizeBetween(4_000, 8_000).contains(29_999L);
        List<Long> expected = new ArrayList<>(range(0, 10_000));
        expected.addAll(onDisk);
        secondRun(Handler.WRAP, expected.size());
        System.out.printf("disk_log wrap while ferry was stopped: %d lines overwritten by OTP before any reader could see them%n",
                30_000 - expected.size());
        assertExactlyOnce(seqs(), expected);
    }

    /** Starts ferry, logs seq 0..lines-1 through OTP at {@code rate} lines/s, waits for them in the output, stops ferry. */
    private void loggedWhileFerryRuns(Handler handler, int lines, int rate, int maxNoFiles) throws Exception {
        try (FerryProcess ferry = ferry(handler)) {
            ferry.awaitLog("ferry started.", Duration.ofSeconds(60));
            ErlangLogger.log(handler, log, 0, lines, rate, MAX_NO_BYTES, maxNoFiles);
            awaitOutput(lines, ferry);
            stop(ferry);
        }
    }

    /**
     * A first run that delivers seq 0..first-1 (logged at 2,000 lines/s), then {@code stopped} more
     * lines logged as fast as OTP writes while ferry is not running.
     */
    private void loggedWhileFerryIsStopped(Handler handler, int first, int stopped, int maxNoFiles) throws Exception {
        loggedWhileFerryRuns(handler, first, 2_000, maxNoFiles);
        ErlangLogger.log(handler, log, first, stopped, 0, MAX_NO_BYTES, maxNoFiles);
    }

    /** ferry started again on the same DB until the output holds {@code lines} lines, then stopped. */
    private void secondRun(Handler handler, long lines) throws Exception {
        try (FerryProcess second = ferry(handler)) {
            awaitOutput(lines, second);
            stop(second);
        }
    }

    /** The seq of every line in the wrap log's files now, in no particular order. */
    private List<Long> seqsOnDisk() throws Exception {
        List<Long> out = new ArrayList<>();
        try (var s = Files.list(logs)) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches("application\\.log\\.\\d+")).toList()) {
                for (String line : Files.readAllLines(p)) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> r = (Map<String, Object>) JsonValues.parse(line);
                    out.add(seq(r));
                }
            }
        }
        return out;
    }

    private List<Long> seqs() throws Exception {
        List<Long> out = new ArrayList<>();
        for (Map<String, Object> r : FerryProcess.records(output)) {
            assertThat(r).as("a line ferry could not parse").doesNotContainKey("ferry_parse_error");
            out.add(seq(r));
        }
        return out;
    }

    private static long seq(Map<String, Object> record) {
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) record.get("fields");
        return (Long) fields.get("seq");
    }

    private List<Path> gzSegments() throws Exception {
        try (var s = Files.list(logs)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".gz")).toList();
        }
    }

    private String listing() {
        try (var s = Files.list(logs)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().toString();
        } catch (Exception e) {
            return "(" + e + ")";
        }
    }
}
