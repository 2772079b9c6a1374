package dev.ferry.agent.source.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.agent.source.segment.RotationName.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatedSiblingsTest {

    @TempDir
    Path dir;

    private long clock = 1_700_000_000_000L;

    /** Creates files in the order given, each one second newer than the one before. */
    private void touch(String... names) throws IOException {
        for (String n : names) {
            Path p = Files.write(dir.resolve(n), n.getBytes());
            Files.setLastModifiedTime(p, FileTime.fromMillis(clock += 1000));
        }
    }

    private List<String> names(RotatedSiblings s, String watched) throws IOException {
        return s.list(dir.resolve(watched)).stream().map(x -> x.path().getFileName().toString()).toList();
    }

    @Test
    void namesAreParsed() {
        assertThat(RotationName.parse("application.log")).isEqualTo(
                new RotationName("application.log", "application.log", Kind.ACTIVE, -1, "", ""));
        assertThat(RotationName.parse("application.log.3.gz")).isEqualTo(
                new RotationName("application.log.3.gz", "application.log", Kind.NUMBERED, 3, "", "gz"));
        assertThat(RotationName.parse("application.log-2024-01-02.zst")).isEqualTo(
                new RotationName("application.log-2024-01-02.zst", "application.log", Kind.DATED, -1, "20240102", "zst"));
        assertThat(RotationName.parse("application.log-20240101-1704067200").dateKey()).isEqualTo("202401011704067200");
        assertThat(RotationName.parse("application.log.2024-01-01T10:00:00").dateKey()).isEqualTo("20240101100000");
        assertThat(RotationName.parse("node1.log").kind()).isEqualTo(Kind.ACTIVE);
        assertThat(RotationName.parse("node1.log.12").base()).isEqualTo("node1.log");
        assertThat(RotationName.parse("app.log.99999999").kind()).isEqualTo(Kind.NUMBERED);
        assertThat(RotationName.parse("app.log.1.bz2").kind()).isEqualTo(Kind.ACTIVE);
    }

    @Test
    void otpCompressOnRotateOrderIsHighestNumberFirst() throws IOException {
        // logger_std_h shifts .0.gz -> .1.gz -> .2.gz; the newest rotated file is .0 (or .0.gz)
        touch("application.log.2.gz", "application.log.1.gz", "application.log.0", "application.log.0.gz",
                "application.log", "application.log.10.gz", "other.log.1", "application.log.bak", "application.log.1.bz2");
        // .10.gz is older than .2.gz by its number, whatever its mtime
        assertThat(names(RotatedSiblings.defaults(), "application.log")).containsExactly("application.log.10.gz",
                "application.log.2.gz", "application.log.1.gz", "application.log.0", "application.log.0.gz");
    }

    @Test
    void logrotateDatesOldestFirst() throws IOException {
        touch("app.log-20240103.gz", "app.log-20240101.gz", "app.log-2024-01-02", "app.log-20240103-1704300000.zst",
                "app.log");
        assertThat(names(RotatedSiblings.defaults(), "app.log")).containsExactly("app.log-20240101.gz",
                "app.log-2024-01-02", "app.log-20240103.gz", "app.log-20240103-1704300000.zst");
    }

    @Test
    void mixedFormsFallBackToModificationTime() throws IOException {
        touch("app.log.1.gz", "app.log-20240101", "app.log.2");
        assertThat(names(RotatedSiblings.defaults(), "app.log")).containsExactly("app.log.1.gz", "app.log-20240101",
                "app.log.2");
    }

    @Test
    void configuredPatternsFindDateBeforeExtension() throws IOException {
        touch("app-2024-01-02.log.gz", "app-2024-01-01.log", "app.log", "app.log.1");
        RotatedSiblings s = RotatedSiblings.parse("app-*.log*");
        assertThat(names(s, "app.log")).containsExactly("app-2024-01-01.log", "app-2024-01-02.log.gz");
        assertThat(names(RotatedSiblings.parse(" ${name}.* , app-*.log "), "app.log"))
                .containsExactly("app-2024-01-01.log", "app.log.1");
    }

    @Test
    void patternValidation() {
        assertThatThrownBy(() -> RotatedSiblings.parse("logs/${name}.*")).hasMessage(
                "Rotated_Path pattern 'logs/${name}.*' contains '/': patterns name files in the watched file's directory");
        assertThatThrownBy(() -> RotatedSiblings.parse("${name}.*,")).hasMessage("Rotated_Path has an empty pattern");
        assertThatThrownBy(() -> RotatedSiblings.of(List.of())).hasMessage("Rotated_Path needs at least one pattern");
        assertThatThrownBy(() -> RotatedSiblings.parse("${name}.[0-9")).hasMessageStartingWith(
                "Rotated_Path pattern '${name}.[0-9' is not a valid glob: ");
    }

    @Test
    void globCharactersInTheFileNameAreLiteral() throws IOException {
        touch("a[1].log.1", "a1.log.1");
        assertThat(names(RotatedSiblings.defaults(), "a[1].log")).containsExactly("a[1].log.1");
    }

    @Test
    void missingDirectoryIsEmpty() throws IOException {
        assertThat(RotatedSiblings.defaults().list(dir.resolve("nope/app.log"))).isEmpty();
    }

    /** Files written by OTP 25's logger_disk_log_h (type wrap, 4 files of 2000 bytes); see seggen.erl. */
    @Test
    void otpDiskLogWrapFilesAreOrderedByTheIndex() throws IOException {
        Path wrap = Path.of("src/test/resources/segment/otp/wrap/wrap.log");
        DiskLogWrapIndex idx = DiskLogWrapIndex.read(wrap);
        assertThat(idx.currentFile()).isEqualTo(3);
        assertThat(idx.maxFiles()).isEqualTo(4);
        assertThat(idx.maxBytes()).isEqualTo(2000);
        assertThat(idx.itemCounts()).containsExactly(28, 28, 20, 28);
        assertThat(idx.oldestFirst()).containsExactly(4, 1, 2, 3);

        List<RotatedSiblings.Sibling> s = RotatedSiblings.defaults().list(wrap);
        assertThat(s).extracting(x -> x.path().getFileName().toString())
                .containsExactly("wrap.log.4", "wrap.log.1", "wrap.log.2", "wrap.log.3");
        assertThat(s).extracting(RotatedSiblings.Sibling::active).containsExactly(false, false, false, true);
        // logger_disk_log_h writes the external format: plain text, in order across the ring
        StringBuilder all = new StringBuilder();
        for (RotatedSiblings.Sibling x : s) {
            try (SegmentReader r = SegmentReaderFactory.open(x.path())) {
                assertThat(r.format()).isEqualTo(SegmentFormat.PLAIN);
                all.append(new String(SegmentFiles.readAll(r).data()));
            }
        }
        List<String> lines = all.toString().lines().toList();
        assertThat(lines).hasSize(28 + 28 + 28 + 20);
        assertThat(lines.get(0)).startsWith("line 0197 ");
        assertThat(lines.get(lines.size() - 1)).startsWith("line 0300 ");
    }

    @Test
    void diskLogIndexVersionsParse() throws IOException {
        byte[] v1 = {0, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 7};
        assertThat(DiskLogWrapIndex.parse("v1", v1, new byte[] {0, 0, 0x10, 0, 0, 0, 0, 3}))
                .isEqualTo(new DiskLogWrapIndex(2, 3, 4096, new long[] {5, 7}));
        byte[] v0 = {1, 0, 0, 0, 9};
        assertThat(DiskLogWrapIndex.parse("v0", v0, null)).isEqualTo(new DiskLogWrapIndex(1, 1, -1, new long[] {9}));
        assertThatThrownBy(() -> DiskLogWrapIndex.parse("x.idx", new byte[0], null))
                .hasMessage("disk_log index x.idx is empty or not a disk_log index");
    }
}
