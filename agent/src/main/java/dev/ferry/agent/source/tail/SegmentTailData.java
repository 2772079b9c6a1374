package dev.ferry.agent.source.tail;

import dev.ferry.agent.source.segment.SegmentCorruptException;
import dev.ferry.agent.source.segment.SegmentReader;
import dev.ferry.agent.source.segment.SegmentReaderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rotated, compressed segment ({@code app.log.0.gz}, {@code app.log-20240101.zst}) read through its
 * decompressed stream, from an uncompressed offset on; see {@link SegmentReader}.
 *
 * <p>A segment cut short may still be being written (OTP's {@code compress_on_rotate} and logrotate's
 * {@code compress} write the {@code .gz} next to the plain file, then delete the plain one): reading
 * stops at the cut and is tried again, from a fresh reader skipped to the same offset, once the file
 * has grown. If it stays cut for {@code giveUpNanos}, or is damaged, what was read is kept, the error
 * is logged at ERROR with the file and offset, counted ({@link TailCounters#corruptSegments()}), and
 * the segment counts as ended: the rest of it cannot be read.
 *
 * <p>Used by the input's thread only. Owns its reader.
 */
final class SegmentTailData implements TailData {

    private static final Logger log = LoggerFactory.getLogger(SegmentTailData.class);

    private final Path path;
    private final byte[] head;
    private final TailCounters counters;
    private final long giveUpNanos;
    private SegmentReader reader;
    private boolean ended;
    private long cutAtSize = -1;
    private long cutSinceNanos;

    /**
     * Opens {@code path} and skips to {@code startOffset}; see {@link #position()} for where it got.
     *
     * @param head the segment's uncompressed leading bytes, as its fingerprint was taken from
     */
    SegmentTailData(Path path, byte[] head, long startOffset, TailCounters counters, long giveUpNanos)
            throws IOException {
        this.path = path;
        this.head = head;
        this.counters = counters;
        this.giveUpNanos = giveUpNanos;
        this.reader = SegmentReaderFactory.open(path);
        try {
            if (reader.skipTo(startOffset) < startOffset) {
                ended = true;
            }
        } catch (IOException e) {
            reader.close();
            throw e;
        }
    }

    /** The uncompressed offset reached: where reading goes on. */
    long position() {
        return reader.position();
    }

    @Override
    public long size() {
        return ended ? reader.position() : Long.MAX_VALUE;
    }

    @Override
    public int read(byte[] b, int off, int len, long position) throws IOException {
        if (ended) {
            return -1;
        }
        if (cutAtSize >= 0 && !reopenIfGrown()) {
            return 0;
        }
        try {
            int n = reader.read(b, off, len);
            if (n < 0) {
                ended = true;
            }
            return n;
        } catch (SegmentCorruptException e) {
            if (e.reason() == SegmentCorruptException.Reason.TRUNCATED && cutAtSize < 0) {
                cutAtSize = sizeOrMinus1();
                cutSinceNanos = System.nanoTime();
                return 0;
            }
            if (e.reason() == SegmentCorruptException.Reason.TRUNCATED && !giveUp()) {
                return 0;
            }
            fail(e.getMessage());
            return -1;
        }
    }

    /** After a cut: whether the file grew and a fresh reader is at the same offset again. */
    private boolean reopenIfGrown() throws IOException {
        long size = sizeOrMinus1();
        if (size == cutAtSize || size < 0) {
            if (giveUp()) {
                fail("Segment " + path + " is truncated and did not grow for " + giveUpNanos / 1_000_000 + "ms");
            }
            return false;
        }
        long at = reader.position();
        reader.close();
        reader = SegmentReaderFactory.open(path);
        reader.skipTo(at);
        cutAtSize = -1;
        return reader.position() == at;
    }

    private boolean giveUp() {
        return System.nanoTime() - cutSinceNanos >= giveUpNanos;
    }

    private void fail(String why) {
        ended = true;
        counters.corruptSegment();
        log.error("Rotated segment cannot be read to its end; what was read is kept, the rest of it is lost."
                + " path={} uncompressed_offset={} error={}", path, reader.position(), why);
    }

    private long sizeOrMinus1() {
        try {
            return Files.size(path);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public byte[] head() {
        return head;
    }

    @Override
    public boolean startsWith(byte[] prefix) {
        return true;
    }

    @Override
    public boolean growing() {
        return false;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            log.debug("Closing a segment failed. path={} error={}", path, e.toString());
        }
    }
}
