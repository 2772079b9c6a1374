package dev.ferry.agent.source.tail;

import java.io.IOException;

/**
 * Where a {@link TailedFile}'s bytes come from: an open file ({@link ChannelTailData}), or a rotated
 * segment read through its decompressed stream ({@link SegmentTailData}). Offsets are always offsets
 * of the UNCOMPRESSED data, the ones saved in the position DB.
 *
 * <p>Threads: used by the input's thread only. The caller owns the buffers it passes.
 */
interface TailData {

    /**
     * How many bytes can be read now: the file's size, or, for a stream whose end was not reached yet,
     * {@link Long#MAX_VALUE}.
     */
    long size() throws IOException;

    /**
     * Reads up to {@code len} bytes at uncompressed offset {@code position} (for a stream, always the
     * offset after the last byte returned) into {@code b[off..]}.
     *
     * @return how many bytes were read; 0 or -1 when there is nothing now (a file may grow, a
     *     compressed segment still being written may be readable later)
     */
    int read(byte[] b, int off, int len, long position) throws IOException;

    /** The data's leading bytes, up to {@code Fingerprint.MAX_BYTES}, as they are now. */
    byte[] head() throws IOException;

    /**
     * Whether the data still starts with {@code prefix}: false once a file was truncated and written
     * again, or reused in place (OTP disk_log wrap). Always true for a compressed segment.
     */
    boolean startsWith(byte[] prefix) throws IOException;

    /**
     * Whether the data ended in a cut: a compressed segment cut short for good, or damaged, so that the
     * bytes after its last newline are a fragment of a line, not a last line without newline.
     */
    default boolean endedInCut() {
        return false;
    }

    /** Whether the data can still grow (a plain file); a compressed segment is complete. */
    boolean growing();

    /** Releases the file; idempotent. */
    void close();
}
