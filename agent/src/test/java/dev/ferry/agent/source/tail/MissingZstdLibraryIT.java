package dev.ferry.agent.source.tail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.ErlmcpLogWriter;
import dev.ferry.agent.FerryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ferry.jar} where zstd-jni cannot unpack its native library: {@code java.io.tmpdir} does
 * not exist, as {@code /tmp} is read-only under a systemd unit with {@code ProtectSystem=strict} and no
 * {@code PrivateTmp}. The spool is then written uncompressed; a rotated {@code .zst} segment stops the tail
 * with the reason and the fix, before anything of it is read, and a tail that follows its files forever
 * (no {@code Exit_On_Eof}) stops ferry with that reason instead of leaving it running without the input;
 * an output that finds zstd documents in the
 * spool it must read stops ferry with the reason (it used to fall behind for good, unnoticed, while the
 * spool filled); and once the folder is right a restart delivers every line exactly once.
 */
class MissingZstdLibraryIT {

    @TempDir
    Path dir;

    /** A java.io.tmpdir that does not exist: zstd-jni cannot unpack its library there. */
    private Path noTmp() {
        return dir.resolve("no-such-folder");
    }

    /** The environment of a ferry whose JVM cannot load zstd's native library. */
    private Map<String, String> withoutZstd() {
        return Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + noTmp());
    }

    /**
     * Lines 0 to n-1 in logs/app.log.1, compressed to app.log.1.zst, then n to 2n-1 in logs/app.log, and
     * ferry.conf, whose tail (with a DB, and Exit_On_Eof if asked) writes them to out/out.
     *
     * @return the .zst segment
     */
    private Path zstdSegmentThenLog(int n, boolean exitOnEof) throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        ErlmcpLogWriter.append(logs.resolve("app.log.1"), 0, n);
        Path segment = TailTestSupport.compress(logs.resolve("app.log.1"), "zst");
        ErlmcpLogWriter.append(logs.resolve("app.log"), n, n);
        Files.writeString(dir.resolve("ferry.conf"), "[INPUT]\n    Name tail\n    Path " + logs + "/*.log\n    Parser json\n"
                + "    Read_from_Head On\n" + (exitOnEof ? "    Exit_On_Eof On\n" : "") + "    DB "
                + dir.resolve("state/tail.db") + "\n\n"
                + "[OUTPUT]\n    Name file\n    Match *\n    Path " + out + "\n    File out\n    Format plain\n");
        return segment;
    }

    @Test
    void aZstdSegmentStopsTheTailWithTheReasonAndARestartWithTheLibraryDeliversEveryLineOnce() throws Exception {
        Path segment = zstdSegmentThenLog(500, true);
        Path conf = dir.resolve("ferry.conf");
        Path out = dir.resolve("out");
        Path noTmp = noTmp();
        try (FerryProcess ferry = FerryProcess.start(dir, withoutZstd(), "-c", conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isEqualTo(1);
            String fix = "zstd-jni unpacks its native library into java.io.tmpdir (" + noTmp + ") first: make that folder "
                    + "writable (under systemd: PrivateTmp=true) or point -DZstdTempFolder at one that is";
            assertThat(ferry.stderrText())
                    .contains("The spool is written uncompressed: zstd's native library did not load. path="
                            + dir.resolve("state/ferry-spool") + " error=\"Cannot unpack libzstd-jni-")
                    .contains("Tail input failed and stopped reading. input=tail.0 error=java.lang.IllegalStateException: "
                            + "Segment " + segment + " is zstd-compressed and zstd's native library did not load: "
                            + "Cannot unpack libzstd-jni-")
                    .contains(fix)
                    // an input that ends at EOF and fails stops the run with its reason, not as "every input ended"
                    .contains("ferry is stopping. reason=\"input tail.0 stopped reading: java.lang.IllegalStateException: "
                            + "Segment " + segment + " is zstd-compressed")
                    .contains(" drained=false")
                    .doesNotContain("ExceptionInInitializerError")
                    .doesNotContain("ExecutionException");
        }

        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
        }
        assertThat(FerryProcess.seqs(out.resolve("out"))).as("every line once, the segment's first").containsExactlyElementsOf(
                LongStream.range(0, 1000).boxed().toList());
    }

    @Test
    void anOutputThatCannotReadTheCompressedSpoolStopsFerryInsteadOfFallingBehindForGood() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        String tail = "[INPUT]\n    Name tail\n    Path " + logs + "/*.log\n    Parser json\n    Read_from_Head On\n"
                + "    DB " + dir.resolve("state/tail.db") + "\n";
        String unreachable = FerryProcess.unreachableEsOutput("ship");
        // Two runs spool every line for an output that cannot deliver: the first compressed, the second
        // (storage.compress off) uncompressed, so the spool opens without zstd and the first documents do not read.
        Path compressed = dir.resolve("compressed.conf");
        Files.writeString(compressed, tail + "    Exit_On_Eof On\n\n" + unreachable);
        Path plain = dir.resolve("plain.conf");
        Files.writeString(plain, "[SERVICE]\n    storage.compress off\n\n" + tail + "    Exit_On_Eof On\n\n" + unreachable);
        ErlmcpLogWriter.append(logs.resolve("app.log"), 0, 1000);
        FerryProcess.runUntilInputsEnd(dir, compressed);
        ErlmcpLogWriter.append(logs.resolve("app.log"), 1000, 10);
        assertThat(FerryProcess.runUntilInputsEnd(dir, plain)).contains("records_in=10 spooled=10 delivered=0 ");

        // Without the library, a long-running ferry (no Exit_On_Eof) stops by itself with the reason.
        Path running = dir.resolve("running.conf");
        Files.writeString(running, tail + "\n[OUTPUT]\n    Name file\n    Alias ship\n    Match *\n    Path " + out
                + "\n    File out\n    Format plain\n");
        try (FerryProcess ferry = FerryProcess.start(dir, withoutZstd(), "-c", running.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isEqualTo(1);
            String cause = "java.lang.IllegalStateException: spool document at index 0x";
            assertThat(ferry.stderrText())
                    .contains("[ERROR] SpoolConsumer - Output stopped: reading its records from the spool failed. output=ship error="
                            + cause)
                    .contains("is zstd-compressed and zstd's native library did not load: Cannot unpack libzstd-jni-")
                    .contains("ferry is stopping. reason=\"output ship stopped reading the spool: " + cause)
                    .contains(" drained=false");
        }
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", running.toString())) {
            FerryProcess.await(Duration.ofSeconds(60), () -> Files.exists(out.resolve("out"))
                    && FerryProcess.lineCount(out.resolve("out")) >= 1010, () -> "not all delivered: " + ferry.stderrText());
            assertThat(ferry.terminate(Duration.ofSeconds(30))).as(ferry.stderrText()).isZero();
        }
        assertThat(FerryProcess.seqs(out.resolve("out"))).as("with the library, every line once").containsExactlyElementsOf(
                LongStream.range(0, 1010).boxed().toList());
    }

    @Test
    void aTailThatFollowsItsFilesForeverAndFailsOnAZstdSegmentStopsFerryWithTheReason() throws Exception {
        Path segment = zstdSegmentThenLog(100, false);
        try (FerryProcess ferry = FerryProcess.start(dir, withoutZstd(), "-c", dir.resolve("ferry.conf").toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isEqualTo(1);
            assertThat(ferry.stderrText())
                    .contains("ferry is stopping. reason=\"input tail.0 stopped reading: java.lang.IllegalStateException: Segment "
                            + segment + " is zstd-compressed and zstd's native library did not load: ")
                    .contains(" drained=false");
        }
    }
}
