package dev.ferry.parsers.multiline;

import java.util.Arrays;

/**
 * The record an assembler is building: its bytes in a reusable buffer, the offset of its first line,
 * the next offset of its last line, when its last line came and how many lines it has.
 *
 * <p>Not thread-safe; owned by one assembler. The buffer grows as needed and shrinks back after a
 * large record, so an idle file does not keep megabytes.
 */
final class PendingRecord {

    private static final int INITIAL = 1024;
    private static final int KEEP = 64 * 1024;

    byte[] buf = new byte[INITIAL];
    int len;
    long offset = -1;
    long nextOffset;
    long lastNanos;
    int lines;

    boolean isEmpty() {
        return lines == 0;
    }

    /** Notes a line joining the record (its bytes are appended separately). */
    void addLine(long lineOffset, long lineNextOffset, long nowNanos) {
        if (lines == 0) {
            offset = lineOffset;
        }
        nextOffset = lineNextOffset;
        lastNanos = nowNanos;
        lines++;
    }

    void append(byte[] src, int off, int n) {
        ensure(n);
        System.arraycopy(src, off, buf, len, n);
        len += n;
    }

    void append(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    /** Hands the record to {@code sink} and empties it. */
    void emit(RecordSink sink, MultilineCounters counters) {
        counters.records++;
        try {
            sink.record(buf, 0, len, offset, nextOffset);
        } finally {
            clear();
        }
    }

    void clear() {
        len = 0;
        lines = 0;
        offset = -1;
        if (buf.length > KEEP) {
            buf = new byte[INITIAL];
        }
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + n, buf.length * 2));
        }
    }
}
