package dev.ferry.pipeline.spool;

import static dev.ferry.pipeline.spool.SpoolEntryFormat.FLAG_KEY_MASK;
import static dev.ferry.pipeline.spool.SpoolEntryFormat.FLAG_NO_ORIGIN;
import static dev.ferry.pipeline.spool.SpoolEntryFormat.FLAG_SAME_ORIGIN;
import static dev.ferry.pipeline.spool.SpoolEntryFormat.FLAG_SAME_TAG;
import static dev.ferry.pipeline.spool.SpoolEntryFormat.FLAG_TIME_FROM_LOG;

import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.MemberSpans;
import java.nio.charset.StandardCharsets;

/**
 * Builds one spool document (a batch of records, {@link SpoolEntryFormat}) in a reused heap buffer, so
 * that the whole batch goes into the mapped file with one copy.
 *
 * <p>Not thread-safe: owned by the {@link SpoolWriter}'s appending thread. Use: {@link #begin} when empty,
 * then per record {@link #beginRecord}, the JSON written into {@link #sink()}, {@link #endRecord} (with the JSON's
 * member spans when the record has a member table); then
 * {@link #array()}/{@link #length()} hold the document until {@link #clear()}. Nothing is allocated per
 * record: tag and origin id bytes are encoded only when they change.
 */
final class SpoolBatchEncoder {

    private final ByteSink buf = new ByteSink(SpoolEntryFormat.TARGET_DOCUMENT_BYTES + 8192);
    private int count;
    // The previous record's tag and origin in this document (null: none yet / no origin).
    private String docTag;
    private String docOrigin;
    // UTF-8 of the last tag and origin id encoded, kept across documents.
    private final EncodedString tagBytes = new EncodedString("tag");
    private final EncodedString originBytes = new EncodedString("origin id");
    // The current record's JSON length field and JSON start (-1: the record has no member table).
    private int jsonLengthAt = -1;
    private int jsonAt;

    boolean isEmpty() {
        return count == 0;
    }

    int count() {
        return count;
    }

    /** Bytes of the document so far (head and records). */
    int length() {
        return buf.length();
    }

    byte[] array() {
        return buf.array();
    }

    /** The sink the current record's JSON is written into, between {@link #beginRecord} and {@link #endRecord}. */
    ByteSink sink() {
        return buf;
    }

    /** Starts a document whose first record gets {@code firstSequence} and whose records follow {@code bytesBefore}. */
    void begin(long firstSequence, long bytesBefore) {
        buf.reset();
        int at = buf.reserve(SpoolEntryFormat.DOCUMENT_HEAD);
        byte[] b = buf.array();
        b[at] = (byte) SpoolEntryFormat.VERSION_WITHOUT_MEMBERS; // until a record has a member table
        b[at + 1] = 0;
        SpoolEntryFormat.putInt(b, at + SpoolEntryFormat.COUNT_AT, 0);
        SpoolEntryFormat.putLong(b, at + SpoolEntryFormat.FIRST_SEQUENCE_AT, firstSequence);
        SpoolEntryFormat.putLong(b, at + SpoolEntryFormat.BYTES_BEFORE_AT, bytesBefore);
        count = 0;
        docTag = null;
        docOrigin = null;
    }

