package dev.ferry.parsers.multiline;

/**
 * The built-in {@code cri} assembler: joins the partial lines a CRI runtime (containerd, CRI-O) writes
 * for one long log line.
 *
 * <p>A CRI log line is {@code TIME STREAM FLAG CONTENT}. A line is taken when it matches Fluent Bit's
 * {@code _ml_cri} regex {@code ^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$}
 * (src/multiline/flb_ml_parser_cri.c): the stream is {@code stdout} or {@code stderr}, the flag exactly
 * {@code P} (a partial line) or {@code F} (the last or only part), followed by a space. Parts are
 * concatenated with nothing between them (the runtime split one line). The record is written as a CRI
 * line again, with the first part's time, stream and flag, so the {@code cri} record parser
 * ({@link BuiltinMultilineParsers#recordParser}) reads it as Fluent Bit's record: the first line's
 * fields with {@code log} replaced by the joined text (flb_ml.c, {@code flb_ml_flush_stream_group}):
 * <pre>
 *  2024-01-01T10:00:00.1Z stdout P one,      ─┐
 *  2024-01-01T10:00:00.2Z stdout P two,       ├─▶ 2024-01-01T10:00:00.1Z stdout P one, two, three
 *  2024-01-01T10:00:00.3Z stdout F three     ─┘   (offset of the first, next offset of the last)
 * </pre>
 * So a joined record keeps the flag {@code P} of its first part, as in Fluent Bit; an {@code F} line
 * with nothing pending is passed through unchanged.
 *
 * <p>Records stay in file order. So a line of the other stream, or a line that is not CRI, while parts
 * are pending ends the pending record (Fluent Bit ends it too when the stream changes, see
 * {@code package_content}); a pending record is also emitted without its {@code F} part on timeout,
 * forced flush and max_record_size.
 *
 * <p>Not thread-safe; see {@link MultilineAssembler}.
 */
final class CriMultilineAssembler extends PendingRecordAssembler {

    private static final byte[] STDOUT = {'s', 't', 'd', 'o', 'u', 't'};
    private static final byte[] STDERR = {'s', 't', 'd', 'e', 'r', 'r'};
    /** From the space before the stream to the content: {@code " stdout F "}. */
    private static final int PREFIX_TAIL = 10;

    /** The pending record's stream: {@link #STDOUT} or {@link #STDERR}. */
    private byte[] stream;

    CriMultilineAssembler(MultilineParserConfig config) {
        super(config);
    }

    @Override
    boolean offer(byte[] buf, int off, int len, long offset, long nextOffset, long nowNanos, RecordSink sink) {
        int end = off + len;
        int sp = streamAt(buf, off, end);
        if (sp < 0) {
            return false;
        }
        byte[] lineStream = buf[sp + 4] == 'o' ? STDOUT : STDERR;
        boolean partial = buf[sp + 8] == 'P';
        int contentStart = sp + PREFIX_TAIL;
        int contentLen = end - contentStart;
        if (!pending.isEmpty() && lineStream != stream) {
            emitPending(sink);
        }
        if (!pending.isEmpty() && pending.len + (long) contentLen > maxRecordSize) {
            counters.oversize++;
            emitPending(sink);
        }
        if (pending.isEmpty()) {
            if (!partial) {
                counters.records++;
                sink.record(buf, off, len, offset, nextOffset);
                return true;
            }
            pending.append(buf, off, contentStart - off); // TIME STREAM P<space>
            stream = lineStream;
        } else {
            counters.joinedLines++;
        }
        pending.append(buf, contentStart, contentLen);
        pending.addLine(offset, nextOffset, nowNanos);
        if (!partial || pending.len > maxRecordSize) {
            if (partial) {
                counters.oversize++;
            }
            emitPending(sink);
        }
        return true;
    }

    /**
     * Where {@code b[off, end)} matches {@code ^(.+?) (stdout|stderr) (F|P) (.*)$}: the index of the space
     * before the stream (the lazy time group ends at the first place the rest fits), or -1. A line holds
     * no {@code \n}, so {@code .} matches every byte of it.
     */
    static int streamAt(byte[] b, int off, int end) {
        for (int i = off + 1; i + PREFIX_TAIL <= end; i++) {
            if (b[i] == ' ' && b[i + 7] == ' ' && b[i + 9] == ' ' && (b[i + 8] == 'F' || b[i + 8] == 'P')
                    && (is(b, i + 1, STDOUT) || is(b, i + 1, STDERR))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean is(byte[] b, int at, byte[] word) {
        for (int k = 0; k < word.length; k++) {
            if (b[at + k] != word[k]) {
                return false;
            }
        }
        return true;
    }
}
