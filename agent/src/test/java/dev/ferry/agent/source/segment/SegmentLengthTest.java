package dev.ferry.agent.source.segment;

import static dev.ferry.agent.source.segment.SegmentFiles.concat;
import static dev.ferry.agent.source.segment.SegmentFiles.gzip;
import static dev.ferry.agent.source.segment.SegmentFiles.lines;
import static dev.ferry.agent.source.segment.SegmentFiles.write;
import static dev.ferry.agent.source.segment.SegmentFiles.zstd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdCompressCtx;
import dev.ferry.agent.source.segment.SegmentLength.Told;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SegmentLength on real gzip and zstd files: the framing answers exactly where the class says it does, and
 * decompressing answers everywhere. Where the framing answers over damaged data, decompressing fails, so the right
 * answer shows that nothing was decompressed.
 */
class SegmentLengthTest {

    @TempDir
    Path dir;

    private final byte[] data = lines(0, 300);
    private final byte[] more = lines(300, 10);

    @Test
    void aPlainFileIsMeasuredByItsSize() throws IOException {
        Path p = write(dir, "app.log.1", data);
        assertThat(SegmentLength.byFraming(p, data.length - 1)).isEqualTo(Told.LONGER);
        assertThat(SegmentLength.byFraming(p, data.length)).isEqualTo(Told.NOT_LONGER);
        assertThat(SegmentLength.byFraming(p, data.length + 1)).isEqualTo(Told.NOT_LONGER);
    }

    @Test
    void aSingleMemberGzipsTrailerTellsOnlyThatItIsNotLonger() throws IOException {
        Path p = write(dir, "app.log.1.gz", gzip(data));
        assertThat(SegmentLength.byFraming(p, data.length)).isEqualTo(Told.NOT_LONGER);
        assertThat(SegmentLength.byFraming(p, data.length - 1)).isEqualTo(Told.NOT_TOLD); // or a member more
        assertThat(SegmentLength.byFraming(p, data.length + 1)).isEqualTo(Told.NOT_TOLD);

        assertThat(SegmentLength.longerThanByDecompressing(p, 0)).isTrue();
        assertThat(SegmentLength.longerThanByDecompressing(p, data.length - 1)).isTrue();
        assertThat(SegmentLength.longerThanByDecompressing(p, data.length)).isFalse();
        assertThat(SegmentLength.longerThanByDecompressing(p, data.length + 1)).isFalse();
    }

    @Test
    void theFramingIsReadWithoutDecompressing() throws IOException {
        byte[] gz = gzip(data);
        Arrays.fill(gz, 10, gz.length - 8, (byte) 0xFF); // deflate data damaged; header and trailer kept
        Path p = write(dir, "app.log.1.gz", gz);

        assertThat(SegmentLength.byFraming(p, data.length)).isEqualTo(Told.NOT_LONGER);
        assertThatThrownBy(() -> SegmentLength.longerThanByDecompressing(p, data.length))
                .isInstanceOf(SegmentCorruptException.class);
    }

    @Test
    void aGzipOfTwoMembersIsMeasuredByDecompressing() throws IOException {
        // the second member: lines written on to the file after the first was compressed, as `gzip -c >>` leaves them
        Path p = write(dir, "app.log.1.gz", concat(gzip(data), gzip(more)));
        assertThat(SegmentLength.byFraming(p, data.length)).isEqualTo(Told.NOT_TOLD);
        assertThat(SegmentLength.byFraming(p, data.length + more.length)).isEqualTo(Told.NOT_TOLD);

        assertThat(SegmentLength.longerThanByDecompressing(p, data.length)).isTrue();
        assertThat(SegmentLength.longerThanByDecompressing(p, data.length + more.length - 1)).isTrue();
        assertThat(SegmentLength.longerThanByDecompressing(p, data.length + more.length)).isFalse();
    }

    @Test
    void aGzipCutShortIsLongerThanOffsetsBeforeTheCutAndAnErrorForOffsetsAfter() throws IOException {
        byte[] gz = gzip(data);
        Path p = write(dir, "app.log.1.gz", Arrays.copyOf(gz, gz.length / 2)); // still being written, or damaged
        assertThat(SegmentLength.byFraming(p, data.length)).isEqualTo(Told.NOT_TOLD);
        assertThat(SegmentLength.longerThanByDecompressing(p, 100)).isTrue();
        assertThatThrownBy(() -> SegmentLength.longerThanByDecompressing(p, data.length))
                .isInstanceOf(SegmentCorruptException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void aZstdFrameThatDeclaresItsSizeIsMeasuredByItsHeader() throws IOException {
        byte[] zst = declaredSize(data);
        zst[zst.length - 1] ^= 0x55; // content checksum damaged: decompressing fails
        Path p = write(dir, "app.log.1.zst", zst);

        assertThat(SegmentLength.byFraming(p, data.length - 1)).isEqualTo(Told.LONGER);
        assertThat(SegmentLength.byFraming(p, data.length)).isEqualTo(Told.NOT_LONGER);
        try (SegmentReader r = SegmentReaderFactory.open(p)) {
            assertThat(SegmentFiles.readAll(r).error()).isInstanceOf(SegmentCorruptException.class);
        }
    }

    @Test
    void aZstdFrameCutShortIsNotMeasuredByItsHeader() throws IOException {
        byte[] zst = declaredSize(data);
        Path p = write(dir, "app.log.1.zst", Arrays.copyOf(zst, zst.length - 10)); // still being written
        assertThat(SegmentLength.byFraming(p, data.length)).isEqualTo(Told.NOT_TOLD);
    }

    @Test
    void aZstdFrameWithoutADeclaredSizeIsMeasuredByDecompressing() throws IOException {
        Path p = write(dir, "app.log.1.zst", zstd(data, true)); // streamed: no Frame_Content_Size
        assertThat(SegmentLength.byFraming(p, data.length)).isEqualTo(Told.NOT_TOLD);
        assertThat(SegmentLength.longerThanByDecompressing(p, data.length - 1)).isTrue();
        assertThat(SegmentLength.longerThanByDecompressing(p, data.length)).isFalse();
    }

    @Test
    void zstdFramesAfterTheFirstAreCounted() throws IOException {
        Path p = write(dir, "app.log.1.zst", concat(declaredSize(data), declaredSize(more)));
        assertThat(SegmentLength.byFraming(p, data.length)).isEqualTo(Told.NOT_TOLD);
        assertThat(SegmentLength.longerThanByDecompressing(p, data.length)).isTrue();
        assertThat(SegmentLength.longerThanByDecompressing(p, data.length + more.length)).isFalse();
    }

    /** One zstd frame with its content size and checksum in it, as the zstd tool writes a file it is given. */
    private static byte[] declaredSize(byte[] data) {
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            return ctx.setLevel(3).setChecksum(true).setContentSize(true).compress(data);
        }
    }
}
