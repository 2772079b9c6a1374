package dev.ferry.parsers.multiline;

/**
 * What every assembler shares: one {@link PendingRecord}, its {@code Flush_Timeout} and
 * {@code max_record_size}, its counters, and the answers {@link MultilineAssembler} asks about the
 * pending record. A subclass decides how lines join ({@link #accept}) and, if the record it emits is
 * not simply the pending bytes, how it is written ({@link #emitPending}).
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

    /** Hands the pending record, which is not empty, to {@code sink} and empties it. */
    void emitPending(RecordSink sink) {
        pending.emit(sink, counters);
    }

    /** Called by a forced {@link #flush}, pending record or not, before it is emitted. */
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
