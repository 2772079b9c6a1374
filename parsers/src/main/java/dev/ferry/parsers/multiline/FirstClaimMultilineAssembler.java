package dev.ferry.parsers.multiline;

/**
 * The assembler of a list of multiline parsers ({@code multiline.parser docker, cri}): each line goes
 * to the first parser that takes it, as Fluent Bit's {@code flb_ml_append} does (src/multiline/flb_ml.c):
 * <ol>
 *   <li>the parser that took the previous line is asked first (Fluent Bit's last recently used one);</li>
 *   <li>if it does not take the line, its pending record is emitted, and the others are asked in list
 *       order;</li>
 *   <li>a line no parser takes is a record alone.</li>
 * </ol>
 * So only the parser of the previous line can have a pending record, and records stay in file order.
 *
 * <p>Not thread-safe; see {@link MultilineAssembler}.
 */
final class FirstClaimMultilineAssembler implements MultilineAssembler {

    private final PendingRecordAssembler[] parts;
    /** Lines taken by no parser: counted here, as records of their own. */
    private final MultilineCounters alone = new MultilineCounters();
    /** The part that took the last line, or -1. */
    private int last = -1;

    FirstClaimMultilineAssembler(PendingRecordAssembler[] parts) {
        this.parts = parts.clone();
    }

    @Override
    public void accept(byte[] buf, int off, int len, long offset, long nextOffset, long nowNanos, RecordSink sink) {
        if (last >= 0) {
            PendingRecordAssembler previous = parts[last];
            if (previous.offer(buf, off, len, offset, nextOffset, nowNanos, sink)) {
                previous.counters.lines++;
                return;
            }
            previous.flush(nowNanos, true, sink);
        }
        for (int i = 0; i < parts.length; i++) {
            if (i != last && parts[i].offer(buf, off, len, offset, nextOffset, nowNanos, sink)) {
                parts[i].counters.lines++;
                last = i;
                return;
            }
        }
        last = -1;
        alone.lines++;
        alone.records++;
        sink.record(buf, off, len, offset, nextOffset);
    }

    @Override
    public void flush(long nowNanos, boolean force, RecordSink sink) {
        for (PendingRecordAssembler p : parts) {
            p.flush(nowNanos, force, sink);
        }
    }

    @Override
    public boolean hasPending() {
        for (PendingRecordAssembler p : parts) {
            if (p.hasPending()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long pendingOffset() {
        long min = -1;
        for (PendingRecordAssembler p : parts) {
            long o = p.pendingOffset();
            if (o >= 0 && (min < 0 || o < min)) {
                min = o;
            }
        }
        return min;
    }

    @Override
    public long flushDeadlineNanos() {
        long min = Long.MAX_VALUE;
        for (PendingRecordAssembler p : parts) {
            min = Math.min(min, p.flushDeadlineNanos());
        }
        return min;
    }

    /** The sum over the parsers, and the lines none took; a new object each call. */
    @Override
    public MultilineCounters counters() {
        MultilineCounters sum = new MultilineCounters();
        sum.add(alone);
        for (PendingRecordAssembler p : parts) {
            sum.add(p.counters);
        }
        return sum;
    }
}
