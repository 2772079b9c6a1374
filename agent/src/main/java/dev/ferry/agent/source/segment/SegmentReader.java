package dev.ferry.agent.source.segment;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * Reads the uncompressed bytes of one segment (a plain, gzip or zstd file, or an archive member),
 * from the start, forward only.
 *
 * <p>Offsets are offsets in the UNCOMPRESSED data, the ones the tail saves in its position DB: offset
 * 1000 of {@code app.log.1.gz} is byte 1000 of what {@code zcat} prints. {@link #position()} is where
 * the next {@link #read} starts. A compressed segment cannot seek: {@link #skipTo} decompresses and
 * discards, which costs about as much as reading (see {@code SegmentReadBenchmark}); to go back, open
 * a new reader.
 *
 * <p>Damage: {@link #read} returns every byte that can be decoded, then throws
 * {@link SegmentCorruptException} (a truncated file returns all complete data before the cut first).
 * End of data is {@code -1}, as in {@link InputStream#read(byte[], int, int)}.
 *
 * <p>Threads: not thread-safe; one thread reads. The caller owns the buffers it passes; the reader
 * keeps no reference to them after a call returns. {@link #close()} releases the file and any native
 * decoder memory (zstd); it is idempotent.
 */
public interface SegmentReader extends Closeable {

    /** Told how a long {@link #skipTo} is going, so a restart that skips gigabytes is visible. */
    @FunctionalInterface
    interface SkipListener {

        /** Does nothing. */
        SkipListener NONE = (position, target) -> { };

        /**
         * Called about every {@value SegmentReader#SKIP_PROGRESS_BYTES} bytes skipped, on the reading
         * thread, with the uncompressed position reached and the target.
         */
        void skipped(long position, long target);
    }

    /** How many bytes {@link #skipTo} skips between two calls of its listener. */
    long SKIP_PROGRESS_BYTES = 64L << 20;

    /** The file path, or {@code archive!member} for a member of an archive; for messages. */
    String name();

    /** The segment's format, detected from its first bytes. */
    SegmentFormat format();

    /** Uncompressed offset of the next byte {@link #read} returns. */
    long position();

    /**
     * How many bytes of the stored (compressed) data the decoder consumed so far, or -1 if not known.
     * For a plain segment it equals {@link #position()}.
     */
    long compressedPosition();

    /**
     * Reads up to {@code len} uncompressed bytes into {@code b[off..]}.
     *
     * @return how many bytes were read (at least 1 when {@code len > 0}), or -1 at the end of the data
     * @throws SegmentCorruptException when the data ends early or is damaged; every byte before was
     *     returned by earlier calls
     */
    int read(byte[] b, int off, int len) throws IOException;

    /**
     * Moves forward to uncompressed offset {@code target}, decompressing and discarding what lies
     * before it (a plain file seeks instead).
     *
     * @return the position reached: {@code target}, or less if the data ends before it (the segment is
     *     shorter than the offset asked for; the caller decides what that means)
     * @throws IllegalArgumentException if {@code target} is before {@link #position()}
     * @throws SegmentCorruptException if the data ends early or is damaged before {@code target}
     * @throws InterruptedIOException if the thread is interrupted while skipping (checked every
     *     buffer of up to 64 KiB)
     */
    long skipTo(long target, SkipListener listener) throws IOException;

    /** {@link #skipTo(long, SkipListener)} without a listener. */
    default long skipTo(long target) throws IOException {
        return skipTo(target, SkipListener.NONE);
    }

    /**
     * This reader as an {@link InputStream} (for parsers and libraries that want one); reading either
     * moves both. Closing the stream closes the reader.
     */
    default InputStream asInputStream() {
        SegmentReader r = this;
        return new InputStream() {
            private final byte[] one = new byte[1];

            @Override
            public int read() throws IOException {
                int n = r.read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : r.read(b, off, len);
            }

            @Override
            public void close() throws IOException {
                r.close();
            }
        };
    }
}
