package dev.ferry.parsers.multiline;

/**
 * The built-in {@code docker} assembler: joins the partial lines Docker's json-file driver writes for
 * one long log line (it splits at 16 KiB).
 *
 * <p>Every line is a JSON object such as {@code {"log":"text\n","stream":"stdout","time":"..."}}; a
 * {@code log} value that does not end with {@code \n} is a part, continued by the next line. Parts are
 * concatenated as they are written, still JSON-escaped (escapes are per character, so the joined
 * escaped text is the escaped joined text, and nothing is decoded), into the first part's object:
 * <pre>
 *  {"log":"one, ","stream":"stdout","time":"T1"}  ─┐
 *  {"log":"two\n","stream":"stdout","time":"T2"}  ─┴─▶ {"log":"one, two\n","stream":"stdout","time":"T1"}
 * </pre>
 *
 * This is Fluent Bit's record (flb_ml.c, {@code flb_ml_flush_stream_group}: the first line's fields
 * with {@code log} replaced by the joined text, trailing {@code \n} included); the {@code docker} record
 * parser ({@link BuiltinMultilineParsers#recordParser}) reads its fields and its time from {@code time}.
 *
 * <p>As for {@link CriMultilineAssembler}, records stay in file order: a line of the other stream, or
 * a line that is not such an object, ends the pending record; and a pending record emitted without its
 * last part keeps a {@code log} value without the trailing {@code \n}.
 *
 * <p>Not thread-safe; see {@link MultilineAssembler}.
 */
final class DockerMultilineAssembler extends PendingRecordAssembler {

    private final PendingRecord first = new PendingRecord();
    /** In {@code first}: where the log value's text starts and ends (exclusive). */
    private int firstLogStart;
    private int firstLogEnd;
    private int firstStreamStart = -1;
    private int firstStreamEnd = -1;
    /** Spans found by the last {@link #scan}: log value, stream value. */
    private int logStart;
    private int logEnd;
    private int streamStart;
    private int streamEnd;
    private final PendingRecord out = new PendingRecord();

    DockerMultilineAssembler(MultilineParserConfig config) {
        super(config);
    }

    @Override
    boolean offer(byte[] buf, int off, int len, long offset, long nextOffset, long nowNanos, RecordSink sink) {
        if (!scan(buf, off, off + len)) {
            return false;
        }
        boolean partial = !endsWithNewlineEscape(buf, logStart, logEnd);
        int contentLen = logEnd - logStart;
        if (!pending.isEmpty() && (!sameStream(buf) || recordSize() + (long) contentLen > maxRecordSize)) {
            if (sameStream(buf)) {
                counters.oversize++;
            }
            emitPending(sink);
        }
        if (pending.isEmpty() && !partial) {
            counters.records++;
            sink.record(buf, off, len, offset, nextOffset);
            return true;
        }
        if (pending.isEmpty()) {
            first.clear();
            first.append(buf, off, len);
            firstLogStart = logStart - off;
            firstLogEnd = logEnd - off;
            firstStreamStart = streamStart < 0 ? -1 : streamStart - off;
            firstStreamEnd = streamEnd < 0 ? -1 : streamEnd - off;
        } else {
            counters.joinedLines++;
        }
        pending.append(buf, logStart, contentLen);
        pending.addLine(offset, nextOffset, nowNanos);
        if (!partial) {
            emitPending(sink);
        } else if (recordSize() > maxRecordSize) {
            counters.oversize++;
            emitPending(sink);
        }
        return true;
    }

    /** The size of the record the pending parts make. */
    private long recordSize() {
        return first.len - (firstLogEnd - firstLogStart) + (long) pending.len;
    }

