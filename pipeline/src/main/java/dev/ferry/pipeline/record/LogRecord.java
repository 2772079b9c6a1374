package dev.ferry.pipeline.record;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * One log record: the line as it was read, its fields, its tag, its time and where it came from.
 *
 * <p>A {@code LogRecord} is a reusable ring slot: it is allocated once per slot and overwritten for
 * every record that passes through the slot, so nothing here allocates on the hot path once the line
 * buffer has grown to the longest line seen. Values in {@link #fields()} may point into the line
 * buffer, so the line is never changed once fields refer to it.
 *
 * <p>Not thread-safe: exactly one stage owns a record at a time (the Disruptor hands it over).
 */
public final class LogRecord {

    /** The {@link #lineHash()} of a record whose line was not hashed. */
    public static final long NO_LINE_HASH = -1;

    private byte[] line = new byte[512];
    private int lineLength;
    private final RecordFields fields = new RecordFields();
    private String tag = "";
    private RecordOrigin origin;
    private long offset;
    private long nextOffset;
    private long lineHash = NO_LINE_HASH;
    private long timeNanos;
    private boolean timeFromLog;
    private String parseError;
    private boolean dropped;

    public LogRecord() {
        fields.bind(line);
    }

    /** Clears everything and copies {@code src[off, off+len)} in as the new line. */
    public void reset(byte[] src, int off, int len) {
        if (len > line.length) {
            line = Arrays.copyOf(line, Math.max(len, line.length * 2));
            fields.bind(line);
        }
        System.arraycopy(src, off, line, 0, len);
        lineLength = len;
        fields.clear();
        tag = "";
        origin = null;
        offset = 0;
        nextOffset = 0;
        lineHash = NO_LINE_HASH;
        timeNanos = 0;
        timeFromLog = false;
        parseError = null;
        dropped = false;
    }

    /** The line buffer; valid bytes are {@code [0, lineLength())}. Never modify it. */
    public byte[] line() {
        return line;
    }

    public int lineLength() {
        return lineLength;
    }

    public RecordFields fields() {
        return fields;
    }

    public String tag() {
        return tag;
    }

    public void tag(String tag) {
        this.tag = tag;
    }

    /** Where the record came from, or null for records that no input position stands behind. */
    public RecordOrigin origin() {
        return origin;
    }

    /**
     * Sets the origin and the record's place in it.
     *
     * @param offset offset of the line's first byte in the origin's (uncompressed) stream
     * @param nextOffset offset just after the line, including its newline: where reading resumes
     */
    public void origin(RecordOrigin origin, long offset, long nextOffset) {
        this.origin = origin;
        this.offset = offset;
        this.nextOffset = nextOffset;
    }

    public long offset() {
        return offset;
    }

    public long nextOffset() {
        return nextOffset;
    }

    /**
     * The CRC-32C of the line as it was read (0 to 2^32-1), or {@link #NO_LINE_HASH}. With the origin and the
     * offset it says which line a record is: two files whose first lines are the same have the same origin id,
     * and their lines at the same offset differ in this.
     */
    public long lineHash() {
        return lineHash;
    }

    /** Sets {@link #lineHash()} (a record read back from the spool carries the one taken when it was read). */
    public void lineHash(long hash) {
        lineHash = hash;
    }

    /** Sets {@link #lineHash()} from the line as it is now. */
    public void hashLine() {
        CRC32C crc = new CRC32C();
        crc.update(line, 0, lineLength);
        lineHash = crc.getValue();
    }

    /** Record time in nanoseconds since the epoch. */
    public long timeNanos() {
        return timeNanos;
    }

    /** Whether the time came from the log line itself (as opposed to the time it was read). */
    public boolean timeFromLog() {
        return timeFromLog;
    }

    /** Sets the time the record was read; a parser may later replace it with the log's own time. */
    public void readTime(long nanos) {
        timeNanos = nanos;
        timeFromLog = false;
    }

    /** Sets the record time from the log line itself. */
    public void logTime(long nanos) {
        timeNanos = nanos;
        timeFromLog = true;
    }

    /** Why the line could not be parsed, or null if it was (or no parser ran). */
    public String parseError() {
        return parseError;
    }

    public void parseError(String message) {
        parseError = message;
    }

    /** Whether a filter dropped the record; dropped records still acknowledge their position. */
    public boolean dropped() {
        return dropped;
    }

    public void drop() {
        dropped = true;
    }
}
