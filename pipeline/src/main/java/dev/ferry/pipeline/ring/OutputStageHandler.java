package dev.ferry.pipeline.ring;

import com.lmax.disruptor.EventHandler;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The ring's last stage: writes each record to the outputs that match its tag, flushes them at the end
 * of every batch, and only then acknowledges the records' positions to their origins.
 *
 * <p>Runs on one thread and sees slots in sequence order. An output that fails to write or flush is
 * retried with a growing pause (up to 5 s) for as long as the ring runs, which holds the ring and so
 * pauses the inputs: nothing is dropped. If the ring is halted while an output is still failing, the
 * positions of the unflushed records are not acknowledged, so they are read again at the next start (a
 * replay counts them as not handed on).
 * A record whose invalid UTF-8 came out as U+FFFD (parsed or written) is counted and reported
 * ({@link InvalidUtf8Reporter}).
 */
final class OutputStageHandler implements EventHandler<RingSlot> {

    private final TagRoutes<OutputRoute> outputs;
    private final OutputRoute[] all;
    private final boolean[] dirty;
    private final long[] written;
    private final RingCounters counters;
    private final BooleanSupplier halted;
    private final OutputRetry.Holder holder;
    private final InvalidUtf8Reporter invalidUtf8;

    private final PendingAcks acks = new PendingAcks();
    private long pendingDelivered;
    private boolean abandoned;

    /** @param holder who holds the records while an output fails ({@code INPUTS}, or {@code REPLAY}), for the log */
    OutputStageHandler(List<OutputRoute> outputs, RingCounters counters, BooleanSupplier halted, OutputRetry.Holder holder) {
        this.holder = holder;
        this.outputs = new TagRoutes<>(outputs, OutputRoute::match, OutputRoute.class);
        this.all = outputs.toArray(new OutputRoute[0]);
        this.dirty = new boolean[all.length];
        this.written = new long[all.length];
        this.counters = counters;
        this.halted = halted;
        this.invalidUtf8 = new InvalidUtf8Reporter(counters);
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
                invalidUtf8.written(record);
                pendingDelivered++;
            }
        }
        RecordOrigin origin = record.origin();
        if (origin != null) {
            acks.remember(origin, record.nextOffset());
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
                    all[i].counters().flushed.add(written[i]);
                    written[i] = 0;
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
        acks.acknowledgeAll();
    }

    /** Waits before the next attempt; false if the ring was halted meanwhile. */
    private boolean pause(OutputRoute target, String what, Exception e, int attempt) {
        target.counters().failures.increment();
        if (!OutputRetry.pause(target.name(), what, e, attempt, halted, holder)) {
            abandoned = true;
            return false;
        }
        return true;
    }

    private void markDirty(OutputRoute target) {
        for (int i = 0; i < all.length; i++) {
            if (all[i] == target) {
                dirty[i] = true;
                written[i]++;
                return;
            }
        }
    }
}
