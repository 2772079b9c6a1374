package dev.ferry.pipeline.ring;

import com.lmax.disruptor.EventHandler;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ring's last stage: writes each record to the outputs that match its tag, flushes them at the end
 * of every batch, and only then acknowledges the records' positions to their origins.
 *
 * <p>Runs on one thread and sees slots in sequence order. An output that fails to write or flush is
 * retried with a growing pause (up to 5 s) for as long as the ring runs, which holds the ring and so
 * pauses the inputs: nothing is dropped. If the ring is halted while an output is still failing, the
 * positions of the unflushed records are not acknowledged, so they are read again at the next start.
 */
final class OutputStageHandler implements EventHandler<RingSlot> {

    private static final Logger LOG = LoggerFactory.getLogger(OutputStageHandler.class);

    private final TagRoutes<OutputRoute> outputs;
    private final OutputRoute[] all;
    private final boolean[] dirty;
    private final RingCounters counters;
    private final BooleanSupplier halted;

    // Origins touched in the current batch, with the furthest offset seen; batches touch few origins.
    private RecordOrigin[] origins = new RecordOrigin[8];
    private long[] offsets = new long[8];
    private int originCount;
    private long pendingDelivered;
    private boolean abandoned;

    OutputStageHandler(List<OutputRoute> outputs, RingCounters counters, BooleanSupplier halted) {
        this.outputs = new TagRoutes<>(outputs, OutputRoute::match, OutputRoute.class);
        this.all = outputs.toArray(new OutputRoute[0]);
        this.dirty = new boolean[all.length];
        this.counters = counters;
        this.halted = halted;
    }

    @Override
    public void onEvent(RingSlot slot, long sequence, boolean endOfBatch) {
        if (abandoned) {
            return;
        }
        LogRecord record = slot.record;
        if (!record.dropped()) {
            OutputRoute[] targets = outputs.forTag(record.tag());
            if (targets.length == 0) {
                counters.unrouted.increment();
            } else {
                for (OutputRoute target : targets) {
                    if (!write(target, record)) {
                        return; // halted while failing: neither this record nor later ones are acknowledged
                    }
                }
                pendingDelivered++;
            }
        }
        RecordOrigin origin = record.origin();
        if (origin != null) {
            remember(origin, record.nextOffset());
        }
        if (endOfBatch) {
            endBatch();
        }
    }

    private boolean write(OutputRoute target, LogRecord record) {
        for (int attempt = 0; ; attempt++) {
            try {
                target.output().write(record);
                markDirty(target);
                return true;
            } catch (IOException | RuntimeException e) {
                if (!pause(target, "write", e, attempt)) {
                    return false;
                }
            }
        }
    }

    private void endBatch() {
        for (int i = 0; i < all.length; i++) {
            if (!dirty[i]) {
                continue;
            }
            for (int attempt = 0; ; attempt++) {
                try {
                    all[i].output().flush();
                    dirty[i] = false;
                    break;
                } catch (IOException | RuntimeException e) {
                    if (!pause(all[i], "flush", e, attempt)) {
                        return;
                    }
                }
            }
        }
        counters.delivered.add(pendingDelivered);
        pendingDelivered = 0;
        for (int i = 0; i < originCount; i++) {
            origins[i].acknowledge(offsets[i]);
            origins[i] = null;
        }
        originCount = 0;
    }

    /** Waits before the next attempt; false if the ring was halted meanwhile. */
    private boolean pause(OutputRoute target, String what, Exception e, int attempt) {
        if (halted.getAsBoolean()) {
            abandoned = true;
            LOG.error("Output failed while ferry was stopping; the records not yet handed on will be read again at the next start. output={} action={} error={}",
                    target.name(), what, e.toString());
            return false;
        }
        long millis = Math.min(5_000L, 100L << Math.min(attempt, 6));
        if (attempt == 0 || attempt % 10 == 0) {
            LOG.error("Output failed; retrying, inputs are paused meanwhile. output={} action={} attempt={} retry_in={}ms error={}",
                    target.name(), what, attempt + 1, millis, e.toString());
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
        return true;
    }

    private void markDirty(OutputRoute target) {
        for (int i = 0; i < all.length; i++) {
            if (all[i] == target) {
                dirty[i] = true;
                return;
            }
        }
    }

    private void remember(RecordOrigin origin, long nextOffset) {
        for (int i = 0; i < originCount; i++) {
            if (origins[i] == origin) {
                offsets[i] = nextOffset;
                return;
            }
        }
        if (originCount == origins.length) {
            origins = Arrays.copyOf(origins, originCount * 2);
            offsets = Arrays.copyOf(offsets, originCount * 2);
        }
        origins[originCount] = origin;
        offsets[originCount] = nextOffset;
        originCount++;
    }
}