    /**
     * Writes a record's head; the caller writes its JSON into {@link #sink()} next.
     *
     * @param keyMask the record's {@link dev.ferry.pipeline.record.RecordFields#keyMask()}, or
     *     {@link dev.ferry.pipeline.record.RecordFields#UNKNOWN_KEYS} to write none
     * @param lineHash the record's {@link dev.ferry.pipeline.record.LogRecord#lineHash()}, or
     *     {@link dev.ferry.pipeline.record.LogRecord#NO_LINE_HASH} to write none
     * @param members whether the record gets a member table ({@link #endRecord} then takes the JSON's spans)
     * @return where the record starts, for {@link #endRecord}
     * @throws IllegalArgumentException if the tag or origin id is longer than 65535 UTF-8 bytes; nothing
     *     is written then
     */
    int beginRecord(String tag, long timeNanos, boolean timeFromLog, String originId, long offset, long nextOffset,
            long keyMask, long lineHash, boolean members) {
        int flags = timeFromLog ? FLAG_TIME_FROM_LOG : 0;
        if (members) {
            flags |= SpoolEntryFormat.FLAG_MEMBERS;
        }
        boolean masked = keyMask != dev.ferry.pipeline.record.RecordFields.UNKNOWN_KEYS;
        if (masked) {
            flags |= FLAG_KEY_MASK;
        }
        boolean hashed = lineHash != dev.ferry.pipeline.record.LogRecord.NO_LINE_HASH;
        if (hashed) {
            flags |= SpoolEntryFormat.FLAG_LINE_HASH;
        }
        boolean sameTag = docTag != null && docTag.equals(tag);
        if (sameTag) {
            flags |= FLAG_SAME_TAG;
        } else {
            tagBytes.encode(tag);
        }
        boolean sameOrigin = false;
        if (originId == null) {
            flags |= FLAG_NO_ORIGIN;
        } else if (docOrigin != null && docOrigin.equals(originId)) {
            flags |= FLAG_SAME_ORIGIN;
            sameOrigin = true;
        } else {
            originBytes.encode(originId);
        }
        int at = buf.reserve(SpoolEntryFormat.RECORD_HEAD);
        byte[] b = buf.array();
        b[at + 4] = (byte) flags;
        SpoolEntryFormat.putLong(b, at + 5, timeNanos);
        SpoolEntryFormat.putLong(b, at + 13, offset);
        SpoolEntryFormat.putLong(b, at + 21, nextOffset);
        if (masked) {
            int m = buf.reserve(SpoolEntryFormat.KEY_MASK_BYTES);
            SpoolEntryFormat.putLong(buf.array(), m, keyMask);
        }
        if (hashed) {
            int h = buf.reserve(SpoolEntryFormat.LINE_HASH_BYTES);
            SpoolEntryFormat.putInt(buf.array(), h, (int) lineHash);
        }
        jsonLengthAt = members ? buf.reserve(SpoolEntryFormat.JSON_LENGTH_BYTES) : -1;
        if (!sameTag) {
            writeString(tagBytes.bytes);
        }
        if (originId != null && !sameOrigin) {
            writeString(originBytes.bytes);
        }
        docTag = tag;
        docOrigin = originId;
        jsonAt = buf.length();
        return at;
    }

    /**
     * Ends the record started at {@code at} (its JSON written). A record begun with a member table gets it here:
     * the spans of {@code members}, or "not known" when that is null.
     *
     * @return the record's size in bytes
     */
    int endRecord(int at, MemberSpans members) {
        if (jsonLengthAt >= 0) {
            SpoolEntryFormat.putInt(buf.array(), jsonLengthAt, buf.length() - jsonAt);
            writeMembers(members);
            jsonLengthAt = -1;
            buf.array()[0] = (byte) SpoolEntryFormat.VERSION; // the document now holds a member table
        }
        int size = buf.length() - at;
        byte[] b = buf.array();
        SpoolEntryFormat.putInt(b, at, size - 4);
        count++;
        SpoolEntryFormat.putInt(b, SpoolEntryFormat.COUNT_AT, count);
        return size;
    }

    /** Drops the record started at {@code at} (its JSON could not be written). */
    void abortRecord(int at) {
        buf.truncate(at);
        jsonLengthAt = -1;
        docTag = null;
        docOrigin = null;
    }

    /** Empties the buffer after the document was written (the encoded tag and origin stay cached). */
    void clear() {
        buf.reset();
        count = 0;
    }

    private void writeMembers(MemberSpans members) {
        if (members == null) {
            buf.writeVarint(0);
            return;
        }
        buf.writeVarint(members.count() + 1L);
        int previousEnd = 0;
        for (int i = 0; i < members.count(); i++) {
            buf.writeVarint(members.start(i) - previousEnd);
            buf.writeVarint(members.end(i) - members.start(i));
            previousEnd = members.end(i);
        }
    }

    private void writeString(byte[] s) {
        int at = buf.reserve(2);
        SpoolEntryFormat.putShort(buf.array(), at, s.length);
        buf.write(s, 0, s.length);
    }

    /** The UTF-8 bytes of the last string encoded, kept while the string repeats. */
    private static final class EncodedString {
        private final String what;
        private String text;
        private byte[] bytes;

        EncodedString(String what) {
            this.what = what;
        }

        void encode(String s) {
            if (s.equals(text)) {
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > SpoolEntryFormat.MAX_STRING_BYTES) {
                throw new IllegalArgumentException("spool entry " + what + " is " + b.length + " bytes, more than "
                        + SpoolEntryFormat.MAX_STRING_BYTES);
            }
            bytes = b;
            text = s;
        }
    }
}
