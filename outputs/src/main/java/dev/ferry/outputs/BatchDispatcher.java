package dev.ferry.outputs;

import dev.ferry.pipeline.spi.PendingFlush;
import java.io.IOException;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands an output's batches to a fixed pool of sender threads ({@code Workers}) and lets the ring's
 * output thread wait until every batch has a final answer. Output-agnostic: each HTTP output supplies
 * the {@link Delivery} that sends one batch until each of its records is delivered or dead-lettered.
 *
 * <pre>
 *  output thread: submit(b) ──waits for a free slot──▶ worker: delivery.deliver(b) (retries inside)
 *                 awaitAll() ◀── returns when no batch is in flight ─┘
 *                 submitted(..).await() ◀── when the batches submitted before it have their answers
 * </pre>
 *
 * <p>Each batch gets the next number (a ticket) when it is submitted; {@link #submitted} is a
 * {@link PendingFlush} for the batches numbered so far, so the output thread can submit the next ones while
 * those are answered (the spool's consumer does).
 *
 * <p>Threads: {@link #submit}, {@link #submitCarried}, {@link #submitted} and {@link #awaitAll} are called by
 * one thread (the ring's output thread); {@link #carry} by workers; {@link #close} from any thread, also while
 * {@code awaitAll} waits (ferry stopping while the destination is down): workers are interrupted and
 * {@code awaitAll} throws promptly, so nothing is acknowledged.
 *
 * <p>Lanes ({@link #submit(Object, int)}): there are as many lanes as workers, and a lane delivers one batch
 * at a time, in the order the batches were submitted to it. An output that must keep a destination's order
 * (Loki's streams) submits all the batches of one stream on one lane; {@link #submit(Object)} hands a batch
 * to any free worker.
 *
 * <p>A batch whose records could not be given a final answer (the dead-letter file could not be written,
 * or the delivery failed unexpectedly) is {@linkplain #carry carried}: it stays here and is submitted
 * again by the next {@link #submitCarried}, on no lane (its order was lost when it failed) and with its
 * ticket, and {@link #throwIfCarried} makes the flush fail meanwhile.
 *
 * @param <B> the output's batch type
 */
public final class BatchDispatcher<B> {

    /** Sends one batch until each of its records has a final answer. Runs on a worker thread. */
    public interface Delivery<B> {
        /** @throws InterruptedException if the output is closing; the batch's records stay unacknowledged */
        void deliver(B batch) throws InterruptedException;
    }

    private static final Logger log = LoggerFactory.getLogger(BatchDispatcher.class);

    private final String name;
    private final String destination;
    private final Delivery<B> delivery;
    private final ExecutorService workers;
    private final Semaphore slots;
    /** One permit per lane: held while a batch of that lane is in flight. */
    private final Semaphore[] lanes;
    private final int size;
    private final Object done = new Object();
    /**
     * The tickets of the batches in flight, with how many of each (a carried batch sent again keeps its
     * ticket); under {@link #done}.
     */
    private final TreeMap<Long, Integer> inFlight = new TreeMap<>();
    /** The ticket of the batch a worker is delivering, for {@link #carry}. */
    private final ThreadLocal<Long> delivering = new ThreadLocal<>();
    private final ConcurrentLinkedQueue<Carried<B>> carried = new ConcurrentLinkedQueue<>();
    /** The last ticket given; the submitting thread's only. */
    private long lastTicket;
    private volatile boolean closed;

    /** A batch without a final answer, its ticket, and why. */
    private record Carried<B>(long ticket, B batch, String error) {
    }

    /**
     * @param name the output instance name (thread names, messages)
     * @param destination what the batches go to, for messages ("Elasticsearch", "Loki")
     * @param workers how many batches may be in flight (at least 1)
     */
    public BatchDispatcher(String name, String destination, int workers, Delivery<B> delivery) {
        this.name = name;
        this.destination = destination;
        this.delivery = delivery;
        this.size = Math.max(1, workers);
        AtomicInteger seq = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(size, r -> {
            Thread t = new Thread(r, "ferry-" + name + "-" + seq.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        this.slots = new Semaphore(size);
        this.lanes = new Semaphore[size];
        for (int i = 0; i < size; i++) {
            lanes[i] = new Semaphore(1);
        }
    }

    /** How many batches may be in flight. */
    public int workers() {
        return size;
    }

    /** How many more batches could be handed over now without waiting. */
    public int freeSlots() {
        return slots.availablePermits();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Hands {@code batch} to a worker, waiting for a free one. */
    public void submit(B batch) throws IOException {
        submit(batch, -1);
    }

    /**
     * Hands {@code batch} to a worker once the batches submitted before it on {@code lane} have their final
     * answers, so a lane's batches are delivered one at a time, in the order submitted.
     *
     * @param lane from 0 to {@link #workers()} - 1; -1 for none (any free worker, at once)
     */
    public void submit(B batch, int lane) throws IOException {
        submit(batch, lane, ++lastTicket);
    }

    private void submit(B batch, int lane, long ticket) throws IOException {
        Semaphore laneSlot = lane < 0 ? null : lanes[lane];
        if (laneSlot != null) {
            acquire(laneSlot);
        }
        try {
            acquire(slots);
        } catch (IOException e) {
            if (laneSlot != null) {
                laneSlot.release();
            }
            throw e;
        }
        synchronized (done) {
            inFlight.merge(ticket, 1, Integer::sum);
        }
        try {
            workers.execute(() -> {
                delivering.set(ticket);
                try {
                    delivery.deliver(batch);
                } catch (InterruptedException e) {
                    // Closing: the records stay unacknowledged. Marked closed before the ticket leaves inFlight, or a
                    // flush could see nothing in flight and return as if they were delivered (the output may set
                    // its own flag and close its client before it closes this dispatcher).
                    closed = true;
                } catch (RuntimeException | Error e) {
                    failedUnexpectedly(batch, e);
                } finally {
                    delivering.remove();
                    if (laneSlot != null) {
                        laneSlot.release();
                    }
                    slots.release();
                    answered(ticket);
                }
            });
        } catch (RejectedExecutionException e) {
            if (laneSlot != null) {
                laneSlot.release();
            }
            slots.release();
            answered(ticket);
            throw new IOException("the " + destination + " output " + name + " is closed", e);
        }
    }

    // The batch with this ticket left its worker (a carried one is in the carried queue by then).
    private void answered(long ticket) {
        synchronized (done) {
            inFlight.computeIfPresent(ticket, (t, n) -> n == 1 ? null : n - 1);
            done.notifyAll();
        }
    }

    /** Takes a permit of {@code s}, waiting while the dispatcher is open. */
    private void acquire(Semaphore s) throws IOException {
        try {
            while (!s.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    throw new IOException("the " + destination + " output " + name + " was closed while waiting to send");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to send to " + destination, e);
        }
    }

    /**
     * Logs a delivery's unexpected failure (a bug) and keeps {@code batch} to be sent again. A delivery that
     * moves its records to another batch as it goes (the ones to retry) calls this itself with that one.
     */
    public void failedUnexpectedly(B batch, Throwable e) {
        log.error("{} output failed unexpectedly; the records will be sent again. output={} error={}",
                destination, name, e.toString(), e);
        carry(batch, e.toString());
    }

    /**
     * Keeps {@code batch} (records without a final answer) until the next {@link #submitCarried}. Called by the
     * worker delivering the batch that held those records, whose ticket it keeps.
     */
    public void carry(B batch, String error) {
        Long ticket = delivering.get();
        carried.add(new Carried<>(ticket == null ? 0 : ticket, batch, error));
    }

    /** Submits the carried batches again (the start of a flush). */
    public void submitCarried() throws IOException {
        for (Carried<B> c = carried.poll(); c != null; c = carried.poll()) {
            submit(c.batch(), -1, c.ticket());
        }
    }

    /**
     * The batches submitted so far, to wait on: its {@link PendingFlush#await} returns once each has its final
     * answer, calling {@code answered} first (the output's dead-letter warnings), and throws as
     * {@link #awaitAll} and {@link #throwIfCarried} do, for those batches only.
     */
    public PendingFlush submitted(Runnable answered, Path deadLetterFile) {
        long through = lastTicket;
        return () -> {
            awaitThrough(through);
            answered.run();
            throwIfCarried(through, deadLetterFile);
        };
    }

    /**
     * Waits until no batch is in flight.
     *
     * @throws IOException if the dispatcher was closed before that (the records are not acknowledged)
     */
    public void awaitAll() throws IOException {
        awaitThrough(Long.MAX_VALUE);
    }

    private void awaitThrough(long ticket) throws IOException {
        synchronized (done) {
            while (!inFlight.isEmpty() && inFlight.firstKey() <= ticket && !closed) {
                try {
                    done.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for " + destination, e);
                }
            }
        }
        if (closed) {
            // The count of unfinished requests races with workers giving up on close, so it is not named.
            throw new IOException("the " + destination + " output " + name + " was closed before every record had a"
                    + " final answer; those records are not acknowledged and are read again at the next start");
        }
    }

    /** Throws if batches are carried (after {@link #awaitAll}): their records have no final answer yet. */
    public void throwIfCarried(Path deadLetterFile) throws IOException {
        throwIfCarried(Long.MAX_VALUE, deadLetterFile);
    }

    private void throwIfCarried(long ticket, Path deadLetterFile) throws IOException {
        for (Carried<B> c : carried) {
            if (c.ticket() <= ticket) {
                throw new IOException("records have no final answer yet and are sent again (dead-letter file "
                        + deadLetterFile + "): " + c.error());
            }
        }
    }

    /** Stops the workers (interrupting deliveries) and wakes {@link #awaitAll}; waits up to 5 s for them. */
    public void close() {
        closed = true;
        workers.shutdownNow();
        synchronized (done) {
            done.notifyAll();
        }
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
