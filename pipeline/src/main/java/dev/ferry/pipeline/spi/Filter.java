package dev.ferry.pipeline.spi;

import dev.ferry.pipeline.record.LogRecord;

/**
 * A filter: changes a record in place or drops it ({@code [FILTER]} sections: modify, grep, ...).
 *
 * <p>Called from one ring thread at a time per record, but different records may be filtered on
 * different threads at once: instances hold no per-record state outside the record. A filter never
 * throws for bad record content; it leaves such a record as it is.
 */
public interface Filter {

    /**
     * Applies the filter to {@code record}.
     *
     * @return true to keep the record, false to drop it
     */
    boolean apply(LogRecord record);
}
