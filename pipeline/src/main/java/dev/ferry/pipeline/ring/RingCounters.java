package dev.ferry.pipeline.ring;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the ring counts: records in, lines parsers rejected (kept whole), records whose invalid UTF-8 was
 * replaced, records dropped by filters, records no output matched, and stage errors. Thread-safe; read at
 * any time for metrics and the shutdown summary.
 */
public final class RingCounters {

    final LongAdder published = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder stageErrors = new LongAdder();
    final LongAdder unrouted = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder parseErrors = new LongAdder();
    final LongAdder invalidUtf8Repaired = new LongAdder();
    final LongAdder spooled = new LongAdder();

    /** Records appended to the disk spool (when it is on); the outputs deliver them from there. */
    public long spooled() {
        return spooled.sum();
    }

    /** Lines a parser rejected; they were kept whole under {@code log} with the reason, not lost. */
    public long parseErrors() {
        return parseErrors.sum();
    }

    /**
     * Records whose text held bytes that are not valid UTF-8: those bytes were replaced with U+FFFD when
     * the record was parsed or written, and the record went on. The file still holds the original bytes.
     */
    public long invalidUtf8Repaired() {
        return invalidUtf8Repaired.sum();
    }

    /** Records the inputs published into the ring. */
    public long published() {
        return published.sum();
    }

    /** Records a filter dropped (grep and the like): intended, not lost. */
    public long dropped() {
        return dropped.sum();
    }

    /** Records on which a parser or filter threw; they went on as far as they got. */
    public long stageErrors() {
        return stageErrors.sum();
    }

    /** Records whose tag no output matched (Fluent Bit drops these too). */
    public long unrouted() {
        return unrouted.sum();
    }

    /** Records written to at least one output and flushed (from the spool, when it is on). */
    public long delivered() {
        return delivered.sum();
    }
}
