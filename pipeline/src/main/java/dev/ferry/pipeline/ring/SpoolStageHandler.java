package dev.ferry.pipeline.ring;

import com.lmax.disruptor.EventHandler;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import dev.ferry.pipeline.record.TagPattern;
import dev.ferry.pipeline.spool.SpoolWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The ring's last stage when the disk spool is on: appends every record some output takes to the spool
 * (its JSON encoded once, into the writer's batch), and at the end of each ring batch writes the batch
 * to the spool ({@link SpoolWriter#flush()}, which syncs it with {@code storage.sync full}) and only then
 * acknowledges the records' positions to the inputs. The outputs read
 * the spool on their own threads ({@link SpoolConsumer}), so a slow or dead output never holds the ring.
 *
 * <p>When the spool is full ({@code storage.total_limit_size} of an output, or the spool's disk cap) the
 * stage waits for room, which holds the ring and so pauses the inputs: the log files are the buffer and
 * nothing is dropped. Runs on one thread and sees slots in sequence order.
 */
final class SpoolStageHandler implements EventHandler<RingSlot> {

    private final SpoolWriter writer;
    private final TagRoutes<TagPattern> outputs;
    private final RingCounters counters;
    private final BooleanSupplier halted;

    private final PendingAcks acks = new PendingAcks();
    private boolean abandoned;

    SpoolStageHandler(SpoolWriter writer, List<TagPattern> outputMatches, RingCounters counters, BooleanSupplier halted) {
        this.writer = writer;
        this.outputs = new TagRoutes<>(outputMatches, m -> m, TagPattern.class);
        this.counters = counters;
        this.halted = halted;
    }

    @Override
    public void onEvent(RingSlot slot, long sequence, boolean endOfBatch) throws InterruptedException {
        if (abandoned) {
            return;
        }
        LogRecord record = slot.record;
        if (!record.dropped()) {
            if (outputs.forTag(record.tag()).length == 0) {
                counters.unrouted.increment();
            } else {
                while (!writer.hasRoom()) {
                    writer.flush(); // the outputs must see what is held here to commit and make room
                    if (halted.getAsBoolean()) {
                        abandoned = true; // not in the spool: not acknowledged, read again at the next start
                        return;
                    }
                    writer.awaitRoom(200, TimeUnit.MILLISECONDS);
                }
                writer.append(record);
                counters.spooled.increment();
            }
        }
        RecordOrigin origin = record.origin();
        if (origin != null) {
            acks.remember(origin, record.nextOffset());
        }
        if (endOfBatch) {
            writer.flush();
            acks.acknowledgeAll();
        }
    }
}
