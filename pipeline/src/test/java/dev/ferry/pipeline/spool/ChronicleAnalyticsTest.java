package dev.ferry.pipeline.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ferry must never phone home: with {@code chronicle.analytics.disable=true} (which the agent's main sets
 * before any Chronicle class loads) a JVM that appends to a spool leaves nothing in its home directory.
 *
 * <p>The child runs without JUnit on its class path, because Chronicle's analytics stays quiet by itself
 * when it finds JUnit; the second test shows that without the property this child does write
 * {@code ~/.chronicle.analytics.client.id} (and {@code .chronicle.analytics.last}), so the first one can fail.
 */
class ChronicleAnalyticsTest {

    private static final String CLIENT_ID = ".chronicle.analytics.client.id";
    private static final Predicate<String> NO_JUNIT = e -> !Path.of(e).getFileName().toString().contains("junit");

    @TempDir
    Path home;

    @TempDir
    Path spool;

    @Test
    void withAnalyticsDisabledNothingIsWrittenToTheHomeDirectory() throws Exception {
        ChildJvm child = run("-Dchronicle.analytics.disable=true");
        assertThat(child.lines()).as("stderr: %s", child.stderr()).contains("done");
        // JNA (under Chronicle's posix layer) creates the empty directory ~/.cache/JNA/temp to unpack its
        // native library into and deletes the library again; no file stays behind.
        assertThat(filesIn(home)).isEmpty();
    }

    @Test
    void withoutThePropertyChronicleWritesItsClientIdThere() throws Exception {
        ChildJvm child = run("-Dferry.test=analytics-enabled");
        assertThat(child.lines()).as("stderr: %s", child.stderr()).contains("done");
        assertThat(filesIn(home)).contains(CLIENT_ID);
    }

    private ChildJvm run(String property) throws Exception {
        ChildJvm child = ChildJvm.start(List.of(property, "-Duser.home=" + home), NO_JUNIT, SpoolChildMain.class,
                "append", spool.toString(), "100");
        try {
            assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("child exits").isTrue();
        } finally {
            child.close();
        }
        assertThat(child.exitValue()).as("stderr: %s", child.stderr()).isZero();
        return child;
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).toList();
        }
    }
}
