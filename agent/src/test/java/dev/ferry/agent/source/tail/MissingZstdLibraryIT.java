package dev.ferry.agent.source.tail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.ErlmcpLogWriter;
import dev.ferry.agent.FerryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ferry.jar} where zstd-jni cannot unpack its native library: {@code java.io.tmpdir} does
 * not exist, as {@code /tmp} is read-only under a systemd unit with {@code ProtectSystem=strict} and no
 * {@code PrivateTmp}. The spool is then written uncompressed; a rotated {@code .zst} segment stops the tail
 * with the reason and the fix, before anything of it is read; and once the folder is right a restart
 * delivers every line exactly once.
 */
class MissingZstdLibraryIT {

    @TempDir
    Path dir;

    @Test
    void aZstdSegmentStopsTheTailWithTheReasonAndARestartWithTheLibraryDeliversEveryLineOnce() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        ErlmcpLogWriter.append(logs.resolve("app.log.1"), 0, 500);
        Path segment = TailTestSupport.compress(logs.resolve("app.log.1"), "zst");
        ErlmcpLogWriter.append(logs.resolve("app.log"), 500, 500);
        Path conf = dir.resolve("ferry.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + logs + "/*.log\n    Parser json\n"
                + "    Read_from_Head On\n    Exit_On_Eof On\n    DB " + dir.resolve("state/tail.db") + "\n\n"
                + "[OUTPUT]\n    Name file\n    Match *\n    Path " + out + "\n    File out\n    Format plain\n");

        Path noTmp = dir.resolve("no-such-folder");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + noTmp),
                "-c", conf.toString())) {
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
                    .doesNotContain("ExceptionInInitializerError");
        }

        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
        }
        List<Long> seqs = new ArrayList<>();
        for (Map<String, Object> r : FerryProcess.records(out.resolve("out"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) r.get("fields");
            seqs.add((Long) fields.get("seq"));
        }
        assertThat(seqs).as("every line once, the segment's first").containsExactlyElementsOf(
                LongStream.range(0, 1000).boxed().toList());
    }
}
