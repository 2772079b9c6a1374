package dev.ferry.parsers.multiline;

/**
 * Joins the lines of one file into records: one assembler per file, fed every line of that file in
 * order, so a record never spans two files and its positions are exact.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #accept} takes one line without its line terminator, with the file offset where the
 *       line starts and the offset after its terminator. It emits zero or more complete records to the
 *       sink, always in file order: a record's offset is its first line's, its next offset its last
 *       line's, and every line ends up in exactly one record.</li>
 *   <li>Lines of a record are joined with {@code \n}. A line that starts no record and continues none is
 *       a record alone (the caller's bytes are passed through, not copied).</li>
 *   <li>A pending record waits for more lines until {@link #flush} says it is complete: after
 *       {@code Flush_Timeout} without a line, or when forced (the file was rotated away or deleted, the
 *       agent stops, a replay reached the end). Call {@code flush(now, false, sink)} when
 *       {@link #flushDeadlineNanos()} has passed.</li>
 *   <li>Since pending lines are not yet in any record, whoever saves read positions must not save one
 *       past {@link #pendingOffset()}; acknowledging the records' next offsets in order does that.</li>
 * </ul>
 *
 * <p>Not thread-safe: one thread calls all methods (the file's reader). The sink is called on that
 * thread, and the bytes it gets are valid only during the call. Times are {@link System#nanoTime()}
 * readings (any monotonic clock in nanoseconds; tests pass their own).
 */
public interface MultilineAssembler {

    /**
     * Takes the next line of the file, {@code buf[off, off+len)}.
     *
     * @param offset the file offset of the line's first byte
     * @param nextOffset the file offset after the line's terminator
     * @param nowNanos the current monotonic time, for {@code Flush_Timeout}
     */
    void accept(byte[] buf, int off, int len, long offset, long nextOffset, long nowNanos, RecordSink sink);

    /**
     * Emits the pending record if {@code force}, or if {@code Flush_Timeout} has passed since its last
     * line. Does nothing when nothing is pending.
     */
    void flush(long nowNanos, boolean force, RecordSink sink);

    /** Whether lines are waiting in an incomplete record. */
    boolean hasPending();

    /** The offset of the first pending line, or -1 if none is pending. */
    long pendingOffset();

    /** When the pending record times out (compare with {@code nowNanos}), or {@link Long#MAX_VALUE} if none. */
    long flushDeadlineNanos();

    /** What this assembler has done; see {@link MultilineCounters} for which thread may read it. */
    MultilineCounters counters();

    /** A new assembler for one file, as {@code parsers} describes: see {@link MultilineParserList}. */
    static MultilineAssembler create(MultilineParserList parsers) {
        return parsers.newAssembler();
    }

    /** A new assembler for one file, as {@code config} describes. */
    static MultilineAssembler create(MultilineParserConfig config) {
        return switch (config.mode()) {
            case REGEX -> new RegexMultilineAssembler(config);
            case CRI -> new CriMultilineAssembler(config);
            case DOCKER -> new DockerMultilineAssembler(config);
        };
    }
}
