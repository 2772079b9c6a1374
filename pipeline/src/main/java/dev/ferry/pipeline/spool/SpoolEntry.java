package dev.ferry.pipeline.spool;

import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.MemberSpans;
import dev.ferry.pipeline.record.RecordFields;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One spooled record as its reader sees it: a reusable view, overwritten by the next
 * {@link SpoolReader#next()}.
 *
 * <p>Owned by the reader's thread. The JSON bytes ({@link #json()} from {@link #jsonOffset()}) lie in the
 * reader's copy of the current document, a buffer it reuses; copy what you keep beyond the next call. Tag and origin id are {@code String}s cached from the previous entry when their bytes repeat, so
 * a run of entries from one file allocates nothing.
 */
public final class SpoolEntry {

    private long index;
    private long sequence;
    private long bytesBefore;
    private int size;
    private long timeNanos;
    private boolean timeFromLog;
    private long offset;
    private long nextOffset;
    private long keyMask = RecordFields.UNKNOWN_KEYS;
    private long lineHash = LogRecord.NO_LINE_HASH;
    private final CachedString tag = new CachedString();
    private final CachedString originId = new CachedString();
    private boolean hasOrigin;
    private byte[] json = new byte[0];
    private int jsonOffset;
    private int jsonLength;
    // The member table in json[membersAt, membersEnd); membersAt -1: the record has none, or its bytes are not
    // known to be as written.
    private int membersAt = -1;
    private int membersEnd;

    /** The Chronicle index of the document that holds the entry. */
    public long index() {
        return index;
    }

    /**
     * The entry's number in the spool: 0 for the first entry ever, +1 per entry, across restarts. What
     * {@link SpoolReader#commit(long)} takes.
     */
    public long sequence() {
        return sequence;
    }

    /** Bytes the record takes in its document (see {@link SpoolEntryFormat}). */
    public int size() {
        return size;
    }

    /** Record time in nanoseconds since the epoch. */
    public long timeNanos() {
        return timeNanos;
    }

    public boolean timeFromLog() {
        return timeFromLog;
    }

    public String tag() {
        return tag.value;
    }

    /** {@link dev.ferry.pipeline.record.RecordOrigin#id()} of the record's origin, or null if it had none. */
    public String originId() {
        return hasOrigin ? originId.value : null;
    }

    public long offset() {
        return offset;
    }

    public long nextOffset() {
        return nextOffset;
    }

    /**
     * The {@link RecordFields#keyMask()} of the record's fields as they were spooled, or
     * {@link RecordFields#UNKNOWN_KEYS} (a spool written by a ferry that kept none).
     */
    public long keyMask() {
        return keyMask;
    }

    /**
     * The record's {@link LogRecord#lineHash()} as it was spooled, or {@link LogRecord#NO_LINE_HASH} (a record
     * with no origin, or spooled by a ferry that kept none).
     */
    public long lineHash() {
        return lineHash;
    }

    /**
     * The buffer holding the record's fields as a JSON object, at {@code [jsonOffset(), jsonOffset() +
     * jsonLength())}. Never modify.
     */
    public byte[] json() {
        return json;
    }

    public int jsonOffset() {
        return jsonOffset;
    }

    public int jsonLength() {
        return jsonLength;
    }

    /**
     * Reads the record's member table into {@code spans}: where the values of its JSON's top-level members lie, from
     * the JSON's first byte ({@link dev.ferry.pipeline.record.RecordFields#splitAt}).
     *
     * <p>A table is only given for bytes known to be as they were written (from memory, or from a zstd frame whose
     * checksum matched): cutting at it takes the values unchecked. A document stored uncompressed carries no
     * checksum, so its records are parsed (which finds a damaged value).
     *
     * @return false, with {@code spans} empty, when the record has no table (spooled by a ferry that kept none, or
     *     from bytes that were never split into fields), its bytes are not known to be intact, or its table does not
     *     read within the JSON (the JSON is then to be parsed)
     */
    public boolean members(MemberSpans spans) {
        spans.clear();
        if (membersAt < 0) {
            return false;
        }
        varintAt = membersAt;
        long count = varint() - 1;
        long end = 0;
        for (long i = 0; i < count; i++) {
            long start = end + varint();
            end = start + varint();
            if (varintAt < 0 || end > jsonLength) {
                spans.clear();
                return false;
            }
            spans.add((int) start, (int) end);
        }
        if (count < 0 || varintAt != membersEnd) {
            spans.clear();
            return false;
        }
        return true;
    }

    // Where members() reads its next varint; -1 once one ran past the table's end or past 35 bits.
    private int varintAt;

    private long varint() {
        long v = 0;
        for (int shift = 0; varintAt >= 0; shift += 7) {
            if (varintAt >= membersEnd || shift > 28) {
                varintAt = -1;
                break;
            }
            byte b = json[varintAt++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        return 0;
    }

    /** Appends the JSON bytes to {@code out}. */
    public void writeJson(ByteSink out) {
        out.write(json, jsonOffset, jsonLength);
    }

    /** The JSON as a String (allocates; for tests and logs). */
    public String jsonString() {
        return new String(json, jsonOffset, jsonLength, StandardCharsets.UTF_8);
    }

    long bytesEnd() {
        return bytesBefore + size;
    }

    /**
     * Reads the record at {@code doc[at]} (a document copied out of the spool, which this entry then
     * points into for its JSON).
     *
     * @param intact whether the document's bytes are known to be as written (see {@link #members})
     * @return the record's size
     * @throws IllegalStateException if the record does not fit in {@code doc[at, end)}
     */
    int decode(byte[] doc, int at, int end, long index, long sequence, long bytesBefore, boolean intact) {
        int size = end - at < 4 ? -1 : SpoolEntryFormat.getInt(doc, at) + 4;
        if (size < SpoolEntryFormat.RECORD_HEAD || size > end - at) {
            throw corrupt(index, sequence, "a record of " + size + " bytes where " + (end - at) + " are left");
        }
        this.index = index;
        this.sequence = sequence;
        this.bytesBefore = bytesBefore;
        this.size = size;
        int recordEnd = at + size;
        int flags = doc[at + 4];
        timeFromLog = (flags & SpoolEntryFormat.FLAG_TIME_FROM_LOG) != 0;
        timeNanos = SpoolEntryFormat.getLong(doc, at + 5);
        offset = SpoolEntryFormat.getLong(doc, at + 13);
        nextOffset = SpoolEntryFormat.getLong(doc, at + 21);
        int p = at + SpoolEntryFormat.RECORD_HEAD;
        if ((flags & SpoolEntryFormat.FLAG_KEY_MASK) != 0) {
            if (p + SpoolEntryFormat.KEY_MASK_BYTES > recordEnd) {
                throw corrupt(index, sequence, "a key mask past the record's end");
            }
            keyMask = SpoolEntryFormat.getLong(doc, p);
            p += SpoolEntryFormat.KEY_MASK_BYTES;
        } else {
            keyMask = RecordFields.UNKNOWN_KEYS;
        }
        if ((flags & SpoolEntryFormat.FLAG_LINE_HASH) != 0) {
            if (p + SpoolEntryFormat.LINE_HASH_BYTES > recordEnd) {
                throw corrupt(index, sequence, "a line hash past the record's end");
            }
            lineHash = Integer.toUnsignedLong(SpoolEntryFormat.getInt(doc, p));
            p += SpoolEntryFormat.LINE_HASH_BYTES;
        } else {
            lineHash = LogRecord.NO_LINE_HASH;
        }
        long declaredJson = -1;
        if ((flags & SpoolEntryFormat.FLAG_MEMBERS) != 0) {
            if (p + SpoolEntryFormat.JSON_LENGTH_BYTES > recordEnd) {
                throw corrupt(index, sequence, "a JSON length past the record's end");
            }
            declaredJson = Integer.toUnsignedLong(SpoolEntryFormat.getInt(doc, p));
            p += SpoolEntryFormat.JSON_LENGTH_BYTES;
        }
        if ((flags & SpoolEntryFormat.FLAG_SAME_TAG) == 0) {
            p = readString(tag, doc, p, recordEnd, index, sequence);
        }
        hasOrigin = (flags & SpoolEntryFormat.FLAG_NO_ORIGIN) == 0;
        if (hasOrigin && (flags & SpoolEntryFormat.FLAG_SAME_ORIGIN) == 0) {
            p = readString(originId, doc, p, recordEnd, index, sequence);
        }
        if (declaredJson > recordEnd - p) {
            throw corrupt(index, sequence, "a JSON of " + declaredJson + " bytes where " + (recordEnd - p) + " are left");
        }
        json = doc;
        jsonOffset = p;
        jsonLength = declaredJson >= 0 ? (int) declaredJson : recordEnd - p;
        membersAt = declaredJson >= 0 && intact ? p + jsonLength : -1;
        membersEnd = recordEnd;
        return size;
    }

    private static int readString(CachedString s, byte[] doc, int p, int end, long index, long sequence) {
        int n = p + 2 <= end ? SpoolEntryFormat.getUnsignedShort(doc, p) : -1;
        if (n < 0 || p + 2 + n > end) {
            throw corrupt(index, sequence, "a string of " + n + " bytes past the record's end");
        }
        s.read(doc, p + 2, n);
        return p + 2 + n;
    }

    static IllegalStateException corrupt(long index, long sequence, String what) {
        return new IllegalStateException("spool document at index 0x" + Long.toHexString(index) + " is damaged: record "
                + sequence + " declares " + what);
    }

    /** A String decoded from UTF-8 bytes, reused while the bytes repeat. */
    private static final class CachedString {
        byte[] bytes = new byte[64];
        int length = -1;
        String value = "";

        void read(byte[] src, int off, int n) {
            if (n == length && Arrays.equals(src, off, off + n, bytes, 0, n)) {
                return;
            }
            if (n > bytes.length) {
                bytes = new byte[Math.max(n, bytes.length * 2)];
            }
            System.arraycopy(src, off, bytes, 0, n);
            length = n;
            value = new String(bytes, 0, n, StandardCharsets.UTF_8);
        }
    }
}
