package dev.ferry.pipeline.spool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The layout of the spool on disk: one Chronicle Queue data document per batch of records.
 *
 * <p>Chronicle frames each document with a 4-byte header (length and flags; the "not complete" bit stays
 * set until the writer has finished, so a reader never sees a half-written batch). The payload that
 * follows is ferry's, written as raw bytes (no Chronicle wire serialization), integers little-endian.
 * One document holds the records of one ring batch, cut at about {@link #TARGET_DOCUMENT_BYTES}: Chronicle's
 * cost is per document (header, index, thread checks), so a batch pays it once instead of once per record.
 *
 * <pre>
 * document (version 6; versions 2 to 5, written by earlier ferry releases, are read too: they have no member
 * tables, versions 2 to 4 no line hashes, versions 2 and 3 are never compressed, and version 2 has no key masks)
 * offset  size  field
 *      0     1  format version, 6; 5 when no record of the document has a member table (bit 6)
 *      1     1  compression of the records: 0 none, 1 zstd (versions 2 and 3: always 0)
 *      2     4  record count N (at least 1)
 *      6     8  first sequence: the number of the document's first record; 0 for the first record the
 *               spool ever held, +1 per record, across documents and restarts
 *     14     8  bytes before: the sum of the sizes of all earlier records
 *     22        N records, one after the other; compressed, one zstd frame that holds its content size
 *               (the N records' bytes) and decompresses to them
 *
 * record
 *      0     4  length R of the rest of the record; the record's size is 4 + R
 *      4     1  flags: bit 0 the time came from the log line itself; bit 1 the tag is the previous
 *               record's (no tag field); bit 2 the origin id is the previous record's (no origin field);
 *               bit 3 the record has no origin (no origin field); bit 4 a key mask follows the fixed part;
 *               bit 5 a line hash follows the fixed part (after the key mask); bit 6 the JSON's length follows
 *               (after the line hash) and a member table follows the JSON
 *      5     8  record time, nanoseconds since the epoch
 *     13     8  offset of the line's first byte in its origin
 *     21     8  next offset in the origin (where reading resumes after the line)
 *     29        key mask, if bit 4: 8 bytes, RecordFields.keyMask() of the record's fields (a bit per
 *               top-level field name, so a reader can tell a field is absent without parsing the JSON)
 *               line hash, if bit 5: 4 bytes, the CRC-32C of the line as it was read (LogRecord.lineHash())
 *               JSON length J, if bit 6: 4 bytes
 *               tag, unless bit 1: length T (2 bytes, unsigned), then T bytes of UTF-8
 *               origin id, unless bit 2 or 3: length O (2 bytes, unsigned), then O bytes of UTF-8
 *               the record's fields as one JSON object (RecordFields.writeJson), UTF-8: J bytes if bit 6, else
 *               to the end
 *               member table, if bit 6, to the end: varints (base 128, low bits first); the first is the
 *               number of top-level members plus one (0: not known), then for each member the gap from the
 *               end of the previous member's value (from the JSON's first byte for the first member) to the
 *               start of its value, and the value's length (MemberSpans): a reader cuts the JSON into fields
 *               at them (RecordFields.splitAt) instead of parsing it again
 * </pre>
 *
 * "The previous record" is the previous record of the same document: the first record of a document
 * always carries its tag and origin. Sequence and bytes-before make the spool's counters restart-safe:
 * the writer resumes them from the last document, a reader's position is a sequence number (see
 * {@link ReaderPosition}), and a reader's pending bytes are the writer's end minus the end of its last
 * commit. Document headers and Chronicle's framing and index pages are not counted as record bytes, and
 * a record's size is its size before compression: limits count the records, and compression only makes
 * the files smaller.
 */
final class SpoolEntryFormat {

