package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdOutputStream;
import dev.ferry.pipeline.record.JsonValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry replay} of real archives (tar.zst, tgz) holding an OTP-rotated file family, run through the
 * real jar: every line once, oldest segment first, exit code and summary as an operator sees them.
 */
class ReplayIT {

    @TempDir
    Path dir;

    /** application.log.1.gz (seq 0..2999, the older segment) and application.log (seq 3000..4999). */
    private void writeFamily(TarArchiveOutputStream tar) throws IOException {
        Path older = dir.resolve("older.log");
        ErlmcpLogWriter.append(older, 0, 3000);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(Files.readAllBytes(older));
        }
        Path active = dir.resolve("active.log");
        ErlmcpLogWriter.append(active, 3000, 2000);
        // The active file first: replay must still order the family oldest first.
        add(tar, "var/log/erlmcp/application.log", Files.readAllBytes(active));
        add(tar, "var/log/erlmcp/application.log.1.gz", gz.toByteArray());
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private Path config() throws IOException {
        Path conf = dir.resolve("replay.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /var/log/erlmcp/*.log\n    Parser json\n    Tag erlmcp.*\n"
                + "[FILTER]\n    Name modify\n    Match erlmcp.*\n    Add cluster erlmcp-prod\n"
                + "[OUTPUT]\n    Name null\n    Match *\n");
        return conf;
    }

    private static List<Long> seqs(String stdout) {
        List<Long> out = new ArrayList<>();
        for (String line : stdout.lines().toList()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) JsonValues.parse(line);
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) r.get("fields");
            assertThat(r).containsEntry("cluster", "erlmcp-prod");
            out.add((Long) fields.get("seq"));
        }
        return out;
    }

    @Test
    void aTarZstOfARotatedFamilyIsReplayedOldestFirstEveryLineOnce() throws Exception {
        Path archive = dir.resolve("logs.tar.zst");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new ZstdOutputStream(Files.newOutputStream(archive)))) {
            writeFamily(tar);
        }
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "replay", "-c", config().toString(), "--dry-run",
                archive.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
            List<Long> seqs = seqs(ferry.stdoutText());
            assertThat(seqs).hasSize(5000);
            for (int i = 0; i < 5000; i++) {
                assertThat(seqs.get(i)).isEqualTo(i);
            }
            assertThat(ferry.stderrText()).contains("replay: 100%")
                    .contains("replay summary: files=2 records_read=5000 delivered=5000 dead_lettered=0")
                    .contains("result=complete");
        }
    }

    @Test
    void aTruncatedSegmentShipsWhatCanBeReadAndExitsOne() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("capture"));
        Path plain = dir.resolve("plain.log");
        ErlmcpLogWriter.append(plain, 0, 4000);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(Files.readAllBytes(plain));
        }
        byte[] whole = gz.toByteArray();
        Files.write(logs.resolve("application.log.1.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "replay", "-c", config().toString(), "--dry-run",
                logs.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
            // The line the cut went through is a fragment: not shipped (under the whole line's offset it would
            // take its Elasticsearch id), counted and logged. Every line shipped is whole, in order.
            assertThat(ferry.stdoutText()).doesNotContain("ferry_parse_error");
            List<Long> seqs = seqs(ferry.stdoutText());
            assertThat(seqs).isNotEmpty().hasSizeLessThan(4000);
            for (int i = 0; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).isEqualTo(i);
            }
            assertThat(ferry.stderrText()).contains("Segment is corrupt or truncated; what could be read is shipped.")
                    .contains("file=application.log.1.gz")
                    .contains("The last line read from a segment that ends in a cut is incomplete; it is not shipped")
                    .contains("records_read=" + seqs.size() + " delivered=" + seqs.size() + " dead_lettered=0")
                    .contains("corrupt_segments=1 cut_lines_dropped=1")
                    .contains("result=INCOMPLETE: some data could not be read");
        }
    }

    @Test
    void recordsDeadLetteredMakeTheReplayFailWithResultDeadLettered() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("capture"));
        ErlmcpLogWriter.append(logs.resolve("application.log"), 0, 300);
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: every request is refused
        }
        Path conf = dir.resolve("es.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /var/log/erlmcp/*.log\n    Parser json\n    Tag erlmcp.*\n"
                + "[OUTPUT]\n    Name es\n    Match *\n    Host 127.0.0.1\n    Port " + closedPort + "\n");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "replay", "-c", conf.toString(), logs.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(120))).as(ferry.stderrText()).isEqualTo(1);
            assertThat(ferry.stderrText())
                    .contains("replay summary: files=1 records_read=300 delivered=0 dead_lettered=300 parse_errors_kept_whole=0"
                            + " dropped_by_filters=0 unrouted=0 stage_errors=0 corrupt_segments=0 cut_lines_dropped=0"
                            + " unreadable_files=0 long_lines_skipped=0 time=")
                    .contains("result=dead_lettered: some records did not reach their destination");
        }
    }

    @Test
    void recordsNoOutputMatchesAreCountedAndWarnedAbout() throws Exception {
        Path archive = dir.resolve("logs.tar.zst");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new ZstdOutputStream(Files.newOutputStream(archive)))) {
            writeFamily(tar);
        }
        // The rotated segment is tagged as the active file: a Match on that tag takes both files.
        Path conf = dir.resolve("match.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /var/log/erlmcp/*.log\n    Parser json\n    Tag erlmcp.*\n"
                + "[OUTPUT]\n    Name stdout\n    Match erlmcp.var.log.erlmcp.application.log\n    Format json_lines\n"
                + "[OUTPUT]\n    Name null\n    Match nothing.matches.this\n");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "replay", "-c", conf.toString(), archive.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
            assertThat(ferry.stdoutText().lines()).hasSize(5000);
            assertThat(ferry.stderrText()).contains("records_read=5000 delivered=5000 dead_lettered=0")
                    .contains(" unrouted=0 ").doesNotContain("matched no output").contains("result=complete");
        }
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /var/log/erlmcp/*.log\n    Parser json\n    Tag erlmcp.*\n"
                + "[OUTPUT]\n    Name null\n    Match erlmcp.var.log.erlmcp.application.log.1.gz\n");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "replay", "-c", conf.toString(), archive.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
            assertThat(ferry.stderrText()).contains("records_read=5000 delivered=0 dead_lettered=0")
                    .contains(" unrouted=5000 ")
                    .contains("Records matched no output's Match and were dropped, as the live agent drops them.")
                    .contains("unrouted=5000\n")
                    .contains("result=complete");
        }
    }
}
