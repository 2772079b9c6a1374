package dev.ferry.outputs.elasticsearch;

import dev.ferry.outputs.BatchDispatcher;
import dev.ferry.outputs.DeadLetter;
import dev.ferry.outputs.DeadLetterStore;
import dev.ferry.outputs.DeadLetterWarnings;
import dev.ferry.outputs.DeliveryCounters;
import dev.ferry.outputs.RateLimitedLog;
import dev.ferry.outputs.RetrySchedule;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import dev.ferry.pipeline.spi.Output;
import dev.ferry.pipeline.spi.PendingFlush;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code es} output: delivers every record exactly once into Elasticsearch, or into the dead-letter
 * file with the reason, never silently nowhere.
 *
 * <pre>
 *  ring output thread                            worker threads (Workers, default 2)
 *  write(record) ─EsEncoder─▶ BulkChunk ─full─▶ send ─EsService─▶ POST /_bulk
 *  flush() ─────────────────▶ last chunk ────▶   │ items ─EsRetryPolicy─▶ delivered / retry alone / dead letter
 *          ◀── returns when every chunk is final ┘ retries: RetrySchedule (backoff, full jitter, Retry_Limit)
 * </pre>
 *
 * <p>Threads: {@link #write}, {@link #flush} and {@link #startFlush} are called by the ring's single output
 * thread. {@code write} encodes into the current chunk; a chunk that reaches {@code bulk_max_size} is
 * handed to a worker at once, so sending overlaps encoding; at most {@code Workers} chunks are in flight
 * (write waits for a free worker). {@link #flush} hands over the last chunk and returns only when every
 * record written so far has a final answer ({@link #startFlush} hands it over and returns at once; the
 * spool's consumer encodes the next records while its {@code await} waits for those answers): delivered
 * (201, or 409 on its own id: already there), or written to the dead-letter file (rejected by
 * Elasticsearch, or still failing after {@code Retry_Limit} retries: "retry limit reached: last error").
 * Items answered 429/5xx are sent again alone in a new bulk request after a backoff; a whole request that
 * fails (connection, timeout, 5xx, 429, 413...) is sent again whole (a 413 of several records is split in
 * two first).
 *
 * <p>{@link #close} may be called from another thread while flush is blocked retrying (ferry is stopping
 * and the endpoint is down): workers are interrupted, and {@code flush} throws an {@link IOException}
 * promptly, so nothing is acknowledged and the records are read again at the next start. Records
 * written but not flushed before close are not sent either (close does not flush).
 *
 * <p>With {@code dead_letter.index}, dead letters are also indexed into that index once they are in the file
 * ({@link EsDeadLetterIndex}: one attempt; a refusal leaves them in the file only, counted).
 *
 * <p>If the dead-letter file cannot be written, the records concerned stay in the output and
 * {@code flush} throws; the next {@code flush} (the ring retries it) sends them again.
 */
public final class EsOutput implements Output {

    private static final Logger log = LoggerFactory.getLogger(EsOutput.class);

    private final EsConfig config;
    private final String name;
    private final EsEncoder encoder;
    private final EsService service;
    private final RetrySchedule schedule;
    private final DeadLetterStore deadLetters;
    private final DeliveryCounters counters = new DeliveryCounters();
    private final int chunkBytes;
    private final BatchDispatcher<BulkChunk> dispatcher;
    private final DeadLetterWarnings warnings;
    /** Where dead letters are also indexed ({@code dead_letter.index}), or null. */
    private final EsDeadLetterIndex deadLetterIndex;
    private final ConcurrentLinkedQueue<BulkChunk> pool = new ConcurrentLinkedQueue<>();
    private final RateLimitedLog errorLog = new RateLimitedLog(10_000);
    private volatile boolean closed;
    private BulkChunk current;

    /** @param name the instance name ({@code es.0} or the Alias), for logs and the dead-letter file name */
    public EsOutput(EsConfig config, String name) throws IOException {
        this(config, name, RetrySchedule.of(config.retryLimit()));
    }

    EsOutput(EsConfig config, String name, RetrySchedule schedule) throws IOException {
        this.config = config;
        this.name = name;
        this.encoder = new EsEncoder(config);
        this.service = new EsService(config);
        this.schedule = schedule;
        this.deadLetters = new DeadLetterStore(config.deadLetterPath().resolve(name + ".ndjson"));
        this.chunkBytes = (int) Math.min(Integer.MAX_VALUE - 1024, config.bulkMaxSize());
        int n = Math.max(1, config.workers());
        this.dispatcher = new BatchDispatcher<>(name, "Elasticsearch", n, this::deliver);
        this.warnings = new DeadLetterWarnings(name, "Elasticsearch", counters, deadLetters.file());
        this.deadLetterIndex = config.deadLetterIndex() == null ? null
                : new EsDeadLetterIndex(config.deadLetterIndex(), service, name);
        log.info("Elasticsearch output ready. output={} hosts={} workers={} bulk_max_size={} retry_limit={} "
                + "dead_letter_file={}", name, config.host(), n, chunkBytes, config.retryLimit(), deadLetters.file());
    }

    /** What became of the records so far; readable from any thread. */
    public DeliveryCounters counters() {
        return counters;
    }

    @Override
    public dev.ferry.pipeline.spi.DeliveryStats deliveryStats() {
        return counters;
    }

    @Override
    public long deadLettered() {
        return counters.deadLettered.sum();
    }

    /** The dead-letter file (created on the first dead letter). */
    public java.nio.file.Path deadLetterFile() {
        return deadLetters.file();
    }

    @Override
    public void write(LogRecord record) throws IOException {
        if (closed) {
            throw new IOException("the Elasticsearch output " + name + " is closed");
        }
        if (current == null) {
            current = takeChunk();
        }
        BulkChunk c = current;
        int start = c.body.length();
        try {
            encoder.encode(record, c.body);
        } catch (RuntimeException e) {
            c.truncate(start);
            throw e;
        }
        RecordOrigin origin = record.origin();
        c.add(start, encoder.lastDocumentStart(), encoder.lastIndex(), record.tag(),
                origin == null ? null : origin.id(), record.offset(), record.lineHash());
        if (c.body.length() >= chunkBytes) {
            current = null;
            submit(c);
        }
    }

    @Override
    public long requestBytes() {
        return chunkBytes; // bulk_max_size: a flush is a bulk request
    }

    @Override
    public void flush() throws IOException {
        startFlush().await();
    }

    @Override
    public PendingFlush startFlush() throws IOException {
        if (closed) {
            throw new IOException("the Elasticsearch output " + name + " is closed; the records are not acknowledged");
        }
        dispatcher.submitCarried();
        if (current != null && current.count > 0) {
            BulkChunk c = current;
            current = null;
            submit(c);
        }
        return dispatcher.submitted(() -> warnings.maybeWarn(false), deadLetters.file());
    }

    @Override
    public void close() throws IOException {
        closed = true;
        service.close();
        dispatcher.close();
        warnings.maybeWarn(true);
        if (deadLetterIndex != null) {
            deadLetterIndex.close();
        }
        deadLetters.close();
        log.info("Elasticsearch output closed. output={} {}", name, counters);
    }

    private BulkChunk takeChunk() {
        BulkChunk c = pool.poll();
        int full = (int) Math.min(Integer.MAX_VALUE - 8, chunkBytes + 64L * 1024);
        return c != null ? c : new BulkChunk(Math.min(full, 1 << 20), full);
    }

    private void release(BulkChunk c) {
        c.clear();
        if (pool.size() < dispatcher.freeSlots() + 4) {
            pool.add(c);
        }
    }

    /** Hands {@code c} to a worker, waiting for a free one. */
    private void submit(BulkChunk c) throws IOException {
        dispatcher.submit(c);
    }

    /**
     * Sends {@code first} until each of its records is delivered or dead-lettered. Runs on a worker. Records
     * to retry move to a new chunk and {@code first} goes back to the pool, so an unexpected failure hands the
     * dispatcher the chunk that holds the records without an answer at that moment, not {@code first}.
     */
    private void deliver(BulkChunk first) throws InterruptedException {
        BulkChunk c = first;
        try {
            while (true) {
                if (closed) {
                    throw new InterruptedException("closed");
                }
                EsBulkResponse r = null;
                String error;
                int status = 0;
                if (config.traceOutput()) {
                    log.info("Elasticsearch bulk request (Trace_Output). output={} host={} records={} body=\n{}", name,
                            service.currentHost(), c.count, c.text());
                }
                try {
                    r = service.send(c.body.array(), c.body.length(), c.count);
                    error = wholeFailure(r, c);
                    status = r.httpStatus();
                } catch (IOException e) {
                    error = e.getMessage();
                    if (closed) {
                        throw new InterruptedException("closed");
                    }
                    if (errorLog.allow("unreachable")) {
                        log.error("Elasticsearch cannot be reached; retrying. output={} host={} retries={} error={}",
                                name, service.currentHost(), c.retries, e.getMessage());
                    }
                }
                if (error != null) {
                    counters.failedRequests.increment();
                    if (r != null && EsRetryPolicy.refusesARecord(status, r.wholeErrorType())) {
                        if (c.count > 1) {
                            splitAndDeliver(c, status, error);
                        } else {
                            c.failedAll(status, r.wholeErrorType() == null ? error
                                    : itemError(status, r.wholeErrorType(), r.wholeReason()));
                            deadLetterAll(c, "");
                        }
                        return;
                    }
                    if (r != null) {
                        logWholeFailure(r, c, error);
                    }
                    c.failedAll(status, error);
                    if (!retryLater(c)) {
                        return;
                    }
                    continue;
                }
                BulkChunk retry = null;
                String retryError = null;
                String retryKey = null;
                List<DeadLetter> letters = null;
                List<Integer> letterItems = null;
                int delivered = 0;
                int present = 0;
                if (!r.errors()) {
                    delivered = c.count;
                } else {
                    for (int i = 0; i < c.count; i++) {
                        int s = r.status(i);
                        String type = r.errorType(i);
                        EsRetryPolicy.Action action = EsRetryPolicy.forItem(s, type, config.writeOperation());
                        if (action != EsRetryPolicy.Action.DELIVERED && config.traceError()) {
                            log.error("Elasticsearch refused a document (Trace_Error). output={} status={} error={} "
                                    + "request=\n{}", name, s, itemError(s, type, r.reason(i)), c.lines(i));
                        }
                        switch (action) {
                            case DELIVERED -> {
                                delivered++;
                                if (EsRetryPolicy.isAlreadyPresent(s, type, config.writeOperation())) {
                                    present++;
                                }
                            }
                            case RETRY -> {
                                if (retry == null) {
                                    retry = takeChunk();
                                    retry.retries = c.retries;
                                }
                                retry.appendFrom(c, i);
                                retry.failed(retry.count - 1, s, itemError(s, type, r.reason(i)));
                                if (retryError == null) {
                                    retryError = itemError(s, type, r.reason(i));
                                    retryKey = "items-" + s + "-" + type;
                                }
                            }
                            case DEAD_LETTER -> {
                                if (letters == null) {
                                    letters = new ArrayList<>();
                                    letterItems = new ArrayList<>();
                                }
                                letters.add(c.letter(i, s, itemError(s, type, r.reason(i)),
                                        System.currentTimeMillis()));
                                letterItems.add(i);
                            }
                        }
                    }
                }
                counters.delivered.add(delivered);
                counters.alreadyPresent.add(present);
                if (letters != null) {
                    deadLetter(c, letters, letterItems);
                }
                if (retry != null && !config.traceError() && errorLog.allow(retryKey)) {
                    log.warn("Elasticsearch refused documents for a reason that may pass; retrying them. output={} "
                            + "host={} refused={} of={} retries={} error={}", name, service.currentHost(), retry.count,
                            c.count, c.retries, abbreviate(retryError, 300));
                }
                release(c);
                if (retry == null) {
                    return;
                }
                c = retry;
                if (!retryLater(c)) {
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            dispatcher.failedUnexpectedly(c, e);
        }
    }

    /** Why the whole response failed, or null if its items are to be read. */
    private static String wholeFailure(EsBulkResponse r, BulkChunk c) {
        if (EsRetryPolicy.forResponse(r.httpStatus()) == EsRetryPolicy.Action.RETRY) {
            String body = r.body() == null ? "" : r.body().replace('\n', ' ');
            return "HTTP " + r.httpStatus() + (body.isEmpty() ? "" : " " + abbreviate(body, 300));
        }
        if (r.errors() && r.itemCount() != c.count) {
            return "the bulk response has " + r.itemCount() + " items for " + c.count + " actions";
        }
        return null;
    }

    private void logWholeFailure(EsBulkResponse r, BulkChunk c, String error) {
        int s = r.httpStatus();
        if (s == 401) {
            if (errorLog.allow("auth")) {
                String user = service.user();
                log.error("Elasticsearch authentication failed for {} (HTTP 401); retrying. output={} host={} retries={}",
                        user == null ? (config.auth() != null && config.auth().apiKey() != null ? "the API key"
                                : "anonymous requests") : "user " + user, name, service.currentHost(), c.retries);
            }
            return;
        }
        if (config.traceError()) {
            log.error("Elasticsearch refused a bulk request (Trace_Error); retrying. output={} host={} status={} records={} "
                    + "retries={} response={} request=\n{}", name, service.currentHost(), s, c.count, c.retries, r.body(),
                    c.text());
        } else if (errorLog.allow("status-" + s)) {
            log.error("Elasticsearch refused a bulk request; retrying. output={} host={} status={} records={} retries={} "
                    + "error={}", name, service.currentHost(), s, c.count, c.retries, abbreviate(error, 200));
        }
    }

    /**
     * Waits the backoff before another attempt of {@code c}; if the retry limit is reached, dead-letters
     * its records instead and returns false.
     */
    private boolean retryLater(BulkChunk c) throws InterruptedException {
        long next = c.retries + 1L;
        if (!schedule.allows(next)) {
            counters.retryLimitsReached.increment();
            deadLetterAll(c, "retry limit reached: ");
            return false;
        }
        c.retries++;
        counters.retried.add(c.count);
        counters.retriedRequests.increment();
        long delay = schedule.delayMillis(next);
        if (delay > 0) {
            Thread.sleep(delay);
        }
        return true;
    }

    /** Dead-letters every record of {@code c}, each with what made its last attempt fail, and releases it. */
    private void deadLetterAll(BulkChunk c, String reasonPrefix) throws InterruptedException {
        List<DeadLetter> letters = new ArrayList<>(c.count);
        List<Integer> items = new ArrayList<>(c.count);
        long now = System.currentTimeMillis();
        for (int i = 0; i < c.count; i++) {
            letters.add(c.letterOfLastFailure(i, reasonPrefix, now));
            items.add(i);
        }
        deadLetter(c, letters, items);
        release(c);
    }

    /** Sends {@code c} again in two halves: Elasticsearch refused it for what one of its records is. */
    private void splitAndDeliver(BulkChunk c, int status, String error) throws InterruptedException {
        int half = c.count / 2;
        BulkChunk a = takeChunk();
        BulkChunk b = takeChunk();
        for (int i = 0; i < c.count; i++) {
            (i < half ? a : b).appendFrom(c, i);
        }
        a.retries = c.retries;
        b.retries = c.retries;
        release(c);
        if (status == 413) {
            log.warn("Elasticsearch refused a bulk request as too large (HTTP 413); sending it in two halves. output={} "
                    + "records={} hint=lower bulk_max_size or raise http.max_content_length", name, a.count + b.count);
        } else if (errorLog.allow("split-" + status)) {
            log.warn("Elasticsearch refused a bulk request for one of its records (HTTP {}); sending it in two halves, "
                    + "down to that record, which goes to the dead-letter file. output={} records={} error={}", status,
                    name, a.count + b.count, abbreviate(error, 300));
        }
        deliver(a);
        deliver(b);
    }

    private void deadLetter(BulkChunk c, List<DeadLetter> letters, List<Integer> items) throws InterruptedException {
        try {
            deadLetters.append(letters);
            counters.deadLettered.add(letters.size());
            warnings.reason(letters.get(letters.size() - 1).reason());
            warnings.maybeWarn(false);
            if (deadLetterIndex != null) {
                deadLetterIndex.index(letters); // after the file: a refusal leaves them there only, counted
            }
        } catch (IOException e) {
            BulkChunk keep = takeChunk();
            for (int i : items) {
                keep.appendFrom(c, i);
            }
            log.error("Cannot write the dead-letter file; the records stay in the output and are sent again. output={} "
                    + "file={} records={} error={}", name, deadLetters.file(), letters.size(), e.toString());
            dispatcher.carry(keep, e.toString());
        }
    }

    private static String itemError(int status, String type, String reason) {
        return "HTTP " + status + (type == null ? "" : " " + type) + (reason == null ? "" : ": " + reason);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    @Override
    public String toString() {
        return "EsOutput[" + name + ", " + service + "]";
    }
}
