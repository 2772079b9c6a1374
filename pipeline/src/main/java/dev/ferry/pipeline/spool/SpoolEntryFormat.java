package dev.ferry.pipeline.spool;

import net.openhft.chronicle.bytes.Bytes;

/**
 * The layout of one spool entry: the payload of one Chronicle Queue data document.
 *
 * <p>Chronicle frames each document with a 4-byte header (length and flags; the "not complete" bit stays
 * set until the writer has finished, so a reader never sees a half-written entry). The payload that
 * follows is ferry's, written as raw bytes (no Chronicle wire serialization), integers in the byte order
 * Chronicle Bytes writes them: the platform's native order, little-endian on x86-64 and aarch64. Spool
 * files are local to one machine and are not meant to be copied between architectures.
 *
 * <pre>
 * offset  size  field
 *      0     1  format version, 1
 *      1     1  flags: bit 0 = the time came from the log line itself
 *      2     8  sequence: the entry's number, 0 for the first entry the spool ever held, +1 per entry
 *     10     8  bytes before: the sum of the sizes of all earlier entries (size = payload + 4)
 *     18     8  record time, nanoseconds since the epoch
 *     26     8  offset of the line's first byte in its origin
 *     34     8  next offset in the origin (where reading resumes after the line)
 *     42     2  tag length T (unsigned)
 *     44     T  tag, UTF-8
 *   44+T     2  origin id length O, or -1 when the record has no origin
 *   46+T     O  origin id, UTF-8
 * 46+T+O     4  JSON length J
 * 50+T+O     J  the record's fields as one JSON object (RecordFields.writeJson), UTF-8
 * </pre>
 *
 * Sequence and bytes-before make the spool's counters restart-safe: the writer resumes them from the
 * last entry, and a reader's pending bytes are the writer's end minus the end of its last commit.
 */
final class SpoolEntryFormat {

    static final int VERSION = 1;
    static final int FLAG_TIME_FROM_LOG = 1;
    /** Bytes Chronicle adds in front of every document. */
    static final int DOCUMENT_HEADER = 4;
    static final int FIXED_PART = 50;
    static final int MAX_TAG_BYTES = 0xFFFF;
    static final int MAX_ORIGIN_ID_BYTES = Short.MAX_VALUE;

    private SpoolEntryFormat() {
    }

    /**
     * Writes the head of an entry (everything before the JSON length) at the write position.
     *
     * @return nothing; the caller writes the JSON length and bytes next
     * @throws IllegalArgumentException if the tag or origin id is too long
     */
    static void writeHead(Bytes<?> out, boolean timeFromLog, long sequence, long bytesBefore, long timeNanos,
            long offset, long nextOffset, CharSequence tag, CharSequence originId) {
        out.writeByte((byte) VERSION);
        out.writeByte((byte) (timeFromLog ? FLAG_TIME_FROM_LOG : 0));
        out.writeLong(sequence);
        out.writeLong(bytesBefore);
        out.writeLong(timeNanos);
        out.writeLong(offset);
        out.writeLong(nextOffset);
        writeString(out, tag, MAX_TAG_BYTES, "tag");
        if (originId == null) {
            out.writeShort((short) -1);
        } else {
            writeString(out, originId, MAX_ORIGIN_ID_BYTES, "origin id");
        }
    }

    // Length first as a placeholder, then the UTF-8 straight from the chars (no byte[] allocated).
    private static void writeString(Bytes<?> out, CharSequence s, int max, String what) {
        long lengthAt = out.writePosition();
        out.writeShort((short) 0);
        long start = out.writePosition();
        out.appendUtf8(s);
        long n = out.writePosition() - start;
        if (n > max) {
            throw new IllegalArgumentException("spool entry " + what + " is " + n + " bytes, more than " + max);
        }
        out.writeShort(lengthAt, (short) n);
    }
}
