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
        TarMembers.add(tar, "var/log/erlmcp/application.log", Files.readAllBytes(active));
        TarMembers.add(tar, "var/log/erlmcp/application.log.1.gz", gz.toByteArray());
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
                            + " invalid_utf8_repaired=0 dropped_by_filters=0 unrouted=0 stage_errors=0 corrupt_segments=0 cut_lines_dropped=0"
                            + " unreadable_files=0 long_lines_skipped=0 multiline_records_split=0 time=")
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
                    .contains("Z [WARN] ReplayCommand - Records matched no output's Match and were dropped, as the live agent drops them.")
                    .contains("Z [INFO] Agent - ferry started.")
                    .contains("unrouted=5000\n")
                    .contains("result=complete");
        }
    }

    private byte[] logLines(long first, int count) throws IOException {
        Path p = dir.resolve("lines-" + first + ".tmp");
        ErlmcpLogWriter.append(p, first, count);
        byte[] data = Files.readAllBytes(p);
        Files.delete(p);
        return data;
    }

    @SafeVarargs
    private Path tarFile(String name, Map<String, byte[]>... members) throws IOException {
        Path archive = dir.resolve(name);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
            for (Map<String, byte[]> m : members) {
                for (Map.Entry<String, byte[]> e : m.entrySet()) {
                    TarMembers.add(tar, e.getKey(), e.getValue());
                }
            }
        }
        return archive;
    }

    @Test
    void damagedUnsupportedAndEmptyPathsAreReportedAndEveryOtherFileIsStillReplayedOnce() throws Exception {
        // a tar cut inside its second member: the first whole, the second up to the cut
        byte[] a = logLines(1000, 200);
        Path whole = tarFile("whole.tar", Map.of("a.log", a), Map.of("b.log", logLines(2000, 1000)));
        long cut = 512 + (a.length + 511) / 512 * 512 + 512 + 100_000;
        Path broken = dir.resolve("broken.tar");
        Files.write(broken, java.util.Arrays.copyOf(Files.readAllBytes(whole), (int) cut));
        Files.delete(whole);
        // a directory: a log, and a symbolic link to nowhere
        Path capture = Files.createDirectories(dir.resolve("capture"));
        Files.write(capture.resolve("application.log"), logLines(0, 500));
        Files.createSymbolicLink(capture.resolve("dangling.log"), Path.of("/nonexistent/dangling.log"));
        // xz data, whatever its name; a tar inside a tar; a name twice in a tar; an empty directory
        Path xz = Files.write(dir.resolve("application.log.2"), new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 0, 4,
                (byte) 0xe6, (byte) 0xd6, 0x2d, 0x6c});
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(new GZIPOutputStream(inner))) {
            TarMembers.add(t, "inner.log", logLines(9000, 10));
        }
        Path nested = tarFile("nested.tar", Map.of("inner.tar.gz", inner.toByteArray()), Map.of("ok.log", logLines(3000, 100)));
        Path dup = tarFile("dup.tar", Map.of("x.log", logLines(4000, 10)), Map.of("x.log", logLines(4010, 10)));
        Path empty = Files.createDirectories(dir.resolve("empty"));

        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "replay", "-c", config().toString(), "--dry-run",
                broken.toString(), capture.toString(), xz.toString(), nested.toString(), dup.toString(), empty.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isEqualTo(1);
            List<Long> seqs = seqs(ferry.stdoutText());
            List<Long> expected = new ArrayList<>();
            for (long i = 1000; i < 1200; i++) {
                expected.add(i);
            }
            int fromB = (int) seqs.stream().filter(q -> q >= 2000 && q < 3000).count();
            assertThat(fromB).isGreaterThan(100).isLessThan(1000);
            for (long i = 2000; i < 2000 + fromB; i++) {
                expected.add(i);
            }
            for (long i = 0; i < 500; i++) {
                expected.add(i);
            }
            for (long i = 3000; i < 3100; i++) {
                expected.add(i);
            }
            for (long i = 4000; i < 4020; i++) {
                expected.add(i);
            }
            assertThat(seqs).containsExactlyElementsOf(expected);
            // the line the cut went through, if it is shipped, is kept whole with a parse error
            long cutLines = ferry.stdoutText().lines().filter(l -> l.contains("ferry_parse_error")).count();
            assertThat(cutLines).isLessThanOrEqualTo(1);
            String err = ferry.stderrText();
            assertThat(err).contains("Segment is corrupt or truncated; what could be read is shipped. source=" + broken
                            + " file=b.log")
                    .contains("error=Segment " + broken + "!b.log is truncated (tar): the archive ends or is damaged after")
                    .contains("A file cannot be read; it is skipped. source=" + capture + " file=dangling.log"
                            + " error=java.nio.file.NoSuchFileException: " + capture.resolve("dangling.log")
                            + ": a symbolic link to /nonexistent/dangling.log, which does not exist")
                    .contains("A file is in a format ferry does not read; none of it is shipped. source=" + xz
                            + " file=application.log.2 format=xz")
                    .contains("A file is in a format ferry does not read; none of it is shipped. source=" + nested
                            + " file=inner.tar.gz format=tar")
                    .contains("A PATH holds no log file; nothing is replayed from it. source=" + empty + " kind=directory")
                    .contains("replay summary: files=6 records_read=" + (expected.size() + cutLines))
                    .contains("corrupt_segments=1 cut_lines_dropped=").contains(" unreadable_files=4 ")
                    .contains("result=INCOMPLETE: some data could not be read");
        }
    }

    @Test
    void aSkippedLongLineFailsTheReplayUnlessSkipLongLinesIsOn() throws Exception {
        Path capture = Files.createDirectories(dir.resolve("long"));
        ErlmcpLogWriter.append(capture.resolve("application.log"), 0, 100);
        Files.writeString(capture.resolve("application.log"), "{\"detail\":\"" + "x".repeat(40_000) + "\"}\n",
                java.nio.file.StandardOpenOption.APPEND);
        ErlmcpLogWriter.append(capture.resolve("application.log"), 100, 100);
        for (String skip : List.of("Off", "On")) {
            Path conf = dir.resolve("long-" + skip + ".conf");
            Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /var/log/erlmcp/*.log\n    Parser json\n"
                    + "    Buffer_Max_Size 32k\n    Skip_Long_Lines " + skip + "\n[OUTPUT]\n    Name null\n    Match *\n");
            try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "replay", "-c", conf.toString(), capture.toString())) {
                int exit = ferry.waitFor(Duration.ofSeconds(60));
                String err = ferry.stderrText();
                assertThat(err).as(skip).contains("records_read=200 delivered=200 dead_lettered=0")
                        .contains(" long_lines_skipped=1 ");
                if (skip.equals("On")) {
                    // Skip_Long_Lines On: the user accepts that such lines are skipped (counted, logged at WARN).
                    assertThat(exit).as(err).isZero();
                    assertThat(err).contains("result=complete");
                } else {
                    assertThat(exit).as(err).isEqualTo(1);
                    assertThat(err).contains("result=INCOMPLETE: some data could not be read");
                }
            }
        }
    }
}
