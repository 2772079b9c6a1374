package dev.ferry.pipeline.ring;

import com.lmax.disruptor.EventHandler;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import dev.ferry.pipeline.record.TagPattern;
import dev.ferry.pipeline.spool.SpoolWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ring's last stage when the disk spool is on: appends every record some output takes to the spool
 * (its JSON encoded once, into the writer's batch), and at the end of each ring batch hands the batch to
 * the spool with the records' positions ({@link SpoolWriter#flush(Runnable)}): the spool acknowledges them
 * to the inputs once the records are delivered to every output or written to disk (synced with
 * {@code storage.sync full}). The outputs read the spool on their own threads ({@link SpoolConsumer}), so a
 * slow or dead output never holds the ring.
 *
 * <p>When the spool is full ({@code storage.total_limit_size} of an output, or the spool's disk cap) the
 * stage waits for room, which holds the ring and so pauses the inputs: the log files are the buffer and
 * nothing is dropped. It says so when a pause begins (WARN, at most every 10 s: an output catching up
 * fills and frees the spool many times a second; all pauses are counted) and when a pause of a second or
 * more ends (INFO, with how long it lasted). While it waits, {@link #waitingForRoom()} is true, which
 * the ring passes on to the inputs ({@link LinePublisher#holdsInputs()}) so that they stop reading before
 * the ring is full.
 *
 * <p>When the filesystem under the spool is down to {@code storage.min_free} and the spool's memory is full, the
 * writer holds its documents ({@link SpoolWriter#flush(Runnable)} returns false) and the stage waits the same way,
 * at the end of the ring batch, until they are written (or delivered): records are acknowledged only then. That pause
 * is an ERROR (someone has to free the disk), repeated every minute while it lasts. Runs on one thread and
 * sees slots in sequence order. A record whose invalid UTF-8 came out as U+FFFD (parsed or spooled) is
 * counted and reported ({@link InvalidUtf8Reporter}); the outputs then read valid UTF-8 from the spool.
 */
final class SpoolStageHandler implements EventHandler<RingSlot> {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolStageHandler.class);
    private static final long PAUSE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long DISK_PAUSE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final SpoolWriter writer;
    private final TagRoutes<TagPattern> outputs;
    private final RingCounters counters;
    private final BooleanSupplier halted;
    private final InvalidUtf8Reporter invalidUtf8;

    private final PendingAcks acks = new PendingAcks();
    private boolean abandoned;
    /** When the current pause for room began (System.nanoTime), or 0 when not paused. */
    private long pausedSince;
    private long pauses;
    /** When the last pause was logged (System.nanoTime), or 0. */
    private long lastPauseLog;
    /** When the last pause for the disk under the spool was logged (System.nanoTime), or 0. */
    private long lastDiskLog;
    /** pausedSince != 0, for other threads. */
    private volatile boolean waiting;
    private long lastAppendErrorLog = System.nanoTime() - PAUSE_LOG_INTERVAL_NANOS;

    SpoolStageHandler(SpoolWriter writer, List<TagPattern> outputMatches, RingCounters counters, BooleanSupplier halted) {
        this.writer = writer;
        this.outputs = new TagRoutes<>(outputMatches, m -> m, TagPattern.class);
        this.counters = counters;
        this.halted = halted;
        this.invalidUtf8 = new InvalidUtf8Reporter(counters);
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
                    // The outputs must see what is held here to commit and make room. Once it is delivered or on
                    // disk its positions move on: a stop during the pause would otherwise read it again at the next
                    // start.
                    writer.flush(acks.detach());
                    if (!pauseForRoom(record)) {
                        return;
                    }
                }
                resumed();
                append(record);
            }
        }
        RecordOrigin origin = record.origin();
        if (origin != null) {
            acks.remember(origin, record.nextOffset());
        }
        if (endOfBatch) {
            boolean written = writer.flush(acks.detach());
            while (!written) {
                if (!pauseForRoom(record)) {
                    return;
                }
                written = writer.flush(null);
            }
            resumed();
        }
    }

    /**
     * Appends the record to the spool. One the spool cannot take (a tag or origin id over 64 KiB) cannot be
     * kept anywhere, and its input's position moves on with the next record's: it is counted as a stage error
     * and logged with where it came from, never passed over silently.
     */
    private void append(LogRecord record) {
        try {
            writer.append(record);
            counters.spooled.increment();
            invalidUtf8.written(record);
        } catch (RuntimeException e) {
            counters.stageErrors.increment();
            long now = System.nanoTime();
            if (now - lastAppendErrorLog >= PAUSE_LOG_INTERVAL_NANOS) {
                lastAppendErrorLog = now;
                RecordOrigin origin = record.origin();
                String tag = record.tag();
                LOG.error("A record could not be written to the spool; it is not delivered (counted in stage_errors). "
                        + "file={} offset={} tag={} error={}", origin == null ? "-" : origin.location(), record.offset(),
                        tag.length() <= 200 ? tag : tag.substring(0, 200) + "...", e.getMessage());
            }
        }
    }

    /**
     * One round of a pause for room (the spool full, or its disk down to storage.min_free): says so, then
     * waits up to 200 ms for room.
     *
     * @return false when the ring is halted: the stage gives up, and what it has not handed to the spool is
     *     not acknowledged and is read again at the next start
     */
    private boolean pauseForRoom(LogRecord record) throws InterruptedException {
        pausing(record);
        if (halted.getAsBoolean()) {
            abandoned = true;
            waiting = false;
            return false;
        }
        writer.awaitRoom(200, TimeUnit.MILLISECONDS);
        return true;
    }

    /** Whether the stage waits for room in a full spool now; any thread may ask. */
    boolean waitingForRoom() {
        return waiting;
    }

    private void pausing(LogRecord record) {
        long now = System.nanoTime();
        String disk = writer.diskProblem();
        if (disk != null) {
            // at most every 10 s when pauses begin (free space hovering at the reserve), every minute in one
            if (lastDiskLog == 0 || now - lastDiskLog >= (pausedSince == 0 ? PAUSE_LOG_INTERVAL_NANOS
                    : DISK_PAUSE_LOG_INTERVAL_NANOS)) {
                lastDiskLog = now;
                LOG.error("The disk under the spool is almost full; the inputs are paused until it has storage.min_free "
                        + "free again (nothing is dropped: the log files are the buffer). {} spooled={} paused_for={}ms",
                        disk, counters.spooled(), pausedSince == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(now - pausedSince));
            }
        }
        if (pausedSince != 0) {
            return;
        }
        pausedSince = now;
        waiting = true;
        pauses++;
        if (disk == null && (lastPauseLog == 0 || now - lastPauseLog >= PAUSE_LOG_INTERVAL_NANOS)) {
            lastPauseLog = now;
            LOG.warn("The spool is full; the inputs are paused until the outputs catch up. spooled={} pauses={} "
                    + "waiting_tag={}", counters.spooled(), pauses, record.tag());
        }
    }

    private void resumed() {
        if (pausedSince == 0) {
            return;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedSince);
        pausedSince = 0;
        waiting = false;
        if (ms >= 1000) {
            LOG.info("The spool has room again; the inputs resume. paused_for={}ms pauses={}", ms, pauses);
        }
    }
}
