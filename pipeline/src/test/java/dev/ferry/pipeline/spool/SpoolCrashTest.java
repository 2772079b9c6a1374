package dev.ferry.pipeline.spool;

import static dev.ferry.pipeline.spool.WriteThrough.writeThrough;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool after its writer was killed with SIGKILL: nothing acknowledged is lost, nothing read twice. */
class SpoolCrashTest {

    @TempDir
    Path dir;

    @Test
    void everyEntryWhoseFlushReturnedIsReadExactlyOnceAfterTheCommittedPosition() throws Exception {
        long lastReported;
        try (ChildJvm child = ChildJvm.start(List.of("-Dchronicle.analytics.disable=true"), e -> true,
                SpoolChildMain.class, "stream", dir.toString())) {
            assertThat(child.awaitLine(l -> l.equals("appended 600"), 60, TimeUnit.SECONDS))
                    .as("child stderr: %s", child.stderr()).isNotNull();
            assertThat(child.awaitLine(l -> l.startsWith("committed "), 30, TimeUnit.SECONDS)).isNotNull();
            child.kill();
            lastReported = child.lines().stream().filter(l -> l.startsWith("appended "))
                    .mapToLong(l -> Long.parseLong(l.substring(9))).max().orElseThrow();
        }

        try (Spool spool = writeThrough(Spool.open(new SpoolConfig(dir, SpoolSync.FULL, 0)))) {
            SpoolReader reader = spool.reader("out", 0);
            long committed = reader.committedSequence();
            assertThat(committed).as("the reader committed in the child").isPositive();
            List<Long> read = new ArrayList<>();
            for (SpoolEntry e = reader.next(); e != null; e = reader.next()) {
                assertThat(e.jsonString()).startsWith("{\"seq\":" + e.sequence() + ",");
                assertThat(e.originId()).isEqualTo("fp-crash-0");
                read.add(e.sequence());
            }
            assertThat(read).as("resumes right after the commit").first().isEqualTo(committed);
            for (int i = 1; i < read.size(); i++) {
                assertThat(read.get(i)).as("no gap and no repeat at %d", i).isEqualTo(read.get(i - 1) + 1);
            }
            assertThat(read.get(read.size() - 1)).as("every reported append is there").isGreaterThanOrEqualTo(lastReported);
            long next = spool.writer().nextSequence();
            assertThat(next).isEqualTo(read.get(read.size() - 1) + 1);

            byte[] json = "{\"after\":\"restart\"}".getBytes(StandardCharsets.UTF_8);
            assertThat(spool.writer().append(json, 0, json.length, "t", 0, false, null, 0, 0)).isEqualTo(next);
            spool.writer().flush();
            assertThat(reader.next().jsonString()).isEqualTo("{\"after\":\"restart\"}");
        }
    }

    @Test
    void aHalfWrittenLastEntryIsNeitherReadNorInTheWayOfNewEntries() throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of("-Dchronicle.analytics.disable=true"), e -> true,
                SpoolChildMain.class, "partial", dir.toString(), "20")) {
            assertThat(child.awaitLine(l -> l.equals("partial"), 60, TimeUnit.SECONDS))
                    .as("child stderr: %s", child.stderr()).isNotNull();
            child.kill();
        }
        try (Spool spool = writeThrough(Spool.open(new SpoolConfig(dir, SpoolSync.FULL, 0)))) {
            SpoolReader reader = spool.reader("out", 0);
            assertThat(spool.writer().nextSequence()).isEqualTo(20);
            List<Long> read = new ArrayList<>();
            for (SpoolEntry e = reader.next(); e != null; e = reader.next()) {
                read.add(e.sequence());
            }
            assertThat(read).hasSize(20).first().isEqualTo(0L);
            byte[] json = "{\"after\":\"restart\"}".getBytes(StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            spool.writer().append(json, 0, json.length, "t", 0, false, null, 0, 0);
            spool.writer().flush();
            long appendMillis = (System.nanoTime() - t0) / 1_000_000;
            SpoolEntry e = reader.next();
            assertThat(e).as("new entry readable after the half-written one (append took %d ms)", appendMillis)
                    .isNotNull();
            assertThat(e.jsonString()).isEqualTo("{\"after\":\"restart\"}");
            assertThat(e.sequence()).isEqualTo(20);
        }
    }
}
