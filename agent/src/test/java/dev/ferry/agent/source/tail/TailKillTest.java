package dev.ferry.agent.source.tail;

import static dev.ferry.agent.source.tail.TailTestSupport.append;
import static dev.ferry.agent.source.tail.TailTestSupport.await;
import static dev.ferry.agent.source.tail.TailTestSupport.numbered;
import static dev.ferry.agent.source.tail.TailTestSupport.numberedList;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a tailing JVM with {@code kill -9} once its DB holds every acknowledged line, appends, starts it
 * again, and checks that the output holds every line exactly once.
 */
class TailKillTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private Process launch(int run) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), TailChildMain.class.getName(),
                dir.resolve("in").toString(), dir.resolve("pos.db").toString(), dir.resolve("out.txt").toString());
        pb.redirectOutput(dir.resolve("child-" + run + ".out").toFile());
        pb.redirectError(dir.resolve("child-" + run + ".err").toFile());
        Process p = pb.start();
        children.add(p);
        return p;
    }

    private List<String> output() {
        try {
            Path out = dir.resolve("out.txt");
            return Files.exists(out) ? Files.readAllLines(out) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the DB holds, for every input file, an offset at its end. */
    private boolean dbCoversEverything() {
        try {
            List<PositionDb.Entry> entries = new PositionDb(dir.resolve("pos.db"), TailConfig.DbSync.OFF).load();
            if (entries == null) {
                return false;
            }
            try (var files = Files.list(dir.resolve("in"))) {
                for (Path f : files.toList()) {
                    long size = Files.size(f);
                    if (entries.stream().noneMatch(e -> e.path().equals(f.toString()) && e.offset() == size)) {
                        return false;
                    }
                }
            }
            return true;
        } catch (IOException e) {
            return false; // caught between a write and its rename: look again
        }
    }

    @Test
    void afterKill9AndRestartEveryLineIsDeliveredExactlyOnce() throws Exception {
        Files.createDirectories(dir.resolve("in"));
        append(dir.resolve("in/app.log"), numbered("app", 1, 200));
        Process first = launch(1);
        await("the first 200 lines delivered", TIMEOUT, () -> output().size() == 200);
        await("the DB to hold them", TIMEOUT, this::dbCoversEverything);

        first.destroyForcibly();
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        append(dir.resolve("in/app.log"), numbered("app", 201, 300) + "app-partial");
        append(dir.resolve("in/other.log"), numbered("other", 1, 50));
        Process second = launch(2);
        await("the rest delivered", TIMEOUT, () -> output().size() == 350);

        List<String> expected = new ArrayList<>(numberedList("app", 1, 300));
        expected.addAll(numberedList("other", 1, 50));
        assertThat(output()).containsExactlyInAnyOrderElementsOf(expected);

        // The unfinished last line was neither delivered nor acknowledged: after another kill -9 and
        // its newline, it is read whole.
        await("the DB to hold the other file", TIMEOUT, () -> dbHolds("other.log", 50 * 12));
        second.destroyForcibly();
        assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
        append(dir.resolve("in/app.log"), "-completed\n");
        launch(3);
        await("the completed line delivered", TIMEOUT, () -> output().size() == 351);

        expected.add("app-partial-completed");
        assertThat(output()).containsExactlyInAnyOrderElementsOf(expected);
    }

    private boolean dbHolds(String name, long offset) {
        try {
            List<PositionDb.Entry> entries = new PositionDb(dir.resolve("pos.db"), TailConfig.DbSync.OFF).load();
            return entries != null && entries.stream()
                    .anyMatch(e -> e.path().endsWith("/" + name) && e.offset() == offset);
        } catch (IOException e) {
            return false;
        }
    }
}
