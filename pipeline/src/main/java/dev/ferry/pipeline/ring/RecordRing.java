package dev.ferry.pipeline.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.ferry.pipeline.spool.SpoolWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LMAX Disruptor ring that carries records from the inputs through the parsers and filters to the
 * outputs.
 *
 * <pre>
 *  inputs ──publish()──▶ [ ring of RingSlot ] ──▶ FilterStageHandler × workers ──▶ OutputStageHandler
 *   (any thread)           claim, copy line       decode + filters (seq % workers)   write, flush at end
 *                                                                                     of batch, then ack
 * </pre>
 *
 * <p>With one worker both stages run on one thread, one after the other for each slot.
 *
 * <p>Slots are allocated once; publishing copies the line into the slot, so nothing is allocated per
 * record on the way. A full ring makes {@link #publish} wait (the inputs pause; nothing is dropped).
 * Lifecycle: {@link #start()}, then {@link #drainAndStop(Duration)} once the inputs have stopped
 * publishing: it waits until every published record has passed the output stage. Outputs are not
 * closed by the ring; whoever built them closes them after the ring has stopped.
 */
public final class RecordRing implements LinePublisher {

    private static final Logger LOG = LoggerFactory.getLogger(RecordRing.class);

    /** How the ring's threads wait for work; {@code blocking} uses least CPU when idle. */
    public enum Wait {
        BLOCKING, SLEEPING, YIELDING;

        WaitStrategy create() {
            return switch (this) {
                case BLOCKING -> new BlockingWaitStrategy();
                case SLEEPING -> new SleepingWaitStrategy();
                case YIELDING -> new YieldingWaitStrategy();
            };
        }
    }

    private final Disruptor<RingSlot> disruptor;
    private final RingBuffer<RingSlot> ring;
    private final RingCounters counters = new RingCounters();
    private final EventHandler<RingSlot> lastStage;
    /** The last stage when the disk spool is on, else null. */
    private final SpoolStageHandler spoolStage;
    private final int maxClaim;
    private volatile boolean halted;

    /**
     * @param slots ring size, a power of two
     * @param workers threads for the parse and filter stage (at least 1)
     * @param wait how the ring's threads wait
     * @param filters the filters in configuration order
     * @param outputs the outputs
     */
    public RecordRing(int slots, int workers, Wait wait, List<FilterRoute> filters, List<OutputRoute> outputs) {
        this(slots, workers, wait, filters, outputs, false);
    }

    /**
     * @param singleProducer true when only one thread ever publishes (one input): claiming slots then
     *     needs no atomic operation
     */
    public RecordRing(int slots, int workers, Wait wait, List<FilterRoute> filters, List<OutputRoute> outputs,
                      boolean singleProducer) {
        this(slots, workers, wait, filters, outputs, singleProducer, null);
    }

    /**
     * A ring whose last stage appends to the disk spool instead of writing to the outputs: the outputs
     * then read the spool on their own threads ({@link SpoolConsumer}), and the inputs' positions are
     * acknowledged once records are in the spool.
     *
     * @param spool the spool's writer, or null to write to the outputs directly ({@code storage.sync full}
     *     is the writer's: it syncs each batch before the inputs are acknowledged)
     */
    public RecordRing(int slots, int workers, Wait wait, List<FilterRoute> filters, List<OutputRoute> outputs,
                      boolean singleProducer, SpoolWriter spool) {
        this(slots, workers, wait, filters, outputs, singleProducer, spool, false);
    }

    /**
     * @param replay whether {@code ferry replay} runs the ring: an output that fails then logs that the replay
     *     waits, and what stopping meanwhile means for a replay (it keeps no positions)
     */
    public RecordRing(int slots, int workers, Wait wait, List<FilterRoute> filters, List<OutputRoute> outputs,
                      boolean singleProducer, SpoolWriter spool, boolean replay) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two: " + slots);
        }
        AtomicInteger threadNo = new AtomicInteger();
        disruptor = new Disruptor<>(RingSlot::new, slots, r -> {
            Thread t = new Thread(r, "ferry-ring-" + threadNo.getAndIncrement());
            t.setDaemon(true);
            return t;
        }, singleProducer ? ProducerType.SINGLE : ProducerType.MULTI, wait.create());
        spoolStage = spool == null ? null : new SpoolStageHandler(spool,
                outputs.stream().map(OutputRoute::match).toList(), counters, () -> halted);
        EventHandler<RingSlot> output = spoolStage == null
                ? new OutputStageHandler(outputs, counters, () -> halted,
                        replay ? OutputRetry.Holder.REPLAY : OutputRetry.Holder.INPUTS)
                : spoolStage;
        if (workers <= 1) {
            // One thread does both stages: no hand-over between stages, and no stage waiting on another
            // (the Disruptor's wait strategies spin while a stage waits on the one before it).
            FilterStageHandler filter = new FilterStageHandler(0, 1, filters, counters);
            lastStage = (slot, sequence, endOfBatch) -> {
                filter.onEvent(slot, sequence, endOfBatch);
                output.onEvent(slot, sequence, endOfBatch);
            };
            disruptor.handleEventsWith(lastStage);
        } else {
            @SuppressWarnings("unchecked")
            EventHandler<RingSlot>[] stage = new EventHandler[workers];
            for (int i = 0; i < stage.length; i++) {
                stage[i] = new FilterStageHandler(i, stage.length, filters, counters);
            }
            lastStage = output;
            disruptor.handleEventsWith(stage).then(lastStage);
        }
        disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler());
        ring = disruptor.getRingBuffer();
        maxClaim = Math.max(1, slots / 4);
    }

    public void start() {
        disruptor.start();
    }

    /** True while the spool stage waits for room in a full spool. */
    @Override
    public boolean holdsInputs() {
        return spoolStage != null && spoolStage.waitingForRoom();
    }

    @Override
    public void publish(LineBatch batch) throws InterruptedException {
        int i = 0;
        int size = batch.size();
        while (i < size) {
            int n = Math.min(size - i, maxClaim);
            long hi = claim(n);
            long lo = hi - n + 1;
            try {
                for (long seq = lo; seq <= hi; seq++) {
                    batch.copyInto(i++, ring.get(seq));
                }
            } finally {
                ring.publish(lo, hi);
            }
            counters.published.add(n);
        }
    }

    /** Claims the next {@code n} slots, pausing (interruptibly, without spinning hot) while the ring is full. */
    private long claim(int n) throws InterruptedException {
        long parkNanos = 50_000;
        while (true) {
            try {
                return ring.tryNext(n);
            } catch (InsufficientCapacityException full) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while the ring was full");
                }
                LockSupport.parkNanos(parkNanos);
                parkNanos = Math.min(parkNanos * 2, 2_000_000);
            }
        }
    }

    /**
     * Waits until every published record has passed the output stage, then stops the ring's threads.
     * Call after the inputs have stopped publishing. If the wait times out (an output is failing), the
     * ring is halted and the unflushed records' positions are not acknowledged.
     *
     * @return true if everything drained in time
     */
    public boolean drainAndStop(Duration timeout) {
        // Disruptor.shutdown() skips stages whose thread has not started yet, so it can return before a
        // record published right after start() was handled: wait on the output stage's sequence instead.
        long deadline = System.nanoTime() + timeout.toNanos();
        long end = ring.getCursor();
        while (disruptor.getSequenceValueFor(lastStage) < end) {
            if (System.nanoTime() > deadline) {
                LOG.error("The ring did not drain in time; halting it. timeout={} published={} delivered={}",
                        timeout, counters.published(), counters.delivered());
                halted = true;
                disruptor.halt();
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
        disruptor.halt();
        return true;
    }

    public RingCounters counters() {
        return counters;
    }

    /** Logs what escaped a stage (a bug: the stages catch record errors themselves) and keeps going. */
    private static final class LoggingExceptionHandler implements ExceptionHandler<RingSlot> {
        @Override
        public void handleEventException(Throwable ex, long sequence, RingSlot event) {
            LOG.error("Unexpected error in the ring; the record's position is not acknowledged. sequence={} error={}",
                    sequence, ex.toString(), ex);
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.error("Ring stage failed to start. error={}", ex.toString(), ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.error("Ring stage failed to stop. error={}", ex.toString(), ex);
        }
    }
}
