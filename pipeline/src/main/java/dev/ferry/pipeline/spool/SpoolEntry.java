package dev.ferry.pipeline.spool;

import dev.ferry.pipeline.record.ByteSink;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.openhft.chronicle.bytes.Bytes;

/**
 * One spooled record as its reader sees it: a reusable view, overwritten by the next
 * {@link SpoolReader#next()}.
 *
 * <p>Owned by the reader's thread. The JSON bytes ({@link #json()}, valid up to {@link #jsonLength()})
 * are a copy out of the mapped file into a buffer the reader reuses; copy what you keep beyond the next
 * call. Tag and origin id are {@code String}s cached from the previous entry when their bytes repeat, so
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
    private final CachedString tag = new CachedString();
    private final CachedString originId = new CachedString();
    private boolean hasOrigin;
    private byte[] json = new byte[512];
    private int jsonLength;

    /** The Chronicle index of the entry: what {@link SpoolReader#commit(long)} takes. */
    public long index() {
        return index;
    }

    /** The entry's number in the spool: 0 for the first entry ever, +1 per entry, across restarts. */
    public long sequence() {
        return sequence;
    }

    /** Bytes the entry takes in the spool (payload plus Chronicle's 4-byte header). */
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

    /** The record's fields as a JSON object; valid bytes are {@code [0, jsonLength())}. Never modify. */
    public byte[] json() {
        return json;
    }

    public int jsonLength() {
        return jsonLength;
    }

    /** Appends the JSON bytes to {@code out}. */
    public void writeJson(ByteSink out) {
        out.write(json, 0, jsonLength);
    }

    /** The JSON as a String (allocates; for tests and logs). */
    public String jsonString() {
        return new String(json, 0, jsonLength, StandardCharsets.UTF_8);
    }

    long bytesEnd() {
        return bytesBefore + size;
    }

    /**
     * Reads the payload at {@code in}'s read position (to its read limit).
     *
     * @throws IllegalStateException if the payload is not a version-1 spool entry
     */
    void decode(long index, Bytes<?> in) {
        long payload = in.readRemaining();
        int version = in.readUnsignedByte();
        if (version != SpoolEntryFormat.VERSION || payload < SpoolEntryFormat.FIXED_PART) {
            throw new IllegalStateException("spool entry at index 0x" + Long.toHexString(index)
                    + " has format version " + version + " and " + payload + " bytes; expected version "
                    + SpoolEntryFormat.VERSION);
        }
        this.index = index;
        this.size = (int) payload + SpoolEntryFormat.DOCUMENT_HEADER;
        int flags = in.readUnsignedByte();
        timeFromLog = (flags & SpoolEntryFormat.FLAG_TIME_FROM_LOG) != 0;
        sequence = in.readLong();
        bytesBefore = in.readLong();
        timeNanos = in.readLong();
        offset = in.readLong();
        nextOffset = in.readLong();
        tag.read(in, in.readUnsignedShort());
        int originLength = in.readShort();
        hasOrigin = originLength >= 0;
        if (hasOrigin) {
            originId.read(in, originLength);
        }
        int n = in.readInt();
        if (n < 0 || n > in.readRemaining()) {
            throw new IllegalStateException("spool entry at index 0x" + Long.toHexString(index)
                    + " declares " + n + " JSON bytes but has " + in.readRemaining());
        }
        if (n > json.length) {
            json = new byte[Math.max(n, json.length * 2)];
        }
        in.read(json, 0, n);
        jsonLength = n;
    }

    /** Reads only the counters of an entry (sequence and bytes before), for the writer's recovery. */
    static long[] readCounters(Bytes<?> in) {
        long payload = in.readRemaining();
        in.readSkip(2);
        long sequence = in.readLong();
        long bytesBefore = in.readLong();
        return new long[] {sequence, bytesBefore + payload + SpoolEntryFormat.DOCUMENT_HEADER};
    }

    /** A String decoded from UTF-8 bytes, reused while the bytes repeat. */
    private static final class CachedString {
        byte[] bytes = new byte[64];
        int length = -1;
        byte[] scratch = new byte[64];
        String value = "";

        void read(Bytes<?> in, int n) {
            if (n > scratch.length) {
                scratch = new byte[Math.max(n, scratch.length * 2)];
            }
            in.read(scratch, 0, n);
            if (n == length && Arrays.equals(scratch, 0, n, bytes, 0, n)) {
                return;
            }
            byte[] swap = bytes;
            bytes = scratch;
            scratch = swap;
            length = n;
            value = new String(bytes, 0, n, StandardCharsets.UTF_8);
        }
    }
}
