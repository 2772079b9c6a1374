package dev.ferry.parsers.multiline;

/**
 * The built-in {@code cri} assembler: joins the partial lines a CRI runtime (containerd, CRI-O) writes
 * for one long log line.
 *
 * <p>A CRI log line is {@code TIME STREAM FLAG CONTENT}: {@code FLAG} (the logtag) is {@code P} for a
 * partial line, {@code F} for the last (or only) part, possibly followed by {@code :}-separated tags.
 * Parts are concatenated with nothing between them (the runtime split one line), and the record is
 * written as a CRI line again so the {@code cri} parser reads it:
 * <pre>
 *  2024-01-01T10:00:00.1Z stdout P one,      ─┐
 *  2024-01-01T10:00:00.2Z stdout P two,       ├─▶ 2024-01-01T10:00:00.1Z stdout F one, two, three
 *  2024-01-01T10:00:00.3Z stdout F three     ─┘   (offset of the first, next offset of the last)
 * </pre>
 * The first part's time and stream are kept, as in Fluent Bit.
 *
 * <p>Records stay in file order. So a line of the other stream, or a line that is not CRI, while parts
 * are pending ends the pending record (where Fluent Bit would keep one group per stream and emit them
 * out of file order, which would break exact read positions). A pending record emitted without its
 * {@code F} part (timeout, forced flush, other stream, max_record_size) keeps the flag {@code P}, so
 * it reads as incomplete. An {@code F} line with nothing pending is passed through unchanged.
 *
 * <p>Not thread-safe; see {@link MultilineAssembler}.
 */
final class CriMultilineAssembler extends PendingRecordAssembler {

    /** The pending record's stream name, {@code streamLen} bytes. */
    private byte[] stream = new byte[16];
    private int streamLen;
    /** Where the pending record's flag byte is. */
    private int flagAt;

    CriMultilineAssembler(MultilineParserConfig config) {
        super(config);
    }

    @Override
    public void accept(byte[] buf, int off, int len, long offset, long nextOffset, long nowNanos, RecordSink sink) {
        counters.lines++;
        int end = off + len;
        int sp1 = indexOf(buf, off, end);
        int sp2 = sp1 < 0 ? -1 : indexOf(buf, sp1 + 1, end);
        int flagEnd = sp2 < 0 ? -1 : indexOf(buf, sp2 + 1, end);
        if (flagEnd < 0) {
            flagEnd = end;
        }
        boolean cri = sp1 > off && sp2 > sp1 + 1 && flagEnd > sp2 + 1
                && (buf[sp2 + 1] == 'P' || buf[sp2 + 1] == 'F') && (flagEnd == sp2 + 2 || buf[sp2 + 2] == ':');
        if (!cri) {
            alone(buf, off, len, offset, nextOffset, sink);
            return;
        }
        boolean partial = buf[sp2 + 1] == 'P';
        int contentStart = Math.min(flagEnd + 1, end);
        int contentLen = end - contentStart;
        if (!pending.isEmpty() && !sameStream(buf, sp1 + 1, sp2)) {
            pending.emit(sink, counters);
        }
        if (!pending.isEmpty() && pending.len + (long) contentLen > maxRecordSize) {
            counters.oversize++;
            pending.emit(sink, counters);
        }
        if (pending.isEmpty()) {
            if (!partial) {
                counters.records++;
                sink.record(buf, off, len, offset, nextOffset);
                return;
            }
            // TIME STREAM P<space>
            pending.append(buf, off, sp2 + 1 - off);
            flagAt = pending.len;
            pending.append((byte) 'P');
            pending.append((byte) ' ');
            setStream(buf, sp1 + 1, sp2);
        } else {
            counters.joinedLines++;
        }
        pending.append(buf, contentStart, contentLen);
        pending.addLine(offset, nextOffset, nowNanos);
        if (!partial) {
            pending.buf[flagAt] = 'F';
            pending.emit(sink, counters);
        } else if (pending.len > maxRecordSize) {
            counters.oversize++;
            pending.emit(sink, counters);
        }
    }

    private boolean sameStream(byte[] buf, int from, int to) {
        if (to - from != streamLen) {
            return false;
        }
        for (int i = 0; i < streamLen; i++) {
            if (buf[from + i] != stream[i]) {
                return false;
            }
        }
        return true;
    }

    private void setStream(byte[] buf, int from, int to) {
        streamLen = to - from;
        if (stream.length < streamLen) {
            stream = new byte[streamLen];
        }
        System.arraycopy(buf, from, stream, 0, streamLen);
    }

    private static int indexOf(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == ' ') {
                return i;
            }
        }
        return -1;
    }
}
