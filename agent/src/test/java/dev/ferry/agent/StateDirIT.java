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
 * The real {@code ferry.jar} on a configuration written the way the users' Fluent Bit one is: a tail input
 * without {@code DB} or {@code Read_from_Head}. With {@code FERRY_STATE_DIR} set, as the packaged image and
 * service set it, the input keeps its read positions there, so lines written while ferry was stopped are
 * delivered at the next start, each once. Without it (Fluent Bit's behaviour, and ferry's before) the next
 * start begins at the end of the file and those lines are lost.
 */
class StateDirIT {

    @TempDir
    Path dir;

    @Test
    void withAStateDirectoryLinesWrittenWhileFerryWasStoppedAreDeliveredOnceAtTheNextStart() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path state = dir.resolve("state"); // does not exist yet: ferry creates it
        Path app = logs.resolve("app.log");
        ErlmcpLogWriter.append(app, 0, 100); // there before the first start: read from the end, so not shipped
        Path conf = dir.resolve("fluent-bit.conf");
        Files.writeString(conf, "[SERVICE]\n    Flush 1\n\n[INPUT]\n    Name tail\n    Path " + logs + "/*.log\n"
                + "    Parser json\n    Refresh_Interval 1\n\n[OUTPUT]\n    Name file\n    Match *\n    Path " + out
                + "\n    File out\n    Format plain\n");
        Map<String, String> env = Map.of("FERRY_STATE_DIR", state.toString());

        try (FerryProcess ferry = FerryProcess.start(dir, env, "-c", conf.toString())) {
            ferry.awaitLog("Reading file. path=" + app, Duration.ofSeconds(30));
            ErlmcpLogWriter.append(app, 100, 100);
            FerryProcess.await(Duration.ofSeconds(30), () -> FerryProcess.lineCount(out.resolve("out")) == 100,
                    ferry::stderrText);
            assertThat(ferry.terminate(Duration.ofSeconds(30))).as(ferry.stderrText()).isZero();
            assertThat(ferry.stderrText()).contains("db=" + state.resolve("tail.0.db"));
        }
        assertThat(state.resolve("tail.0.db")).isRegularFile();
        assertThat(state.resolve("ferry-spool")).isDirectory();

        ErlmcpLogWriter.append(app, 200, 100); // while ferry is stopped

        try (FerryProcess ferry = FerryProcess.start(dir, env, "-c", conf.toString())) {
            FerryProcess.await(Duration.ofSeconds(30), () -> FerryProcess.lineCount(out.resolve("out")) >= 200,
                    ferry::stderrText);
            Thread.sleep(1_500); // a second flush, in case anything were read twice
            assertThat(ferry.terminate(Duration.ofSeconds(30))).as(ferry.stderrText()).isZero();
        }
        assertThat(FerryProcess.seqs(out.resolve("out"))).as("lines 100-299, each once, in order")
                .containsExactlyElementsOf(LongStream.range(100, 300).boxed().toList());
    }
}
