package dev.ferry.outputs.loki;

import dev.ferry.outputs.BatchDispatcher;
import dev.ferry.outputs.DeadLetter;
import dev.ferry.outputs.DeadLetterStore;
import dev.ferry.outputs.DeadLetterWarnings;
import dev.ferry.outputs.DeliveryCounters;
import dev.ferry.outputs.HttpClients;
import dev.ferry.outputs.RateLimitedLog;
import dev.ferry.outputs.RetrySchedule;
import dev.ferry.pipeline.filter.RecordAccessor;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import dev.ferry.pipeline.spi.Output;
import dev.ferry.pipeline.spi.PendingFlush;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code loki} output: delivers every record to Loki as one entry of its stream, or into the
 * dead-letter file with Loki's reason, never silently nowhere.
 *
 * <pre>
 *  ring output thread                                   worker threads (Workers, default 2)
 *  write(record) ─LokiLabels─▶ stream ─LokiLineEncoder─▶ LokiBatch ─full─▶ deliver, one push per stream:
 *                          (per tenant and the stream's lane)  ─▶ lane's worker, one batch at a time
 *  flush() ──────────────────────────────────────────▶ last batch ─▶   LokiEncoder (protobuf+snappy | json)
 *          ◀── returns when every entry is final ────────────────┐     LokiRateLimiter (rate_limit)
 *                                                                 │     LokiService: POST /loki/api/v1/push
 *   delivered (204) ◀── LokiRetryPolicy ──▶ retry (429/5xx/connection: backoff + jitter, Retry-After)
 *                                      ├──▶ 400: LokiRejections names entries: dead letter those, resend the rest
 *                                      └──▶ 413: halves
 * </pre>
 *
 * <p>Threads: {@link #write}, {@link #flush} and {@link #startFlush} are called by the ring's single output
 * thread. A stream always goes through the same one of {@code Workers} lanes ({@link LokiStream#lane}); a
 * batch (one per tenant and lane) that reaches {@code batch_max_size} bytes of lines is handed to its lane,
 * which sends its batches one at a time in the order written ({@link BatchDispatcher#submit(Object, int)}),
 * so a stream's entries reach Loki in the order sent, as a Loki with {@code unordered_writes: false} needs,
 * and a retry or a resend after a 400 is never overtaken by a newer push of its stream. Each stream of a
 * batch goes in a push of its own ({@link #deliver}: Loki 3 answers a push with its last stream's result
 * only). At most {@code Workers} pushes are in flight. {@link #flush} hands over the open batches and
 * returns only when every record written so far has a final answer: delivered, or written to the
 * dead-letter file (named in Loki's 400 answer, with Loki's reason; or still failing after
 * {@code Retry_Limit} retries: "retry limit reached: last error"). {@link #startFlush} hands them over and
 * returns at once; its {@code await} waits for those answers while the spool's consumer writes the next
 * records.
 *
 * <p>Entry timestamps are the records' own times ({@link LogRecord#timeNanos()}); within a stream the
 * entries of a push are sent in timestamp order ({@link LokiEncoder}).
 *
 * <p>A 400 is never retried as it is and never dropped: Loki stores the valid entries of a push it answers
 * 400 to, so the rest of the push is sent again at once and the named entries are dead-lettered. Loki drops
 * a resent entry only when it is identical (timestamp and line) to its stream's last appended line or to one
 * still in the stream's head block ({@code chunk_block_size}, 256KB by default): a resend soon after adds no
 * duplicates, but an entry stored longer ago is stored again. Where the answer's totals line shows the named
 * entries are all Loki ignored in the stream, the others are counted delivered and not sent again (see
 * {@link LokiRejections#markStored}). A 400 whose body names no entry of the push dead-letters the whole push
 * with the body as reason.
 *
 * <p>A bug met while sending (a RuntimeException) carries to the next flush only the entries that have no
 * final answer yet, never one already dead-lettered or counted delivered ({@link #deliverStream}); that
 * flush fails and its records stay unacknowledged until then.
 *
 * <p>A 429 in the ingester's per-stream form (Loki's per-stream rate limit: {@code entry with timestamp ...
 * ignored ... total ignored: N out of M for stream: S}) is a partial acceptance: Loki stored the other
 * entries, so only the named ones are retried (backoff, counted against {@code Retry_Limit}) and the others
 * are counted delivered. Any other 429 retries the whole batch.
 *
 * <p>Under {@code ferry replay} ({@code replay} true) entries are not sent at each flush: they are held and
 * sent oldest first, one push at a time so each stream reaches Loki in time order ({@link LokiReplayOrder},
 * bounded by {@code replay_sort_buffer}); the rest at {@link #finish}. Entries older than
 * {@code acceptance_window} are announced before they are sent and their fate counted ({@link
 * LokiReplayAge}). Pacing is {@code rate_limit}, in replay as in a live run. A flush under replay thus
 * acknowledges records still held: the replay input keeps no positions, and a replay that is killed is
 * run again (Loki drops the entries identical to ones it already has).
 *
 * <p>{@link #close} may be called from another thread while flush (or, under replay, finish: the agent does
 * so on a stop signal) is blocked retrying: the connections are closed (requests in flight fail), workers are
 * interrupted and {@code flush} or {@code finish} throws promptly, so nothing is acknowledged or counted delivered. Records written but not
 * flushed before close are not sent (close does not flush).
 */
public final class LokiOutput implements Output {

    private static final Logger log = LoggerFactory.getLogger(LokiOutput.class);

    private final LokiConfig config;
    private final String name;
    private final LokiService service;
    private final RetrySchedule schedule;
    private final DeadLetterStore deadLetters;
    private final DeliveryCounters counters = new DeliveryCounters();
    private final DeadLetterWarnings warnings;
    private final BatchDispatcher<LokiBatch> dispatcher;
    private final LokiRateLimiter rateLimiter;
    private final RateLimitedLog errorLog = new RateLimitedLog(10_000);
    private final LokiStreams streams;
    private final LokiLabels.Scratch scratch = new LokiLabels.Scratch();
    private final LokiLineEncoder lineEncoder;
    private final LokiStructuredMetadata metadata;
    /**
     * The batches being filled, per lane ({@link LokiStream#lane}) and tenant ("" for none): a stream's entries
     * always go to its lane, whose batches the dispatcher delivers one at a time in order. One lane under replay.
     */
    private final List<Map<String, LokiBatch>> openByLane = new ArrayList<>();
    private final ThreadLocal<LokiEncoder> encoders = ThreadLocal.withInitial(LokiEncoder::new);
    private final ThreadLocal<ByteSink> bodies = ThreadLocal.withInitial(() -> new ByteSink(64 * 1024));
    /** Null unless replaying. */
    private final LokiReplayOrder replayOrder;
    /** Null unless replaying. */
    private final LokiReplayAge replayAge;
    private volatile boolean closed;
    /** Delivered batches kept for reuse ({@link #recycle}, {@link #newBatch}). */
    private final ConcurrentLinkedQueue<LokiBatch> pool = new ConcurrentLinkedQueue<>();
    /** Bytes of lines and entries of the last batch that reached batch_max_size (0: none yet); output thread only. */
    private int fullLines;
    private int fullEntries;
    /** Under replay: times the held entries passed replay_sort_buffer (output thread only). */
    private long replayReleases;

    /** @param name the instance name ({@code loki.0} or the Alias), for logs and the dead-letter file name */
    public LokiOutput(LokiConfig config, String name) throws IOException {
        this(config, name, false);
    }

    /** @param replay whether {@code ferry replay} runs it: entries are then held and sent oldest first */
    public LokiOutput(LokiConfig config, String name, boolean replay) throws IOException {
        this(config, name, RetrySchedule.of(config.retryLimit()), replay);
    }

    LokiOutput(LokiConfig config, String name, RetrySchedule schedule) throws IOException {
        this(config, name, schedule, false);
    }

    LokiOutput(LokiConfig config, String name, RetrySchedule schedule, boolean replay) throws IOException {
        this.config = config;
        this.replayOrder = replay ? new LokiReplayOrder(config.replaySortBuffer(), config.batchMaxSize()) : null;
        this.replayAge = replay ? new LokiReplayAge(name, config.acceptanceWindow(), System.currentTimeMillis()) : null;
        this.name = name;
        this.service = new LokiService(config);
        this.schedule = schedule;
        this.deadLetters = new DeadLetterStore(config.deadLetterPath().resolve(name + ".ndjson"));
        this.warnings = new DeadLetterWarnings(name, "Loki", counters, deadLetters.file());
        this.dispatcher = new BatchDispatcher<>(name, "Loki", Math.max(1, config.workers()), this::deliver);
        for (int lane = replay ? 1 : dispatcher.workers(); lane > 0; lane--) {
            openByLane.add(new HashMap<>());
        }
        this.rateLimiter = new LokiRateLimiter(config.rateLimit(), config.batchMaxSize());
        this.streams = new LokiStreams(name, config.maxLabelValues());
        // Keys whose values went to labels or structured metadata leave the line (Fluent Bit's remove_keys_derived).
        this.metadata = new LokiStructuredMetadata(config.structuredMetadata(), config.structuredMetadataMaps());
        List<RecordAccessor> remove = new ArrayList<>(config.removeKeys());
        remove.addAll(config.labels().keysToRemove());
        remove.addAll(metadata.keysToRemove());
        this.lineEncoder = new LokiLineEncoder(config.lineFormat(), config.dropSingleKey(), remove);
        log.info("Loki output ready. output={} host={} uri={} push_format={} compress={} workers={} batch_max_size={} "
                + "retry_limit={} rate_limit={} dead_letter_file={}", name, service.hostPort(), config.uri(),
                config.protobuf() ? "protobuf" : "json", config.protobuf() ? "snappy" : config.gzip() ? "gzip" : "none",
                dispatcher.workers(), config.batchMaxSize(),
                config.retryLimit(), config.rateLimit() <= 0 ? "off" : config.rateLimit() + "B/s",
                deadLetters.file());
        if (replay) {
            log.info("Loki output replaying: entries are held and sent oldest first, one push at a time. output={} "
                    + "replay_sort_buffer={} acceptance_window={} rate_limit={}", name, config.replaySortBuffer(),
                    config.acceptanceWindow(), config.rateLimit() <= 0 ? "off" : config.rateLimit() + "B/s");
        }
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

    /** New streams that took a label past {@code max_label_values}; readable from any thread. */
    public long streamsOverLabelLimit() {
        return streams.overLimit.sum();
    }

    /** Under replay: entries sent that were older than {@code acceptance_window} when the replay started. */
    public long replayOldEntries() {
        return replayAge == null ? 0 : replayAge.oldSent();
    }

    /** Under replay: how many of {@link #replayOldEntries()} Loki refused (they are in the dead-letter file). */
    public long replayOldEntriesDeadLettered() {
        return replayAge == null ? 0 : replayAge.oldDeadLettered();
    }

    /** The dead-letter file (created on the first dead letter). */
    public Path deadLetterFile() {
        return deadLetters.file();
    }

    /**
     * How far behind a stream's newest entry Loki accepts entries ({@code acceptance_window}): replay must
     * keep a stream's entries within it.
     */
    public Duration acceptanceWindow() {
        return config.acceptanceWindow();
    }

    /** The most bytes per second pushed ({@code rate_limit}), 0 for none. */
    public long rateLimit() {
        return config.rateLimit();
    }

    @Override
    public void write(LogRecord record) throws IOException {
        if (closed) {
            throw new IOException("the Loki output " + name + " is closed");
        }
        String tenant = tenant(record);
        String labels = config.labels().build(record, scratch);
        LokiStream stream = streams.intern(labels, scratch);
        String key = tenant == null ? "" : tenant;
        int lane = openByLane.size() == 1 ? 0 : stream.lane(openByLane.size());
        Map<String, LokiBatch> open = openByLane.get(lane);
        LokiBatch b = open.get(key);
        if (b == null && tenant != null && LokiTenantId.problem(tenant) != null) {
            refuseTenant(record, tenant, stream);
            return;
        }
        if (b == null) {
            b = newBatch(tenant);
            open.put(key, b);
        }
        int start = b.lines.length();
        try {
            lineEncoder.encode(record, b.lines);
        } catch (RuntimeException e) {
            b.lines.truncate(start);
            throw e;
        }
        RecordOrigin origin = record.origin();
        b.add(start, stream, record.timeNanos(), metadata.of(record), record.tag(), origin == null ? null : origin.id(),
                record.offset(), record.lineHash());
        if (replayOrder != null) {
            if (replayOrder.full(open.values())) {
                releaseOlderHalf();
            }
        } else if (b.bytes >= config.batchMaxSize()) {
            open.remove(key);
            fullLines = b.linesLength();
            fullEntries = b.count;
            dispatcher.submit(b, lane);
        }
    }

    /**
     * A batch to fill: one a worker has delivered ({@link #recycle}), or a new one sized like the last batch that
     * filled up (its lines and entries), or small (64 KiB) when none has. Most flushes of a live tail carry far less
     * than batch_max_size, while a backlog fills batch after batch; each of those grew its buffers from small by
     * doubling (4 MiB allocated for every 1 MiB push) before batches were sized and kept.
     */
    private LokiBatch newBatch(String tenant) {
        LokiBatch b = pool.poll();
        if (b != null) {
            b.reuse(tenant);
            return b;
        }
        if (fullEntries == 0) {
            return new LokiBatch(tenant, (int) Math.min(config.batchMaxSize() + 1024, 64 * 1024));
        }
        return new LokiBatch(tenant, fullLines + 4096, fullEntries + fullEntries / 8);
    }

    /**
     * Keeps a delivered batch for {@link #newBatch}: every entry has its final answer and nothing refers to it any
     * more. At most a batch per worker and two more are kept, and only those of at least 64 KiB.
     */
    private void recycle(LokiBatch b) {
        if (b.linesCapacity() >= 64 * 1024 && pool.size() < dispatcher.workers() + 2) {
            pool.add(b);
        }
    }

    @Override
    public void flush() throws IOException {
        startFlush().await();
    }

    @Override
    public long requestBytes() {
        return config.batchMaxSize(); // a flush is a push
    }

    @Override
    public PendingFlush startFlush() throws IOException {
        if (closed) {
            throw new IOException("the Loki output " + name + " is closed; the records are not acknowledged");
        }
        dispatcher.submitCarried();
        if (replayOrder == null) {
            for (int lane = 0; lane < openByLane.size(); lane++) {
                Map<String, LokiBatch> open = openByLane.get(lane);
                for (LokiBatch b : open.values()) {
                    if (b.count > 0) {
                        dispatcher.submit(b, lane);
                    }
                }
                open.clear();
            }
        }
        return dispatcher.submitted(() -> warnings.maybeWarn(false), deadLetters.file());
    }

    /** Under replay, sends every held entry oldest first; returns when each has a final answer. */
    @Override
    public void finish() throws IOException {
        if (replayOrder == null) {
            return;
        }
        if (closed) {
            throw new IOException("the Loki output " + name + " is closed; the entries it held are not sent");
        }
        List<LokiBatch> pushes = new ArrayList<>();
        Map<String, LokiBatch> open = openByLane.get(0);
        for (LokiBatch b : open.values()) {
            if (b.count > 0) {
                pushes.addAll(replayOrder.releaseAll(b));
            }
        }
        open.clear();
        sendInOrder(pushes);
        dispatcher.submitCarried();
        dispatcher.awaitAll();
        warnings.maybeWarn(false);
        replayAge.summary();
        dispatcher.throwIfCarried(deadLetters.file());
    }

    /** Under replay, past {@code replay_sort_buffer}: sends the older half of what is held. */
    private void releaseOlderHalf() throws IOException {
        List<LokiBatch> pushes = new ArrayList<>();
        LokiBatch[] keep = new LokiBatch[1];
        for (Map.Entry<String, LokiBatch> e : openByLane.get(0).entrySet()) {
            pushes.addAll(replayOrder.releaseOlderHalf(e.getValue(), keep));
            e.setValue(keep[0]);
        }
        if (replayReleases++ == 0) {
            log.info("Replay holds more than replay_sort_buffer; the older half is sent now (and so on each time it "
                    + "fills), and entries read later that are older than it reach Loki out of order. output={} "
                    + "replay_sort_buffer={} pushes={}", name, replayOrder.bound(), pushes.size());
        }
        sendInOrder(pushes);
    }

    /** Sends {@code pushes} one at a time, in their order, so that each stream reaches Loki in time order. */
    private void sendInOrder(List<LokiBatch> pushes) throws IOException {
        replayAge.beforeSending(pushes);
        for (LokiBatch p : pushes) {
            dispatcher.submit(p);
            dispatcher.awaitAll();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        if (replayOrder != null) {
            long held;
            try {
                held = openByLane.get(0).values().stream().mapToInt(LokiBatch::count).sum();
            } catch (RuntimeException e) {
                held = -1; // the output thread is still writing (a drain that timed out): how many is not known
            }
            if (held != 0) {
                log.warn("The replay ended before the entries held for ordering were sent; run it again. output={} "
                        + "entries={}", name, held < 0 ? "unknown" : held);
            }
        }
        service.close();
        dispatcher.close();
        warnings.maybeWarn(true);
        deadLetters.close();
        log.info("Loki output closed. output={} {} streams_over_label_limit={}", name, counters,
                streams.overLimit.sum());
    }

    /**
     * Dead-letters a record whose tenant (from {@code Tenant_ID_Key}) Loki refuses: Loki answers any push
     * for that tenant with an error that no retry can change, so the record is never sent.
     */
    private void refuseTenant(LogRecord record, String tenant, LokiStream stream) {
        LokiBatch one = new LokiBatch(tenant, 1024);
        lineEncoder.encode(record, one.lines);
        RecordOrigin origin = record.origin();
        one.add(0, stream, record.timeNanos(), metadata.of(record), record.tag(), origin == null ? null : origin.id(),
                record.offset(), record.lineHash());
        deadLetter(one, new boolean[] {true}, new String[] {"not sent: Loki refuses the tenant of "
                + config.tenantIdKey() + ": " + LokiTenantId.problem(tenant)}, 0);
    }

    private String tenant(LogRecord record) {
        if (config.tenantIdKey() != null) {
            String t = config.tenantIdKey().text(record);
            if (t != null && !t.isEmpty()) {
                return t;
            }
        }
        return config.tenantId();
    }

    /**
     * Sends {@code batch} until each of its entries is delivered or dead-lettered, each stream in a push of its
     * own (streams in the order they first appear). Runs on a worker.
     *
     * <p>One stream per push because Loki 3's ingester answers a push with its LAST stream's result only
     * ({@code pkg/ingester/instance.go Push}: "the returned error only reflects what happened to the last stream
     * in the request"): sent together, the refusals of every other stream would come back as a 204 and those
     * entries be counted delivered, in neither Loki nor the dead-letter file. Alone in its push, each stream's
     * answer is its own.
     */
    private void deliver(LokiBatch batch) throws InterruptedException {
        if (!batch.severalStreams()) {
            if (deliverStream(batch)) {
                recycle(batch);
            }
            return;
        }
        List<LokiBatch> streams = batch.withoutByStream(new boolean[batch.count]);
        recycle(batch); // its entries are copied into the batches of its streams
        for (LokiBatch one : streams) {
            deliverStream(one);
        }
    }

    /**
     * Sends {@code batch}, the entries of one stream, until each is delivered or dead-lettered. As it goes,
     * {@code batch} becomes the entries still without a final answer (after a 400, what Loki did not name; after a
     * per-stream 429, what it did): if a bug throws, those are the ones carried to the next flush, never one
     * already dead-lettered or counted delivered.
     *
     * @return false if {@code first} itself was carried (it is kept for the next flush, so not to be reused)
     */
    private boolean deliverStream(LokiBatch first) throws InterruptedException {
        LokiBatch batch = first;
        LokiEncoder encoder = encoders.get();
        ByteSink body = bodies.get();
        try {
            while (true) {
                if (closed) {
                    throw new InterruptedException("closed");
                }
                body.reset();
                byte[] payload;
                int length;
                if (config.protobuf()) {
                    encoder.encodeProtobuf(batch, body);
                    length = encoder.snappy(body.array(), body.length());
                    payload = encoder.compressed();
                } else {
                    encoder.encodeJson(batch, body);
                    payload = body.array();
                    length = body.length();
                    if (config.gzip()) {
                        try {
                            payload = HttpClients.gzip(payload, length);
                        } catch (IOException e) {
                            throw new IllegalStateException("gzip into memory failed", e);
                        }
                        length = payload.length;
                    }
                }
                rateLimiter.acquire(batch.bytes);
                LokiService.Response r = null;
                String error;
                long retryAfter = -1;
                try {
                    r = service.send(payload, length, batch.tenant);
                    error = null;
                } catch (java.io.IOException e) {
                    error = e.getMessage();
                    if (closed) {
                        throw new InterruptedException("closed");
                    }
                    if (errorLog.allow("unreachable")) {
                        log.error("Loki cannot be reached; retrying. output={} host={} retries={} error={}", name,
                                service.hostPort(), batch.retries, e.getMessage());
                    }
                }
                if (r != null) {
                    switch (LokiRetryPolicy.forStatus(r.status())) {
                        case DELIVERED -> {
                            counters.delivered.add(batch.count);
                            return true;
                        }
                        case REJECTED -> {
                            LokiBatch rest = rejected(batch, r.body());
                            if (rest == null) {
                                return true;
                            }
                            counters.retried.add(rest.count);
                            batch = rest;
                            continue;
                        }
                        case SPLIT -> {
                            split(batch, r);
                            return true;
                        }
                        case RETRY -> {
                            error = "HTTP " + r.status() + (r.body().isBlank() ? "" : " " + oneLine(r.body(), 300));
                            retryAfter = LokiRetryPolicy.retryAfterMillis(r.retryAfter(), System.currentTimeMillis());
                            logRetry(r, batch, retryAfter);
                            if (r.status() == 429) {
                                batch = rateLimited(batch, r.body());
                            }
                        }
                    }
                }
                counters.failedRequests.increment();
                batch.lastError = error;
                batch.lastStatus = r == null ? 0 : r.status();
                if (!retryLater(batch, retryAfter)) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            // A bug: batch holds the entries without a final answer, never one already dead-lettered or delivered.
            dispatcher.failedUnexpectedly(batch, e);
            return batch != first;
        }
    }

    /**
     * Dead-letters the entries a 400 body names, counts delivered those the body shows Loki stored
     * ({@link LokiRejections#markStored}), and returns the rest to send again (null when none is left, or when
     * the body named none: then the whole batch is dead-lettered). The body is read whole before anything is
     * written or counted, so a failure while reading it leaves {@code batch} untouched.
     */
    private LokiBatch rejected(LokiBatch batch, String body) {
        List<LokiRejections.Rejection> rejections = LokiRejections.parse(body);
        boolean[] marked = new boolean[batch.count];
        String[] reasons = new String[batch.count];
        boolean[] done = new boolean[batch.count];
        int n = LokiRejections.attribute(batch, rejections, marked, reasons);
        int stored = 0;
        if (n == 0) {
            String reason = "HTTP 400 " + oneLine(body, 1000);
            java.util.Arrays.fill(marked, true);
            java.util.Arrays.fill(reasons, reason);
            n = batch.count;
            if (errorLog.allow("400-unattributed")) {
                log.error("Loki refused a push and its answer names no entry; the whole batch goes to the dead-letter "
                        + "file. output={} entries={} answer={}", name, batch.count, oneLine(body, 300));
            }
        } else {
            stored = LokiRejections.markStored(batch, body, marked, done);
        }
        deadLetter(batch, marked, reasons, 400);
        if (stored > 0) {
            counters.delivered.add(stored);
        }
        if (n + stored == batch.count) {
            return null;
        }
        for (int i = 0; i < batch.count; i++) {
            done[i] |= marked[i];
        }
        return batch.without(done);
    }

    /**
     * What to send again after a 429: the whole batch, unless the body is the ingester's per-stream form
     * ({@code entry with timestamp ... ignored ... total ignored: N out of M for stream: S}, {@code stream.go
     * errorForFailedEntries} answers the per-stream rate limit so): Loki stored the other entries of that
     * push, so only the named entries go again (and the rest of a named stream when the totals line does not
     * show the named ones are all Loki ignored of it); the others are counted delivered.
     */
    private LokiBatch rateLimited(LokiBatch batch, String body) {
        List<LokiRejections.Rejection> named = new ArrayList<>();
        for (LokiRejections.Rejection x : LokiRejections.parse(body)) {
            if (x.stream() != null && x.timeNanos() != Long.MIN_VALUE) {
                named.add(x);
            }
        }
        boolean[] again = new boolean[batch.count];
        if (named.isEmpty() || LokiRejections.attribute(batch, named, again, new String[batch.count]) == 0) {
            return batch;
        }
        boolean[] stored = new boolean[batch.count];
        LokiRejections.markStored(batch, body, again, stored);
        boolean[] ofNamedStream = new boolean[batch.count];
        LokiRejections.markNamedStreams(batch, body, ofNamedStream);
        boolean[] drop = new boolean[batch.count];
        int delivered = 0;
        for (int i = 0; i < batch.count; i++) {
            again[i] |= ofNamedStream[i] && !stored[i];
            drop[i] = !again[i];
            if (drop[i]) {
                delivered++;
            }
        }
        counters.delivered.add(delivered);
        if (errorLog.allow("429-partial")) {
            log.warn("Loki rate-limited part of a push (HTTP 429) and stored the rest; the entries it names are "
                    + "retried. output={} retried={} stored={} retries={}", name, batch.count - delivered, delivered,
                    batch.retries);
        }
        return batch.without(drop);
    }

    private void split(LokiBatch batch, LokiService.Response r) throws InterruptedException {
        counters.failedRequests.increment(); // the push failed as a whole (DeliveryCounters: 413 included)
        if (batch.count == 1) {
            boolean[] all = {true};
            deadLetter(batch, all, new String[] {"HTTP 413 " + oneLine(r.body(), 300)}, 413);
            return;
        }
        boolean[] first = new boolean[batch.count];
        boolean[] second = new boolean[batch.count];
        for (int i = 0; i < batch.count; i++) {
            (i < batch.count / 2 ? second : first)[i] = true;
        }
        log.warn("Loki refused a push as too large (HTTP 413); sending it in two halves. output={} entries={} "
                + "hint=lower batch_max_size", name, batch.count);
        deliverStream(batch.without(first));
        deliverStream(batch.without(second));
    }

    private void logRetry(LokiService.Response r, LokiBatch batch, long retryAfter) {
        int s = r.status();
        if (!errorLog.allow("status-" + s)) {
            return;
        }
        if (s == 429) {
            log.warn("Loki is rate limiting pushes (HTTP 429); retrying. output={} entries={} retries={} "
                    + "retry_after_ms={} answer={}", name, batch.count, batch.retries, retryAfter, oneLine(r.body(), 200));
        } else if (s == 401 || s == 403) {
            log.error("Loki refused the credentials (HTTP {}); retrying. output={} host={} user={} retries={}", s,
                    name, service.hostPort(), config.auth().user(), batch.retries);
        } else {
            log.error("Loki refused a push; retrying. output={} host={} status={} entries={} retries={} answer={}",
                    name, service.hostPort(), s, batch.count, batch.retries, oneLine(r.body(), 200));
        }
    }

    /**
     * Waits before another attempt: {@code Retry-After} when Loki gave one (plus up to 10% jitter), else
     * the backoff. If the retry limit is reached, dead-letters the batch instead and returns false.
     */
    private boolean retryLater(LokiBatch batch, long retryAfterMillis) throws InterruptedException {
        long next = batch.retries + 1L;
        if (!schedule.allows(next)) {
            counters.retryLimitsReached.increment();
            boolean[] all = new boolean[batch.count];
            String[] reasons = new String[batch.count];
            java.util.Arrays.fill(all, true);
            java.util.Arrays.fill(reasons, "retry limit reached: " + batch.lastError);
            deadLetter(batch, all, reasons, batch.lastStatus);
            return false;
        }
        batch.retries++;
        counters.retried.add(batch.count);
        counters.retriedRequests.increment();
        long delay = retryAfterMillis >= 0
                ? retryAfterMillis + ThreadLocalRandom.current().nextLong(retryAfterMillis / 10 + 1)
                : schedule.delayMillis(next);
        if (delay > 0) {
            Thread.sleep(delay);
        }
        return true;
    }

    private void deadLetter(LokiBatch batch, boolean[] marked, String[] reasons, int status) {
        List<DeadLetter> letters = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < batch.count; i++) {
            if (marked[i]) {
                if (replayAge != null) {
                    replayAge.deadLettered(batch, i);
                }
                letters.add(batch.letter(i, status, reasons[i], now));
            }
        }
        try {
            deadLetters.append(letters);
            counters.deadLettered.add(letters.size());
            warnings.reason(letters.get(letters.size() - 1).reason());
            warnings.maybeWarn(false);
        } catch (IOException e) {
            boolean[] keep = new boolean[batch.count];
            for (int i = 0; i < batch.count; i++) {
                keep[i] = !marked[i];
            }
            log.error("Cannot write the dead-letter file; the entries stay in the output and are sent again. output={} "
                    + "file={} entries={} error={}", name, deadLetters.file(), letters.size(), e.toString());
            dispatcher.carry(batch.without(keep), e.toString());
        }
    }

    private static String oneLine(String s, int max) {
        String t = s == null ? "" : s.replace('\n', ' ').trim();
        return t.length() <= max ? t : t.substring(0, max) + "...";
    }

    @Override
    public String toString() {
        return "LokiOutput[" + name + ", " + service + "]";
    }
}
