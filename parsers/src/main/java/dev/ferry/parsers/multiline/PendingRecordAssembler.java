package dev.ferry.parsers.multiline;

/**
 * What every assembler shares: one {@link PendingRecord}, its {@code Flush_Timeout} and
 * {@code max_record_size}, its counters, and the answers {@link MultilineAssembler} asks about the
 * pending record. A subclass decides which lines are its own and how they join ({@link #offer}) and, if
 * the record it emits is not simply the pending bytes, how it is written ({@link #emitPending}). A line
 * it does not take ends the pending record and is a record alone ({@link #accept}), or, in a list of
 * parsers, goes to the next one ({@link FirstClaimMultilineAssembler}).
 *
 * <p>Not thread-safe; see {@link MultilineAssembler}.
 */
abstract class PendingRecordAssembler implements MultilineAssembler {

    final long timeoutNanos;
    final long maxRecordSize;
    final PendingRecord pending = new PendingRecord();
    final MultilineCounters counters = new MultilineCounters();

    PendingRecordAssembler(MultilineParserConfig config) {
        timeoutNanos = config.flushTimeout().toNanos();
        maxRecordSize = config.maxRecordSize();
    }

    /**
     * Takes the line if it is one this parser reads (Fluent Bit: the parser {@code claims} it), joining
     * it to the pending record or starting one, and returns true; returns false, having changed nothing,
     * if the line is not one of its own. Arguments as for {@link #accept}; does not count the line.
     */
    abstract boolean offer(byte[] buf, int off, int len, long offset, long nextOffset, long nowNanos,
                           RecordSink sink);

    /** A line this parser does not take ends the pending record and is a record alone. */
    @Override
    public final void accept(byte[] buf, int off, int len, long offset, long nextOffset, long nowNanos,
                             RecordSink sink) {
        counters.lines++;
        if (!offer(buf, off, len, offset, nextOffset, nowNanos, sink)) {
            forgetState();
            alone(buf, off, len, offset, nextOffset, sink);
        }
    }

    /** Hands the pending record, which is not empty, to {@code sink} and empties it. */
    void emitPending(RecordSink sink) {
        pending.emit(sink, counters);
    }

    /**
     * Called by a forced {@link #flush}, pending record or not, before it is emitted, and when a line
     * is not taken.
     */
    void forgetState() {
    }

    /** A line that starts no record and continues none: ends the pending record, then is a record alone. */
    final void alone(byte[] buf, int off, int len, long offset, long nextOffset, RecordSink sink) {
        if (!pending.isEmpty()) {
            emitPending(sink);
        }
        counters.records++;
        sink.record(buf, off, len, offset, nextOffset);
    }

    @Override
    public final void flush(long nowNanos, boolean force, RecordSink sink) {
        if (force) {
            forgetState();
        }
        if (pending.isEmpty()) {
            return;
        }
        if (force) {
            emitPending(sink);
        } else if (nowNanos - pending.lastNanos >= timeoutNanos) {
            counters.timeouts++;
            emitPending(sink);
        }
    }

    @Override
    public final boolean hasPending() {
        return !pending.isEmpty();
    }

    @Override
    public final long pendingOffset() {
        return pending.isEmpty() ? -1 : pending.offset;
    }

    @Override
    public final long flushDeadlineNanos() {
        return pending.isEmpty() ? Long.MAX_VALUE : pending.lastNanos + timeoutNanos;
    }

    @Override
    public final MultilineCounters counters() {
        return counters;
    }
}
