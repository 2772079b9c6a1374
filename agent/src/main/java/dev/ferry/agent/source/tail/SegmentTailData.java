package dev.ferry.agent.source.tail;

import dev.ferry.agent.source.segment.SegmentCorruptException;
import dev.ferry.agent.source.segment.SegmentReader;
import dev.ferry.agent.source.segment.SegmentReaderFactory;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rotated, compressed segment ({@code app.log.0.gz}, {@code app.log-20240101.zst}) read through its
 * decompressed stream, from an uncompressed offset on; see {@link SegmentReader}.
 *
 * <p>A segment cut short may still be being written (OTP's {@code compress_on_rotate} and logrotate's
 * {@code compress} write the {@code .gz} next to the plain file, then delete the plain one): reading
 * stops at the cut and is tried again, from a fresh reader skipped to the same offset, once the file
 * has grown. The file stays open from the first read to the last, and a fresh reader reads that open file,
 * not whatever has its name by then: OTP renames its segments on at every rotation ({@code .0.gz} to
 * {@code .1.gz}, every 0.2 s at 3,000 lines/s), and another segment may be at the path already. If it
 * stays cut for {@code giveUpNanos}, or is damaged, what was read is kept, the error
 * is logged at ERROR with the file and offset, counted ({@link TailCounters#corruptSegments()}), and
 * the segment counts as ended: the rest of it cannot be read.
 *
 * <p>Used by the input's thread only. Owns its reader.
 */
final class SegmentTailData implements TailData {

    private static final Logger log = LoggerFactory.getLogger(SegmentTailData.class);

    private final Path path;
    private final FileChannel channel;
    private final byte[] head;
    private final TailCounters counters;
    private final long giveUpNanos;
    private SegmentReader reader;
    private boolean ended;
    /** Ended by damage or a cut given up on, not at the stream's end. */
    private boolean failed;
    /** The file's size measured just before the current reader was opened. */
    private long openedAtSize;
    private boolean cut;
    /** Uncompressed offset of the next byte to return (the reader may be behind it after a reopen). */
    private long delivered;
    private long cutSinceNanos = -1;

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
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            this.openedAtSize = channel.size();
            this.reader = openReader();
            if (!startsWithHead()) {
                throw new MovedException(path);
            }
            reader.close();
            this.reader = openReader();
        } catch (IOException | RuntimeException e) {
            if (reader != null) {
                closeQuietly();
            } else {
                channel.close();
            }
            throw e;
        }
        try {
            delivered = reader.skipTo(startOffset);
            if (delivered < startOffset) {
                ended = true;
            }
        } catch (SegmentCorruptException e) {
            if (e.reason() == SegmentCorruptException.Reason.TRUNCATED && stillWritten()) {
                closeQuietly();
                throw e; // the caller tries again later
            }
            delivered = e.uncompressedOffset();
            fail(e.getMessage());
        } catch (IOException e) {
            closeQuietly();
            throw e;
        }
    }

    /**
     * Whether the open file's data starts with {@code head}: the bytes its identity was taken from when its
     * family was listed. Both were read by path, and OTP renames its segments on one by one at every rotation
     * (and gzips {@code .0} into a new {@code .0.gz}), so the file at the path may be another one by now.
     */
    private boolean startsWithHead() throws IOException {
        byte[] got = new byte[head.length];
        int n = 0;
        try {
            while (n < got.length) {
                int k = reader.read(got, n, got.length - n);
                if (k < 0) {
                    break;
                }
                n += k;
            }
        } catch (SegmentCorruptException e) {
            if (e.reason() == SegmentCorruptException.Reason.TRUNCATED) {
                throw e; // still being written: the caller tries again later
            }
            // damaged near its start: its head is the bytes before the damage, and reading reports the damage
            return java.util.Arrays.equals(got, 0, n, head, 0, n);
        }
        return n == head.length && java.util.Arrays.equals(got, head);
    }

    /** The file at the path is not the one listed: it was renamed on, and another took its name. */
    static final class MovedException extends IOException {
        private static final long serialVersionUID = 1L;

        MovedException(Path path) {
            super(path + " holds other data than when it was listed (renamed on meanwhile)");
        }
    }

    /** A reader from the open file's first byte; closing it leaves the file open. */
    private SegmentReader openReader() throws IOException {
        channel.position(0);
        InputStream in = new FilterInputStream(Channels.newInputStream(channel)) {
            @Override
            public void close() {
                // the channel is this segment's, closed with it
            }
        };
        return SegmentReaderFactory.open(path.toString(), in);
    }

    /** The uncompressed offset reached: where reading goes on. */
    long position() {
        return delivered;
    }

    @Override
    public long size() {
        return ended ? delivered : Long.MAX_VALUE;
    }

    @Override
    public int read(byte[] b, int off, int len, long position) throws IOException {
        if (ended) {
            return -1;
        }
        if (cut && !reopenIfGrown()) {
            return 0;
        }
        try {
            int n = reader.read(b, off, len);
            if (n < 0) {
                ended = true;
            } else if (n > 0) {
                delivered += n;
                cutSinceNanos = -1;
            }
            return n;
        } catch (SegmentCorruptException e) {
            if (e.reason() == SegmentCorruptException.Reason.TRUNCATED) {
                cut = true;
                if (cutSinceNanos < 0) {
                    cutSinceNanos = System.nanoTime();
                }
                if (!giveUp()) {
                    return 0;
                }
            }
            fail(e.getMessage());
            return -1;
        }
    }

    /**
     * After a cut: whether the file grew since the current reader was opened, and a fresh reader is at
     * the same offset again. The size is measured before opening, so growth after it is always seen.
     */
    private boolean reopenIfGrown() throws IOException {
        long size = sizeOrMinus1();
        if (size == openedAtSize || size < 0) {
            if (giveUp()) {
                fail("it is cut short and did not grow for " + giveUpNanos / 1_000_000 + "ms");
            }
            return false;
        }
        long at = delivered;
        reader.close();
        openedAtSize = size;
        reader = openReader();
        cut = false;
        try {
            return reader.skipTo(at) == at;
        } catch (SegmentCorruptException e) {
            cut = e.reason() == SegmentCorruptException.Reason.TRUNCATED;
            if (!cut) {
                fail(e.getMessage());
            }
            return false;
        }
    }

    private boolean giveUp() {
        return cutSinceNanos >= 0 && System.nanoTime() - cutSinceNanos >= giveUpNanos;
    }

    private void fail(String why) {
        ended = true;
        failed = true;
        counters.corruptSegment();
        log.error("Rotated segment cannot be read to its end; what was read is kept, the rest of it is lost."
                + " path={} uncompressed_offset={} error={}", path, delivered, why);
    }

    /** Whether the file was modified too recently to call a cut in it final. */
    private boolean stillWritten() {
        try {
            return System.currentTimeMillis() - Files.getLastModifiedTime(path).toMillis()
                    < TimeUnit.NANOSECONDS.toMillis(giveUpNanos);
        } catch (IOException e) {
            return false;
        }
    }

    private long sizeOrMinus1() {
        try {
            return channel.size();
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
    public boolean endedInCut() {
        return failed;
    }

    @Override
    public boolean growing() {
        return false;
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            reader.close();
        } catch (IOException e) {
            log.debug("Closing a segment failed. path={} error={}", path, e.toString());
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("Closing a segment failed. path={} error={}", path, e.toString());
        }
    }
}
