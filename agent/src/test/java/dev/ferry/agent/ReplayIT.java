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
            if (r.containsKey("ferry_parse_error")) {
                continue; // a line cut by a truncated segment: kept whole, checked by the test itself
            }
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
                    .contains("replay summary: files=2 records_read=5000 delivered_or_dead_lettered=5000")
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
            List<String> out = ferry.stdoutText().lines().toList();
            // The line the cut went through is not lost either: it is the last record, kept whole with the reason.
            assertThat(out.get(out.size() - 1)).startsWith("{\"date\":").contains("\"ferry_parse_error\":\"invalid JSON at byte");
            assertThat(out.stream().filter(l -> l.contains("ferry_parse_error"))).hasSize(1);
            List<Long> seqs = seqs(ferry.stdoutText());
            assertThat(seqs).isNotEmpty().hasSizeLessThan(4000);
            for (int i = 0; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).isEqualTo(i);
            }
            assertThat(ferry.stderrText()).contains("Segment is corrupt or truncated; what could be read is shipped.")
                    .contains("file=application.log.1.gz")
                    .contains("corrupt_segments=1")
                    .contains("result=INCOMPLETE: some data could not be read");
        }
    }
}
