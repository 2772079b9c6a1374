package dev.ferry.pipeline.ring;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the records whose text held bytes that are not valid UTF-8, which came out as U+FFFD
 * ({@link dev.ferry.pipeline.record.RecordFields#invalidUtf8()}), in {@link RingCounters#invalidUtf8Repaired()},
 * and says so at WARN with the file and offset of the line and the count so far: for the first such record,
 * then at most once a minute (a file of Latin-1 text would otherwise log every line).
 *
 * <p>Called by the ring's last stage once it has written the record (to the outputs or the spool), on that
 * stage's one thread.
 */
final class InvalidUtf8Reporter {

    private static final Logger LOG = LoggerFactory.getLogger(InvalidUtf8Reporter.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final RingCounters counters;
    private long lastLog = System.nanoTime() - LOG_EVERY_NANOS;

    InvalidUtf8Reporter(RingCounters counters) {
        this.counters = counters;
    }

    /** Counts and reports {@code record} if bytes of its text were replaced; call after it was written. */
    void written(LogRecord record) {
        int replaced = record.fields().invalidUtf8();
        if (replaced == 0) {
            return;
        }
        counters.invalidUtf8Repaired.increment();
        long now = System.nanoTime();
        if (now - lastLog >= LOG_EVERY_NANOS) {
            lastLog = now;
            RecordOrigin origin = record.origin();
            LOG.warn("A line held bytes that are not valid UTF-8; they were replaced with U+FFFD and the record went on "
                    + "(the file still holds the original bytes). file={} offset={} bytes_replaced={} "
                    + "invalid_utf8_repaired={} (logged at most once a minute; the stop summary gives the total)",
                    origin == null ? "-" : origin.location(), record.offset(), replaced, counters.invalidUtf8Repaired());
        }
    }
}
