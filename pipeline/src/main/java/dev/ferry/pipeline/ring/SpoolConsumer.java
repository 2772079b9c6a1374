package dev.ferry.pipeline.ring;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.MemberSpans;
import dev.ferry.pipeline.record.RecordOrigin;
import dev.ferry.pipeline.record.TagPattern;
import dev.ferry.pipeline.spi.Output;
import dev.ferry.pipeline.spi.Parser;
import dev.ferry.pipeline.spi.PendingFlush;
import dev.ferry.pipeline.spool.SpoolEntry;
import dev.ferry.pipeline.spool.SpoolReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one output from the disk spool on a thread of its own: reads the entries the output's
 * {@code Match} takes, writes them, starts a flush every {@code batch} entries (and whenever it has caught
 * up, or, for an output that batches over the flush interval, once the first record it holds is that old;
 * see {@link #holdForFlushInterval}), and commits the reader's position after a batch only once that flush
 * is answered: everything before it has a final answer from the output (delivered or dead-lettered). One
 * batch's flush is answered while the next batch is read and written ({@link Output#startFlush}): its answer
 * is awaited when the next one starts, or when the consumer has caught up. A failing output is retried with a
 * growing pause while the spool keeps the records; the ring and the inputs go on until the output's
 * {@code storage.total_limit_size} is reached.
 *
 * <p>An entry becomes a {@link LogRecord} again with the tag, time and origin the entry carries and its
 * JSON as the line; the JSON is split into fields only when the output asks for a field
 * ({@link dev.ferry.pipeline.record.RecordFields#defer}), so an output that writes the record's JSON out as it
 * is never reads it again. The split is at the member spans the entry carries
 * ({@link dev.ferry.pipeline.record.RecordFields#splitAt}), the JSON's values unscanned (the ring wrote them,
 * from values its parser checked). The writer keeps spans once an output reads the fields of most records, and
 * from then on its records are split as they are loaded. The given parser reads the JSON of an entry without spans
 * (spooled before that, by an earlier ferry, or stored uncompressed on disk, where no checksum tells that its bytes
 * are as written) or whose spans do not fit its bytes. Origins of spooled records take no acknowledgements (the
 * spool already gave them to the inputs).
 *
 * <p>An exception other than the output's own (a bug, or a spool that cannot be read at all, such as
 * zstd documents without zstd's native library) ends the thread: it is logged with the output's name and
 * completes {@link #failed()}, so the agent stops instead of leaving the output silently behind while the
 * spool fills. A damaged document does not end it ({@link SpoolReader} passes it), nor a position that
 * cannot be saved (a full disk): the output waits while the save is retried.
 *
 * <p>Lifecycle: {@link #start()}, then {@link #drain(Duration, BooleanSupplier)} to let it catch up, then
 * {@link #close()}.
 */
public final class SpoolConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolConsumer.class);

    private static final long IDLE_PARK_NANOS = 2_000_000;

    private final OutputRoute route;
    private final SpoolReader reader;
    private final Parser json;
    private final RingCounters counters;
    private final int batch;
    private final TagRoutes<TagPattern> match;
    private final LogRecord record = new LogRecord();
    private final Runnable split = this::split;
    private final MemberSpans spans = new MemberSpans();
    /** The entry loaded into {@link #record}: its split runs, if at all, while the output writes it. */
    private SpoolEntry loaded;
    /**
     * Whether the output reads the fields of most records (at least half of a window of {@link #SPLIT_WINDOW}
     * loaded): from then on records are split as they are loaded, and the spool's writer was asked to give records
     * member tables. An output that reads fields now and then (a field-name check its key mask could not rule out)
     * keeps the deferral, and the spool writes no tables for it.
     */
    private boolean readsFields;
    private static final int SPLIT_WINDOW = 1024;
    private int loadsInWindow;
    private int splitsInWindow;
    private final Map<String, RecordOrigin> origins = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean stopping;
    // drain() asks with a new number; the consumer answers with the number it had read before a next()
    // that found nothing, so an answer always comes from a pass that started after the question.
    private volatile long drainAsked;
    private volatile long drainAnswered;
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    /** How long a caught-up consumer holds a batch's records before it flushes them; 0: at once. */
    private long holdNanos;
    /** How many bytes of records (their JSON) a caught-up consumer holds at most. */
    private long holdBytes;
    /** The JSON bytes of the records written to the output in the batch being read; the consumer thread's only. */
    private long batchBytes;
    /** Whether no more records are coming to join a held batch (every input that ends has read to its end). */
    private BooleanSupplier nothingMoreComing = () -> false;
    /** When the first record of the batch being read went to the output; the consumer thread's only. */
    private long batchStartNanos;
    /** The batch whose flush was started and not yet awaited, or null; the consumer thread's only. */
    private Flushing flushing;

    /** A batch whose flush was started: what to wait on, the sequence to commit after it, its records. */
    private record Flushing(PendingFlush pending, long last, long written) {
    }

    /**
     * @param json a JSON parser to read entries back into records (ferry's {@code json} cutting fields only,
     *     {@code JsonParser.fieldsOnly}: the entry carries the time)
     * @param batch entries read between flushes at most
     */
    public SpoolConsumer(OutputRoute route, SpoolReader reader, Parser json, RingCounters counters, int batch) {
        this.route = route;
        this.reader = reader;
        this.json = json;
        this.counters = counters;
        this.batch = batch;
        this.match = new TagRoutes<>(List.of(route.match()), m -> m, TagPattern.class);
        this.thread = new Thread(this::run, "ferry-out-" + route.name());
        this.thread.setDaemon(true);
    }

    /**
     * Has the consumer hold what it wrote to the output, once it has caught up with the spool, until the first of
     * those records is {@code interval} old (Fluent Bit's {@code Flush}), unless they reach {@code maxBytes} of JSON
     * first (no trickle, then: the output has sent, or is about to send, a full request), the batch reaches its entry
     * cap, the spool's memory is half full ({@link SpoolReader#memoryHalfFull}: held records are not committed, so
     * their documents stay in memory, and their input positions wait), a drain asks for it, or
     * {@code nothingMoreComing} (every input that ends has read to its end, or ferry is stopping): so that a slow
     * trickle of records makes one request per interval, not one per ring batch. For outputs whose flush is a request
     * ({@link Output#requestBytes}). Call before {@link #start}.
     */
    public void holdForFlushInterval(Duration interval, long maxBytes, BooleanSupplier nothingMoreComing) {
        this.holdNanos = interval.toNanos();
        this.holdBytes = maxBytes;
        this.nothingMoreComing = nothingMoreComing;
    }

    public void start() {
        thread.start();
    }

    /**
     * Waits until the consumer has caught up with the spool, at most {@code timeout} (null: as long as it
     * takes, for {@code Exit_On_Eof} and replay) and only while {@code giveUp} is false.
     *
     * @return true if it caught up
     */
    public boolean drain(Duration timeout, BooleanSupplier giveUp) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        long asked = drainAsked + 1;
        drainAsked = asked; // only a pass that starts after this and finds nothing new counts
        while (drainAnswered < asked && thread.isAlive()) {
            if (System.nanoTime() > deadline || giveUp.getAsBoolean()) {
                return false;
            }
            LockSupport.parkNanos(5_000_000);
        }
        return drainAnswered >= asked;
    }

    /**
     * Stops the thread; what was not committed is read again at the next start. A thread still busy after a
     * second is in its output (a flush waiting on an unreachable Elasticsearch, Retry_Limit False) or in a
     * retry pause: it is interrupted, which ends those waits, so a stop takes Grace and not much more.
     */
    @Override
    public void close() {
        stopping = true;
        running = false;
        try {
            thread.join(1_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        int visited = 0;
        long pending = 0;
        long last = -1;
        try {
            while (running) {
                long asked = drainAsked;
                SpoolEntry e = reader.next();
                if (e == null) {
                    if (last >= 0 && holding(pending, asked)) {
                        if (flushing != null && !settle()) {
                            return;
                        }
                        LockSupport.parkNanos(IDLE_PARK_NANOS);
                        continue;
                    }
                    if (last >= 0) {
                        if (!startFlush(last, pending)) {
                            return;
                        }
                        pending = 0;
                        visited = 0;
                        last = -1;
                    }
                    if (flushing != null && !settle()) {
                        return;
                    }
                    drainAnswered = asked;
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                    continue;
                }
                last = e.sequence();
                visited++;
                if (match.forTag(e.tag()).length > 0) {
                    load(e);
                    if (!write()) {
                        return;
                    }
                    if (pending++ == 0) {
                        batchStartNanos = System.nanoTime();
                        batchBytes = 0;
                    }
                    batchBytes += e.jsonLength();
                }
                if (visited >= batch) {
                    if (!startFlush(last, pending)) {
                        return;
                    }
                    pending = 0;
                    visited = 0;
                    last = -1;
                }
            }
        } catch (RuntimeException | Error t) {
            LOG.error("Output stopped: reading its records from the spool failed. output={} error={}", route.name(), t.toString(), t);
            failed.complete(t);
        }
    }

    /** Whether a caught-up consumer keeps holding the {@code pending} records of its batch (see the class doc). */
    private boolean holding(long pending, long drainAskedBefore) {
        return pending > 0 && holdNanos > 0 && batchBytes < holdBytes && System.nanoTime() - batchStartNanos < holdNanos
                && drainAskedBefore == drainAnswered && !nothingMoreComing.getAsBoolean() && !reader.memoryHalfFull();
    }

    private void load(SpoolEntry e) {
        record.reset(e.json(), e.jsonOffset(), e.jsonLength());
        loaded = e;
        record.tag(e.tag());
        if (e.timeFromLog()) {
            record.logTime(e.timeNanos());
        } else {
            record.readTime(e.timeNanos());
        }
        String id = e.originId();
        RecordOrigin origin = id == null ? null : origins.computeIfAbsent(id, SpooledOrigin::new);
        if (origins.size() > 10_000) {
            origins.clear();
        }
        record.origin(origin, e.offset(), e.nextOffset());
        record.lineHash(e.lineHash());
        if (readsFields) {
            split(); // at once, not through the deferral
            return;
        }
        record.fields().defer(record.lineLength(), e.keyMask(), split);
        if (++loadsInWindow == SPLIT_WINDOW) {
            if (2 * splitsInWindow >= SPLIT_WINDOW) {
                readsFields = true;
                reader.keepMemberSpans(); // the records spooled from now on carry their spans
            }
            loadsInWindow = 0;
            splitsInWindow = 0;
        }
    }

    // Splits the loaded record's JSON into fields; the record keeps the time the spool carried.
    private void split() {
        long time = record.timeNanos();
        boolean fromLog = record.timeFromLog();
        splitsInWindow++;
        boolean cut = loaded.members(spans) && cutAtSpans();
        if (!cut && !json.parse(record)) {
            record.fields().clear();
            record.fields().appendText(LineDecoder.LOG_KEY, 0, record.lineLength());
        }
        if (fromLog) {
            record.logTime(time);
        } else {
            record.readTime(time);
        }
    }

    // Cuts the loaded record at its member spans; false (no fields) if they do not fit. A bug here costs a parse.
    private boolean cutAtSpans() {
        try {
            return record.fields().splitAt(spans, record.lineLength());
        } catch (RuntimeException e) {
            record.fields().clear();
            return false;
        }
    }

    private boolean write() {
        for (int attempt = 0; ; attempt++) {
            try {
                route.output().write(record);
                return true;
            } catch (IOException | RuntimeException ex) {
                route.counters().failures.increment();
                if (!OutputRetry.pause(route.name(), "write", ex, attempt, () -> stopping, OutputRetry.Holder.SPOOL)) {
                    return false;
                }
            }
        }
    }

    /**
     * Starts the flush of the batch read up to {@code last} ({@code written} records of it went to the output),
     * then settles the batch before it, so that one batch's answers come while the next is read. A flush that was
     * answered before it returned ({@link PendingFlush#DONE}: stdout, file, null) is settled at once, so such an
     * output's position is never a batch behind what it wrote.
     *
     * @return false when ferry is stopping first
     */
    private boolean startFlush(long last, long written) {
        PendingFlush pending = PendingFlush.DONE;
        for (int attempt = 0; written > 0; attempt++) {
            try {
                pending = route.output().startFlush();
                break;
            } catch (IOException | RuntimeException ex) {
                if (!flushFailed(ex, attempt)) {
                    return false;
                }
            }
        }
        if (flushing != null && !settle()) {
            return false;
        }
        flushing = new Flushing(pending, last, written);
        return pending != PendingFlush.DONE || settle();
    }

    /**
     * Waits for the answers of the started flush and commits its batch. When they fail, the output is flushed
     * whole (which sends what had no final answer again) until that succeeds.
     *
     * @return false when ferry is stopping first
     */
    private boolean settle() {
        Flushing f = flushing;
        for (int attempt = 0; ; attempt++) {
            try {
                if (attempt == 0) {
                    f.pending().await();
                } else {
                    route.output().flush();
                }
                break;
            } catch (IOException | RuntimeException ex) {
                if (!flushFailed(ex, attempt)) {
                    return false;
                }
            }
        }
        counters.delivered.add(f.written());
        route.counters().flushed.add(f.written());
        if (!commit(f.last())) {
            return false;
        }
        flushing = null;
        return true;
    }

    // Counts a failed flush and pauses before the next attempt; false when ferry is stopping.
    private boolean flushFailed(Exception ex, int attempt) {
        route.counters().failures.increment();
        return OutputRetry.pause(route.name(), "flush", ex, attempt, () -> stopping, OutputRetry.Holder.SPOOL);
    }

    /**
     * Saves the reader's position after {@code last}. A position file that cannot be written (a full disk, an
     * I/O error) is retried with the outputs' backoff, and the output waits meanwhile: the records before it
     * are delivered, and are sent again only if ferry stops before a save succeeds (Elasticsearch keeps one
     * copy of each, by its id). Reading on would grow the reader's list of unsaved entries without bound.
     *
     * @return false when ferry is stopping and the position is still not saved
     */
    private boolean commit(long last) {
        for (int attempt = 0; ; attempt++) {
            try {
                reader.commit(last);
                if (attempt > 0) {
                    LOG.info("The output's spool position is saved again. output={} attempts={}", route.name(), attempt + 1);
                }
                return true;
            } catch (UncheckedIOException ex) {
                if (!OutputRetry.pause(LOG, "Saving the output's spool position failed; the output waits and retries (the "
                        + "records before it are delivered; the spool keeps them until it is saved).",
                        "The output's spool position could not be saved before ferry stopped; records it delivered since "
                        + "the last save are sent again at the next start.",
                        "output=" + route.name(), ex.getCause(), attempt, () -> stopping)) {
                    return false;
                }
            }
        }
    }

    /** Completed with what ended the thread when it failed (see the class comment); never when it stops normally. */
    public CompletableFuture<Throwable> failed() {
        return failed;
    }

    /** The output's name. */
    public String name() {
        return route.name();
    }

    /** The spool reader it reads with. */
    public SpoolReader reader() {
        return reader;
    }

    /** The origin of spooled records: its id and offsets only; the spool already acknowledged the input. */
    private record SpooledOrigin(String id) implements RecordOrigin {
        @Override
        public String path() {
            return "";
        }

        @Override
        public void acknowledge(long nextOffset) {
        }
    }
}
