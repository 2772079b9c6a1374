package dev.ferry.agent.source.segment;

import java.io.IOException;

/**
 * A segment whose data cannot be read to its end: cut short ({@link Reason#TRUNCATED}) or damaged
 * ({@link Reason#CORRUPT}).
 *
 * <p>Thrown by {@link SegmentReader#read} after every byte that could be decoded before the problem
 * was returned: {@link #uncompressedOffset()} equals the reader's {@link SegmentReader#position()}
 * when it was thrown. The reader stays failed: later reads throw the same exception again.
 *
 * <p>What the reasons mean to a caller:
 * <ul>
 *   <li>{@code TRUNCATED}: the compressed data ends inside a gzip member or zstd frame. Either the
 *       file was cut (an interrupted copy, a full disk), or it is still being written, as an OTP
 *       {@code compress_on_rotate} writes {@code app.log.0.gz} while {@code app.log.0} still exists.
 *       Reading it again later may succeed.</li>
 *   <li>{@code CORRUPT}: the data is wrong: a bad header, an invalid deflate or zstd block, a CRC or
 *       checksum mismatch, bytes after the last member that are not a member. It will not heal. Note
 *       that deflate has no per-block check: when a gzip member's CRC fails at its end, bytes already
 *       returned from that member may be wrong too (zstd frames with a checksum likewise).</li>
 * </ul>
 * Immutable.
 */
public final class SegmentCorruptException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why the segment could not be read to its end. */
    public enum Reason {
        /** The compressed data ends early. */
        TRUNCATED,
        /** The data is damaged. */
        CORRUPT
    }

    private final String segment;
    private final SegmentFormat format;
    private final Reason reason;
    private final long uncompressedOffset;
    private final long compressedOffset;

    /**
     * @param segment the file path, or {@code archive!member} for a member of an archive
     * @param compressedOffset offset in the compressed data where the problem was found, or -1 if
     *     not known
     * @param detail what was wrong, as a sentence fragment
     * @param cause the decoder's exception, or null
     */
    public SegmentCorruptException(String segment, SegmentFormat format, Reason reason, long uncompressedOffset,
                                   long compressedOffset, String detail, Throwable cause) {
        super(message(segment, format, reason, uncompressedOffset, compressedOffset, detail), cause);
        this.segment = segment;
        this.format = format;
        this.reason = reason;
        this.uncompressedOffset = uncompressedOffset;
        this.compressedOffset = compressedOffset;
    }

    private static String message(String segment, SegmentFormat format, Reason reason, long uncompressedOffset,
                                  long compressedOffset, String detail) {
        return "Segment " + segment + " is " + (reason == Reason.TRUNCATED ? "truncated" : "corrupt") + " ("
                + format.label() + "): " + detail + ". uncompressed_offset=" + uncompressedOffset
                + " compressed_offset=" + (compressedOffset < 0 ? "unknown" : Long.toString(compressedOffset));
    }

    /** The file path, or {@code archive!member}. */
    public String segment() {
        return segment;
    }

    public SegmentFormat format() {
        return format;
    }

    public Reason reason() {
        return reason;
    }

    /** How many uncompressed bytes were returned before the problem. */
    public long uncompressedOffset() {
        return uncompressedOffset;
    }

    /** Where in the compressed data the problem was found, or -1 if not known. */
    public long compressedOffset() {
        return compressedOffset;
    }
}
