package dev.ferry.agent.source.segment;

import static dev.ferry.agent.source.segment.SegmentFiles.concat;
import static dev.ferry.agent.source.segment.SegmentFiles.gzip;
import static dev.ferry.agent.source.segment.SegmentFiles.readAll;
import static dev.ferry.agent.source.segment.SegmentFiles.zstd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.ZstdInputStream;
import dev.ferry.agent.source.Fingerprint;
import dev.ferry.agent.source.segment.SegmentCorruptException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentReaderTest {

    /** About 2.5 MB: many deflate blocks and zstd blocks. */
    private static byte[] data;
    private static byte[] gz;
    private static byte[] zst;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeData() {
        data = SegmentFiles.lines(1, 6000);
        gz = gzip(data);
        zst = zstd(data, true);
    }

    private SegmentReader open(String name, byte[] bytes) throws IOException {
        return SegmentReaderFactory.open(SegmentFiles.write(dir, name, bytes));
    }

    @Test
    void formatIsDetectedByMagicNotBySuffix() throws IOException {
        assertThat(SegmentFormat.of(SegmentFiles.write(dir, "a.log", gz))).isEqualTo(SegmentFormat.GZIP);
        assertThat(SegmentFormat.of(SegmentFiles.write(dir, "b.log.1", zst))).isEqualTo(SegmentFormat.ZSTD);
        assertThat(SegmentFormat.of(SegmentFiles.write(dir, "c.log.gz", data))).isEqualTo(SegmentFormat.PLAIN);
        assertThat(SegmentFormat.detect(new byte[] {0x5e, 0x2a, 0x4d, 0x18}, 4)).isEqualTo(SegmentFormat.ZSTD);
        assertThat(SegmentFormat.detect(new byte[] {0x1f}, 1)).isEqualTo(SegmentFormat.PLAIN);
    }

    @Test
    void plainGzipAndZstdGiveTheSameBytes() throws IOException {
        for (var e : List.of(List.of("p.log", data), List.of("g.gz", gz), List.of("z.zst", zst))) {
            try (SegmentReader r = open((String) e.get(0), (byte[]) e.get(1))) {
                SegmentFiles.Result res = readAll(r);
                assertThat(res.error()).isNull();
                assertThat(res.data()).isEqualTo(data);
                assertThat(r.position()).isEqualTo(data.length);
                assertThat(r.compressedPosition()).isEqualTo(((byte[]) e.get(1)).length);
            }
        }
    }

    @Test
    void fingerprintIsThatOfTheUncompressedData() throws IOException {
        Path plain = SegmentFiles.write(dir, "app.log.0", data);
        Fingerprint expected;
        try (var ch = java.nio.channels.FileChannel.open(plain)) {
            expected = Fingerprint.read(ch);
        }
        assertThat(expected.complete()).isTrue();
        assertThat(SegmentFingerprint.read(plain)).isEqualTo(expected);
        assertThat(SegmentFingerprint.read(SegmentFiles.write(dir, "app.log.0.gz", gz))).isEqualTo(expected);
        assertThat(SegmentFingerprint.read(SegmentFiles.write(dir, "app.log.0.zst", zst))).isEqualTo(expected);
        // a shorter saved fingerprint (the file was young when saved) still matches the compressed segment
        Fingerprint young = Fingerprint.of(data, 300);
        assertThat(SegmentFingerprint.matches(dir.resolve("app.log.0.gz"), young)).isTrue();
        assertThat(SegmentFingerprint.matches(dir.resolve("app.log.0.zst"), Fingerprint.of(gz, 300))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"p.log", "g.gz", "z.zst"})
    void skipToContinuesAtTheUncompressedOffset(String name) throws IOException {
        byte[] bytes = name.endsWith(".gz") ? gz : name.endsWith(".zst") ? zst : data;
        long target = 1_234_567;
        try (SegmentReader r = open(name, bytes)) {
            assertThat(r.skipTo(target)).isEqualTo(target);
            assertThat(r.position()).isEqualTo(target);
            assertThat(readAll(r).data()).isEqualTo(Arrays.copyOfRange(data, (int) target, data.length));
            assertThatThrownBy(() -> r.skipTo(5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cannot skip back in " + dir.resolve(name) + ": position " + data.length
                            + " is past target 5");
        }
        try (SegmentReader r = open(name, bytes)) {
            assertThat(r.skipTo(data.length + 100L)).isEqualTo(data.length);
            assertThat(r.read(new byte[10], 0, 10)).isEqualTo(-1);
        }
    }

    @Test
    void skipReportsProgressAndStopsWhenInterrupted() throws IOException {
        List<Long> seen = new java.util.ArrayList<>();
        try (SegmentReader r = open("g.gz", gz)) {
            assertThat(Skipping.discard(r, 2_000_000, (pos, target) -> {
                assertThat(target).isEqualTo(2_000_000);
                seen.add(pos);
            }, 500_000)).isEqualTo(2_000_000);
        }
        assertThat(seen).hasSize(3).isSorted();
        assertThat(seen.get(0)).isBetween(500_000L, 600_000L);
        try (SegmentReader r = open("z.zst", zst)) {
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> r.skipTo(2_000_000)).isInstanceOf(java.io.InterruptedIOException.class)
                        .hasMessage("interrupted while skipping " + dir.resolve("z.zst")
                                + " at uncompressed offset 0 of 2000000");
            } finally {
                assertThat(Thread.interrupted()).isTrue();
            }
        }
    }

    @Test
    void emptyFileAndZeroLengthGzAreEmptyPlainSegments() throws IOException {
        for (String name : List.of("empty.log", "empty.log.1.gz", "empty.log.1.zst")) {
            Path p = SegmentFiles.write(dir, name, new byte[0]);
            try (SegmentReader r = SegmentReaderFactory.open(p)) {
                assertThat(r.format()).isEqualTo(SegmentFormat.PLAIN);
                assertThat(r.read(new byte[8], 0, 8)).isEqualTo(-1);
                assertThat(r.skipTo(10)).isEqualTo(0);
            }
            assertThat(SegmentFingerprint.read(p)).isEqualTo(Fingerprint.EMPTY);
        }
    }

    @Test
    void multiMemberGzipIsReadToTheEnd() throws IOException {
        byte[] a = Arrays.copyOfRange(data, 0, 100_000);
        byte[] b = Arrays.copyOfRange(data, 100_000, data.length);
        byte[] multi = concat(gzip(a), gzip(new byte[0]), gzip(b));
        try (GzipSegmentReader r = (GzipSegmentReader) open("m.gz", multi)) {
            assertThat(readAll(r)).satisfies(res -> {
                assertThat(res.error()).isNull();
                assertThat(res.data()).isEqualTo(data);
            });
            assertThat(r.members()).isEqualTo(3);
        }
    }

    /**
     * The reason this reader exists: GZIPInputStream looks for another member only if {@code available()}
     * says more input is there (or enough is already buffered), so on a pipe whose read ends at the
     * member boundary, later members are silently dropped.
     */
    @Test
    void gzipInputStreamDropsLaterMembersOnAPipe() throws IOException {
        byte[] first = gzip(Arrays.copyOf(data, 5000));
        byte[] multi = concat(first, gzip("two\n".getBytes()));
        assertThat(new GZIPInputStream(pipe(multi, first.length)).readAllBytes()).hasSize(5000);
        try (SegmentReader r = SegmentReaderFactory.open("pipe", pipe(multi, first.length))) {
            assertThat(readAll(r).data()).hasSize(5004).endsWith("two\n".getBytes());
        }
    }

    /** A stream like a pipe: available() is 0, and no read crosses {@code boundary}. */
    private static InputStream pipe(byte[] bytes, int boundary) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            private int pos;

            @Override
            public int available() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, pos < boundary ? Math.min(len, boundary - pos) : len);
                pos += Math.max(n, 0);
                return n;
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    @Test
    void multiFrameZstdIsReadToTheEnd() throws IOException {
        byte[] a = Arrays.copyOfRange(data, 0, 300_000);
        byte[] b = Arrays.copyOfRange(data, 300_000, data.length);
        // a skippable frame between the two, as pzstd writes
        byte[] skippable = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4};
        byte[] multi = concat(zstd(a, true), skippable, zstd(b, false));
        try (ZstdSegmentReader r = (ZstdSegmentReader) open("m.zst", multi)) {
            SegmentFiles.Result res = readAll(r);
            assertThat(res.error()).isNull();
            assertThat(res.data()).isEqualTo(data);
            assertThat(r.frames()).isEqualTo(3);
        }
    }

    @Test
    void aZstdChecksumMismatchIsReportedWithZstdsReason() throws IOException {
        byte[] z = zstd(Arrays.copyOfRange(data, 0, 1000), true);
        z[z.length - 1] ^= 1; // the frame's content checksum
        try (SegmentReader r = open("sum.zst", z)) {
            SegmentFiles.Result res = readAll(r);
            assertThat(res.error()).isInstanceOf(SegmentCorruptException.class)
                    .hasMessageContaining("is corrupt (zstd): frame 1 cannot be decoded (Restored data doesn't match"
                            + " checksum).");
        }
    }

    @Test
    void gzipPaddedWithZerosIsAcceptedGarbageIsCorrupt() throws IOException {
        try (SegmentReader r = open("pad.gz", concat(gz, new byte[512]))) {
            assertThat(readAll(r).error()).isNull();
        }
        try (SegmentReader r = open("garbage.gz", concat(gz, "garbage".getBytes()))) {
            SegmentFiles.Result res = readAll(r);
            assertThat(res.data()).isEqualTo(data);
            assertThat(res.error()).isInstanceOf(SegmentCorruptException.class)
                    .hasMessage("Segment " + dir.resolve("garbage.gz") + " is corrupt (gzip): the bytes after member 1"
                            + " are not another gzip member. uncompressed_offset=" + data.length
                            + " compressed_offset=" + (gz.length + 1));
            assertThat(((SegmentCorruptException) res.error()).reason()).isEqualTo(Reason.CORRUPT);
        }
    }

    /** Cut points: inside the header, early data, the middle, the trailer / checksum. */
    @ParameterizedTest
    @ValueSource(ints = {2, 5, 11, 40, 1000, 100_000, 300_000, -300, -8, -5, -1})
    void truncatedGzipGivesAllCompleteDataBeforeTheCut(int cut) throws IOException {
        int len = cut > 0 ? cut : gz.length + cut;
        byte[] cutGz = Arrays.copyOf(gz, len);
        try (SegmentReader r = open("t.gz", cutGz)) {
            SegmentFiles.Result res = readAll(r);
            assertTruncatedPrefix(res, r, len);
            assertThat(res.data().length).isGreaterThanOrEqualTo(jdkGunzipCount(cutGz));
            if (cut >= -8 && cut < 0) {
                assertThat(res.data()).isEqualTo(data);
                assertThat(res.error()).hasMessageContaining("the data ends inside the trailer of member 1");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 11, 40, 1000, 100_000, 200_000, -300, -4, -1})
    void truncatedZstdGivesAllCompleteDataBeforeTheCut(int cut) throws IOException {
        int len = cut > 0 ? cut : zst.length + cut;
        byte[] cutZst = Arrays.copyOf(zst, len);
        try (SegmentReader r = open("t.zst", cutZst)) {
            SegmentFiles.Result res = readAll(r);
            assertTruncatedPrefix(res, r, len);
            assertThat(res.data().length).isGreaterThanOrEqualTo(zstdInputStreamCount(cutZst));
            if (cut >= -4 && cut < 0) {
                // only the checksum is cut: every block was decoded
                assertThat(res.data()).isEqualTo(data);
            }
        }
    }

    private void assertTruncatedPrefix(SegmentFiles.Result res, SegmentReader r, int fileLen) {
        assertThat(res.error()).isInstanceOf(SegmentCorruptException.class);
        SegmentCorruptException e = (SegmentCorruptException) res.error();
        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e.uncompressedOffset()).isEqualTo(res.data().length).isEqualTo(r.position());
        assertThat(e.compressedOffset()).isEqualTo(fileLen);
        assertThat(res.data()).isEqualTo(Arrays.copyOf(data, res.data().length));
        // the failure sticks
        assertThatThrownBy(() -> r.read(new byte[1], 0, 1)).isSameAs(e);
    }

    @ParameterizedTest
    @ValueSource(strings = {"g.gz", "z.zst"})
    void aFlippedByteInTheMiddleIsReportedNotSkipped(String name) throws IOException {
        byte[] bytes = (name.endsWith(".gz") ? gz : zst).clone();
        int at = bytes.length / 2;
        bytes[at] ^= 0x5a;
        try (SegmentReader r = open(name, bytes)) {
            SegmentFiles.Result res = readAll(r);
            assertThat(res.error()).isInstanceOf(SegmentCorruptException.class);
            SegmentCorruptException e = (SegmentCorruptException) res.error();
            assertThat(e.uncompressedOffset()).isEqualTo(res.data().length);
            assertThat(e.compressedOffset()).isBetween(0L, (long) bytes.length);
            // No assertion on the bytes before the error: deflate has no per-block check, so a gzip
            // member decodes the damage into wrong bytes (here, one more than the original) until its
            // CRC fails at the end; zstd, with the frame checksum, fails on the damaged block itself.
        }
    }

    @Test
    void diskLogInternalFormatIsRefused() throws IOException {
        Path p = Path.of("src/test/resources/segment/otp/internal/internal.log.1");
        assertThat(SegmentFormat.of(p)).isEqualTo(SegmentFormat.DISK_LOG);
        assertThatThrownBy(() -> SegmentReaderFactory.open(p)).isInstanceOf(UnsupportedSegmentException.class)
                .hasMessage("Segment " + p + " is an Erlang disk_log file in the internal format (terms, not text),"
                        + " which ferry does not read; log with logger_disk_log_h (always external format) or"
                        + " logger_std_h instead");
    }

    @Test
    void compressionsAndArchivesFerryDoesNotReadAreRefusedByTheirFirstBytesNotTheirNames() throws IOException {
        Map<SegmentFormat, byte[]> heads = new LinkedHashMap<>();
        heads.put(SegmentFormat.XZ, new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 0, 4, (byte) 0xe6, (byte) 0xd6});
        heads.put(SegmentFormat.BZIP2, "BZh91AY&SY".getBytes(StandardCharsets.US_ASCII));
        heads.put(SegmentFormat.ZIP, new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0});
        heads.put(SegmentFormat.SEVEN_ZIP, new byte[] {'7', 'z', (byte) 0xbc, (byte) 0xaf, 0x27, 0x1c, 0, 4, 1, 2});
        heads.put(SegmentFormat.LZ4, new byte[] {0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, (byte) 0xa7, 0, 0, 0});
        for (Map.Entry<SegmentFormat, byte[]> e : heads.entrySet()) {
            Path p = SegmentFiles.write(dir, "app.log.1", e.getValue());
            assertThat(SegmentFormat.of(p)).isEqualTo(e.getKey());
            assertThatThrownBy(() -> SegmentReaderFactory.open(p)).isInstanceOf(UnsupportedSegmentException.class)
                    .hasMessage("Segment " + p + " is " + e.getKey().label() + (e.getKey() == SegmentFormat.ZIP
                            || e.getKey() == SegmentFormat.SEVEN_ZIP ? " archive" : "-compressed") + " data, which ferry"
                            + " does not read (it reads plain, gzip and zstd files and tar archives of them); unpack or"
                            + " recompress it and replay the result");
            assertThatThrownBy(() -> SegmentReaderFactory.open("a.tar!x", new ByteArrayInputStream(e.getValue())))
                    .isInstanceOf(UnsupportedSegmentException.class);
        }
        // text that merely starts like one of them is text
        assertThat(SegmentFormat.detect("BZh9 is not bzip2".getBytes(StandardCharsets.US_ASCII), 17))
                .isEqualTo(SegmentFormat.PLAIN);
        assertThat(SegmentFormat.detect("PK is a name".getBytes(StandardCharsets.US_ASCII), 12)).isEqualTo(SegmentFormat.PLAIN);
    }

    @Test
    void otpCompressOnRotateSegmentsRead() throws IOException {
        Path otp = Path.of("src/test/resources/segment/otp/std");
        byte[] all = concat(Files.readAllBytes(gunzipTo("std.log.2.gz")), Files.readAllBytes(gunzipTo("std.log.1.gz")),
                Files.readAllBytes(gunzipTo("std.log.0.gz")), Files.readAllBytes(otp.resolve("std.log")));
        assertThat(new String(all).lines().findFirst()).hasValue(
                "line 0130 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        assertThat(new String(all).lines().count()).isEqualTo(171);
    }

    private Path gunzipTo(String name) throws IOException {
        try (SegmentReader r = SegmentReaderFactory.open(Path.of("src/test/resources/segment/otp/std", name))) {
            assertThat(r.format()).isEqualTo(SegmentFormat.GZIP);
            SegmentFiles.Result res = readAll(r);
            assertThat(res.error()).isNull();
            return Files.write(dir.resolve(name + ".out"), res.data());
        }
    }

    @Test
    void systemGzipAndZstdFilesRead() throws Exception {
        assumeTrue(SegmentFiles.hasTool("gzip") && SegmentFiles.hasTool("zstd"), "gzip and zstd tools");
        SegmentFiles.write(dir, "a.log", Arrays.copyOfRange(data, 0, 700_000));
        SegmentFiles.write(dir, "b.log", Arrays.copyOfRange(data, 700_000, data.length));
        SegmentFiles.run(dir, List.of("gzip", "-k", "-9", "a.log", "b.log"));
        SegmentFiles.run(dir, List.of("zstd", "-q", "-k", "a.log", "b.log"));
        SegmentFiles.run(dir, List.of("sh", "-c", "cat a.log.gz b.log.gz > ab.log.gz && cat a.log.zst b.log.zst > ab.log.zst"
                + " && head -c $(( $(wc -c < ab.log.gz) * 2 / 3 )) ab.log.gz > cut.log.gz"
                + " && head -c $(( $(wc -c < ab.log.zst) * 2 / 3 )) ab.log.zst > cut.log.zst"));
        for (String name : List.of("ab.log.gz", "ab.log.zst")) {
            try (SegmentReader r = SegmentReaderFactory.open(dir.resolve(name))) {
                SegmentFiles.Result res = readAll(r);
                assertThat(res.error()).as(name).isNull();
                assertThat(res.data()).as(name).isEqualTo(data);
            }
            assertThat(SegmentFingerprint.read(dir.resolve(name))).isEqualTo(Fingerprint.of(data, 1024));
        }
        for (String name : List.of("cut.log.gz", "cut.log.zst")) {
            try (SegmentReader r = SegmentReaderFactory.open(dir.resolve(name))) {
                SegmentFiles.Result res = readAll(r);
                assertThat(res.error()).as(name).isInstanceOf(SegmentCorruptException.class);
                assertThat(((SegmentCorruptException) res.error()).reason()).isEqualTo(Reason.TRUNCATED);
                assertThat(res.data()).isEqualTo(Arrays.copyOf(data, res.data().length));
                assertThat(res.data().length).as(name).isGreaterThan(data.length / 2);
            }
        }
    }

    private static int jdkGunzipCount(byte[] bytes) {
        return countUntilError(() -> new GZIPInputStream(new ByteArrayInputStream(bytes)));
    }

    private static int zstdInputStreamCount(byte[] bytes) {
        return countUntilError(() -> new ZstdInputStream(new ByteArrayInputStream(bytes)));
    }

    private interface Opener {
        InputStream open() throws IOException;
    }

    private static int countUntilError(Opener o) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try (InputStream in = o.open()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                bo.write(buf, 0, n);
            }
        } catch (IOException e) {
            // what came before counts
        }
        return bo.size();
    }
}
