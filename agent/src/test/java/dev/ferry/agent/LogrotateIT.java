package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ferry.jar} following a real logrotate (Debian's {@code logrotate}) with {@code create},
 * {@code compress} and {@code delaycompress}, and an application that is not told of rotations: it holds its
 * descriptor and writes on to the rotated file after ferry let it go (Rotate_Wait passed without new data), and the
 * next rotation compresses that file before ferry looks at the siblings again (Refresh_Interval 60). Every line
 * arrives once; the late ones come from the compressed copy and are counted in {@code late_writes}.
 *
 * <p>Without {@code logrotate} installed the test is skipped, unless {@code CI=true} (as {@code .ci/run} sets,
 * which installs it): then it fails.
 */
class LogrotateIT {

    @TempDir
    Path dir;

    @Test
    void linesWrittenOnToARotatedFileThatLogrotateCompressesBeforeTheNextLookArriveOnce() throws Exception {
        Path logrotate = requireLogrotate();
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path app = logs.resolve("app.log");
        Path db = dir.resolve("tail.db");
        Path rotateConf = write("logrotate.conf", app + " {\n    rotate 5\n    compress\n    delaycompress\n"
                + "    create\n    missingok\n}\n");
        Path conf = write("ferry.conf", "[SERVICE]\n    Flush 1\n\n[INPUT]\n    Name tail\n    Path " + app
                + "\n    Read_from_Head On\n    DB " + db + "\n    Rotate_Wait 2\n"
                + "    Refresh_Interval 60\n\n[OUTPUT]\n    Name file\n    Match *\n    Path " + out
                + "\n    File out\n    Format plain\n");
        Path outFile = out.resolve("out");

        String err;
        try (OutputStream writer = Files.newOutputStream(app, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
            writer.write(lines(1, 100));
            writer.flush();
            FerryProcess.await(Duration.ofSeconds(30), () -> FerryProcess.lineCount(outFile) == 100,
                    ferry::stderrText);

            rotate(logrotate, rotateConf);                        // app.log -> app.log.1, a new app.log
            Files.write(app, lines(101, 150), StandardOpenOption.APPEND); // another writer opens by path
            // Rotate_Wait passes, app.log.1 is let go, and once its lines are acknowledged it is done (in the DB)
            FerryProcess.await(Duration.ofSeconds(30), () -> FerryProcess.lineCount(outFile) == 150
                    && Files.exists(db) && Files.readString(db).contains("\tdone\t"), ferry::stderrText);

            writer.write(lines(151, 160));                       // the first writer writes on, into app.log.1
            writer.flush();
            rotate(logrotate, rotateConf);                        // app.log.1 -> app.log.2.gz, app.log -> app.log.1
            Files.write(app, lines(161, 170), StandardOpenOption.APPEND);
            FerryProcess.await(Duration.ofSeconds(30), () -> FerryProcess.lineCount(outFile) == 170,
                    ferry::stderrText);
            assertThat(ferry.terminate(Duration.ofSeconds(30))).as(ferry.stderrText()).isZero();
            err = ferry.stderrText();
        }
        assertThat(Files.exists(logs.resolve("app.log.2.gz"))).as("logrotate compressed app.log.1").isTrue();
        List<String> expected = new ArrayList<>();
        IntStream.rangeClosed(1, 170).forEach(i -> expected.add(line(i)));
        assertThat(FerryProcess.records(outFile).stream().map(r -> (String) r.get("log")).toList()).as(err)
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(err).contains("Reading on from where it was left, in the compressed copy made since; raise "
                + "Rotate_Wait, or have the writer reopen its file at rotation. path=" + logs.resolve("app.log.2.gz")
                + " family=" + app + " offset=1100");
        assertThat(err).contains("late_writes=1");
    }

    private static Path requireLogrotate() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "logrotate"))) {
                return Path.of(d, "logrotate");
            }
        }
        String missing = "logrotate is not installed (apt-get install -y logrotate)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(missing + ", and CI=true requires it");
        }
        Assumptions.abort(missing + "; the logrotate test is skipped");
        return null;
    }

    private void rotate(Path logrotate, Path conf) throws Exception {
        Process p = new ProcessBuilder(logrotate.toString(), "-f", "-s", dir.resolve("logrotate.state").toString(),
                conf.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("logrotate finished").isTrue();
        assertThat(p.exitValue()).as("logrotate: " + output).isZero();
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static String line(int i) {
        return String.format("line-%05d", i);
    }

    private static byte[] lines(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i <= to; i++) {
            b.append(line(i)).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
