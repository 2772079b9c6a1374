package dev.ferry.pipeline.ring;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import dev.ferry.pipeline.record.TagPattern;
import dev.ferry.pipeline.spi.Parser;
import dev.ferry.pipeline.spool.SpoolEntry;
import dev.ferry.pipeline.spool.SpoolReader;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Feeds one output from the disk spool on a thread of its own: reads the entries the output's
 * {@code Match} takes, writes them, flushes every {@code batch} entries (and whenever it has caught up),
 * and only then commits the reader's position: everything before it has a final answer from the output
 * (delivered or dead-lettered). A failing output is retried with a growing pause while the spool keeps
 * the records; the ring and the inputs go on until the output's {@code storage.total_limit_size} is
 * reached.
 *
 * <p>An entry becomes a {@link LogRecord} again by parsing its JSON with the given parser (the same
 * bytes the ring wrote, so fields keep their original bytes), with the tag, time and origin the entry
 * carries; origins of spooled records take no acknowledgements (the spool already gave them to the
 * inputs).
 *
 * <p>Lifecycle: {@link #start()}, then {@link #drain(Duration)} to let it catch up, then {@link #close()}.
 */
public final class SpoolConsumer implements AutoCloseable {

    private static final long IDLE_PARK_NANOS = 2_000_000;

    private final OutputRoute route;
    private final SpoolReader reader;
    private final Parser json;
    private final RingCounters counters;
    private final int batch;
    private final TagRoutes<TagPattern> match;
    private final LogRecord record = new LogRecord();
    private final Map<String, RecordOrigin> origins = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean stopping;
    private volatile boolean caughtUp;
    private volatile Throwable failure;

    /**
     * @param json a JSON parser (ferry's {@code json}) to read entries back into records
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

    public void start() {
        thread.start();
    }

    /** Whether everything in the spool so far has been handed to the output and committed. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /**
     * Waits until the consumer has caught up with the spool, at most {@code timeout} (null: as long as it
     * takes, for {@code Exit_On_Eof} and replay).
     *
     * @return true if it caught up
     */
    public boolean drain(Duration timeout) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        caughtUp = false; // only a pass that finds nothing new after this call counts
        while (!caughtUp && thread.isAlive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(5_000_000);
        }
        return caughtUp;
    }

    /** Stops the thread; what was not committed is read again at the next start. */
    @Override
    public void close() {
        stopping = true;
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        int visited = 0;
        long pending = 0;
        long lastIndex = -1;
        try {
            while (running) {
                SpoolEntry e = reader.next();
                if (e == null) {
                    if (lastIndex >= 0) {
                        if (!flush(pending)) {
                            return;
                        }
                        reader.commit(lastIndex);
                        pending = 0;
                        visited = 0;
                        lastIndex = -1;
                    }
                    caughtUp = true;
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                    continue;
                }
                lastIndex = e.index();
                visited++;
                if (match.forTag(e.tag()).length > 0) {
                    load(e);
                    if (!write()) {
                        return;
                    }
                    pending++;
                }
                if (visited >= batch) {
                    if (!flush(pending)) {
                        return;
                    }
                    reader.commit(lastIndex);
                    pending = 0;
                    visited = 0;
                    lastIndex = -1;
                }
            }
        } catch (RuntimeException | Error t) {
            failure = t;
            throw t;
        }
    }

    private void load(SpoolEntry e) {
        record.reset(e.json(), 0, e.jsonLength());
        if (!json.parse(record)) {
            record.fields().clear();
            record.fields().appendText(LineDecoder.LOG_KEY, 0, record.lineLength());
        }
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
    }

    private boolean write() {
        for (int attempt = 0; ; attempt++) {
            try {
                route.output().write(record);
                return true;
            } catch (IOException | RuntimeException ex) {
                if (!OutputRetry.pause(route.name(), "write", ex, attempt, () -> stopping, "the spool keeps the records")) {
                    return false;
                }
            }
        }
    }

    private boolean flush(long written) {
        if (written == 0) {
            return true;
        }
        for (int attempt = 0; ; attempt++) {
            try {
                route.output().flush();
                counters.delivered.add(written);
                return true;
            } catch (IOException | RuntimeException ex) {
                if (!OutputRetry.pause(route.name(), "flush", ex, attempt, () -> stopping, "the spool keeps the records")) {
                    return false;
                }
            }
        }
    }

    /** The failure that ended the thread, if any (a bug: outputs report errors by throwing IOException). */
    public Throwable failure() {
        return failure;
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