    static final int VERSION = 6;
    /**
     * The version of a document none of whose records has a member table: its layout is version 5's, so it is
     * written as 5, and a spool whose outputs never asked for tables stays readable by the releases before 6.
     */
    static final int VERSION_WITHOUT_MEMBERS = 5;
    /**
     * The oldest version still read: versions 2 to 5 differ in having no member tables, 2 to 4 in having no line
     * hashes, 2 and 3 in being never compressed, and 2 in having no key masks.
     */
    static final int OLDEST_READ_VERSION = 2;
    /** The first version whose documents may be compressed. */
    static final int FIRST_COMPRESSED_VERSION = 4;
    /** Bytes of a document's header. */
    static final int DOCUMENT_HEAD = 22;
    static final int COMPRESSION_AT = 1;
    static final int COMPRESSION_NONE = 0;
    static final int COMPRESSION_ZSTD = 1;
    static final int COUNT_AT = 2;
    static final int FIRST_SEQUENCE_AT = 6;
    static final int BYTES_BEFORE_AT = 14;
    /** Bytes of a record's fixed part: length, flags, time, offset, next offset. */
    static final int RECORD_HEAD = 29;
    static final int FLAG_TIME_FROM_LOG = 1;
    static final int FLAG_SAME_TAG = 2;
    static final int FLAG_SAME_ORIGIN = 4;
    static final int FLAG_NO_ORIGIN = 8;
    static final int FLAG_KEY_MASK = 16;
    static final int FLAG_LINE_HASH = 32;
    static final int FLAG_MEMBERS = 64;
    /** Bytes of the key mask that follows the fixed part when {@link #FLAG_KEY_MASK} is set. */
    static final int KEY_MASK_BYTES = 8;
    /** Bytes of the line hash that follows the fixed part (and the key mask) when {@link #FLAG_LINE_HASH} is set. */
    static final int LINE_HASH_BYTES = 4;
    /** Bytes of the JSON length that follows the line hash when {@link #FLAG_MEMBERS} is set. */
    static final int JSON_LENGTH_BYTES = 4;
    static final int MAX_STRING_BYTES = 0xFFFF;
    /** The most records a document can hold (each takes at least {@link #RECORD_HEAD} bytes): a sanity bound for heads. */
    static final int MAX_DOCUMENT_RECORDS = (int) (SpoolDocumentUnpacker.MAX_RECORDS_BYTES / RECORD_HEAD);
    /** A document is written once its records reach this size (or at the end of the ring batch). */
    static final int TARGET_DOCUMENT_BYTES = 64 * 1024;

    /**
     * What is wrong with the head of a document of {@code length} bytes whose first bytes are in {@code doc},
     * or null if it reads: a format version this release reads, a compression that version may have, at
     * least one record. A version newer than {@link #VERSION} is wrong here too; callers that must not
     * take it for damage check it first ({@link #newerVersion}).
     */
    static String headProblem(byte[] doc, int length) {
        boolean headRead = length >= DOCUMENT_HEAD;
        int version = length > 0 ? doc[0] : -1;
        int compression = headRead ? doc[COMPRESSION_AT] : -1;
        int records = headRead ? getInt(doc, COUNT_AT) : 0;
        boolean readable = version >= OLDEST_READ_VERSION && version <= VERSION && (compression == COMPRESSION_NONE
                || compression == COMPRESSION_ZSTD && version >= FIRST_COMPRESSED_VERSION);
        if (readable && records >= 1) {
            return null;
        }
        return "it has format version " + version + ", compression " + compression + ", " + records + " records and "
                + length + " bytes; expected version " + OLDEST_READ_VERSION + " to " + VERSION;
    }

    /**
     * What to say of a document of {@code version}, newer than this release reads: it is not damage (its
     * records must not be passed over), a later release wrote it.
     */
    static String newerVersion(int version) {
        return "has format version " + version + ", newer than this ferry reads (" + OLDEST_READ_VERSION + " to " + VERSION
                + "): run the ferry release that wrote it, or move the folder away";
    }

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private SpoolEntryFormat() {
    }

    static void putInt(byte[] b, int at, int v) {
        INT.set(b, at, v);
    }

    static void putLong(byte[] b, int at, long v) {
        LONG.set(b, at, v);
    }

    static void putShort(byte[] b, int at, int v) {
        SHORT.set(b, at, (short) v);
    }

    static int getInt(byte[] b, int at) {
        return (int) INT.get(b, at);
    }

    static long getLong(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }

    static int getUnsignedShort(byte[] b, int at) {
        return Short.toUnsignedInt((short) SHORT.get(b, at));
    }
}
