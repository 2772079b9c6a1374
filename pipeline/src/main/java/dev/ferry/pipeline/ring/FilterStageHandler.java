package dev.ferry.pipeline.ring;

import com.lmax.disruptor.EventHandler;
import dev.ferry.pipeline.record.LogRecord;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ring's first stage: decodes lines into fields (the input's parser) and runs the filters that
 * match the record's tag, in configuration order.
 *
 * <p>Several instances run at once, one per ring worker thread; instance {@code index} of
 * {@code workers} takes the slots whose sequence is {@code index} modulo {@code workers}. The output
 * stage consumes slots in sequence order after all workers, so records are never reordered. A filter
 * or parser that throws leaves the record as far as it got; the record still goes on (nothing is lost
 * to a bug) and the error is counted and logged at WARN, at most once a minute.
 */
final class FilterStageHandler implements EventHandler<RingSlot> {

    private static final Logger LOG = LoggerFactory.getLogger(FilterStageHandler.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final int index;
    private final int workers;
    private final TagRoutes<FilterRoute> filters;
    private final RingCounters counters;
    private long lastErrorLog = System.nanoTime() - LOG_EVERY_NANOS;

    FilterStageHandler(int index, int workers, List<FilterRoute> filters, RingCounters counters) {
        this.index = index;
        this.workers = workers;
        this.filters = new TagRoutes<>(filters, FilterRoute::match, FilterRoute.class);
        this.counters = counters;
    }

    @Override
    public void onEvent(RingSlot slot, long sequence, boolean endOfBatch) {
        if (workers > 1 && (int) (sequence % workers) != index) {
            return;
        }
        LogRecord record = slot.record;
        String stage = "decode";
        try {
            if (!slot.decoder.decode(record)) {
                counters.parseErrors.increment();
            }
            for (FilterRoute route : filters.forTag(record.tag())) {
                stage = route.name();
                if (!route.filter().apply(record)) {
                    record.drop();
                    counters.dropped.increment();
                    return;
                }
            }
        } catch (RuntimeException e) {
            counters.stageErrors.increment();
            long now = System.nanoTime();
            if (now - lastErrorLog >= LOG_EVERY_NANOS) {
                lastErrorLog = now;
                LOG.warn("A filter failed on a record; the record goes on as it was. stage={} tag={} offset={} error={}",
                        stage, record.tag(), record.offset(), e.toString(), e);
            }
        }
    }
}