    /** Emits the pending parts inside the first part's object. */
    @Override
    void emitPending(RecordSink sink) {
        if (pending.isEmpty()) {
            return;
        }
        out.clear();
        out.append(first.buf, 0, firstLogStart);
        out.append(pending.buf, 0, pending.len);
        out.append(first.buf, firstLogEnd, first.len - firstLogEnd);
        counters.records++;
        try {
            sink.record(out.buf, 0, out.len, pending.offset, pending.nextOffset);
        } finally {
            pending.clear();
            first.clear();
            out.clear();
        }
    }

    private boolean sameStream(byte[] buf) {
        int a = firstStreamStart < 0 ? 0 : firstStreamEnd - firstStreamStart;
        int b = streamStart < 0 ? 0 : streamEnd - streamStart;
        if ((firstStreamStart < 0) != (streamStart < 0) || a != b) {
            return false;
        }
        for (int i = 0; i < a; i++) {
            if (first.buf[firstStreamStart + i] != buf[streamStart + i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the escaped JSON text {@code b[start, end)} ends with the escape {@code \n}. */
    static boolean endsWithNewlineEscape(byte[] b, int start, int end) {
        if (end - start < 2 || b[end - 1] != 'n' || b[end - 2] != '\\') {
            return false;
        }
        int backslashes = 0;
        for (int i = end - 2; i >= start && b[i] == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /**
     * Finds the top-level {@code log} (a string, required) and {@code stream} (a string, optional)
     * values of a JSON object; false if the line is not an object with a string {@code log}.
     */
    private boolean scan(byte[] b, int i, int end) {
        logStart = -1;
        streamStart = -1;
        streamEnd = -1;
        i = skipSpace(b, i, end);
        if (i >= end || b[i] != '{') {
            return false;
        }
        i = skipSpace(b, i + 1, end);
        if (i < end && b[i] == '}') {
            return false;
        }
        while (i < end) {
            if (b[i] != '"') {
                return false;
            }
            int keyStart = i + 1;
            int keyEnd = stringEnd(b, keyStart, end);
            if (keyEnd < 0) {
                return false;
            }
            i = skipSpace(b, keyEnd + 1, end);
            if (i >= end || b[i] != ':') {
                return false;
            }
            i = skipSpace(b, i + 1, end);
            if (i >= end) {
                return false;
            }
            if (b[i] == '"') {
                int vEnd = stringEnd(b, i + 1, end);
                if (vEnd < 0) {
                    return false;
                }
                if (is(b, keyStart, keyEnd, "log") && logStart < 0) {
                    logStart = i + 1;
                    logEnd = vEnd;
                } else if (is(b, keyStart, keyEnd, "stream") && streamStart < 0) {
                    streamStart = i + 1;
                    streamEnd = vEnd;
                }
                i = vEnd + 1;
            } else {
                i = skipValue(b, i, end);
                if (i < 0) {
                    return false;
                }
            }
            i = skipSpace(b, i, end);
            if (i < end && b[i] == ',') {
                i = skipSpace(b, i + 1, end);
            } else if (i < end && b[i] == '}') {
                return logStart >= 0 && skipSpace(b, i + 1, end) == end;
            } else {
                return false;
            }
        }
        return false;
    }

    /** The index of the closing quote of a string whose text starts at {@code i}, or -1. */
    private static int stringEnd(byte[] b, int i, int end) {
        while (i < end) {
            byte c = b[i];
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }

    /** Skips a non-string value (number, literal, object, array); the index after it, or -1. */
    private static int skipValue(byte[] b, int i, int end) {
        int depth = 0;
        while (i < end) {
            byte c = b[i];
            if (c == '"') {
                int e = stringEnd(b, i + 1, end);
                if (e < 0) {
                    return -1;
                }
                i = e + 1;
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                return i;
            }
            i++;
        }
        return depth == 0 ? i : -1;
    }

    private static int skipSpace(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
    }

    private static boolean is(byte[] b, int start, int end, String key) {
        if (end - start != key.length()) {
            return false;
        }
        for (int k = 0; k < key.length(); k++) {
            if (b[start + k] != key.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
