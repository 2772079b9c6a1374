package dev.ferry.agent.source.tail;

import dev.ferry.agent.source.FileIdentity;
import dev.ferry.agent.source.FileKey;
import dev.ferry.agent.source.Fingerprint;
import dev.ferry.agent.source.Input;
import dev.ferry.agent.source.InputStats;
import dev.ferry.agent.source.segment.SegmentFormat;
import dev.ferry.outputs.RateLimitedLog;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.ring.LineDecoder;
import dev.ferry.parsers.multiline.MultilineParserList;
import dev.ferry.pipeline.ring.LineBatch;
import dev.ferry.pipeline.ring.LinePublisher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tail} input: finds files by glob, reads their new lines and publishes each into the ring,
 * and remembers, per file, how far its lines were acknowledged.
 *
 * <h2>Lifecycle and threads</h2>
 * As every {@link Input}: the agent builds it (the DB is loaded then), calls {@link #start} once, and
 * at shutdown {@link #stopReading()} (no more reading), drains the ring so the last acknowledgements
 * arrive, then {@link #close()} (last DB write, files closed); {@link #close()} alone also stops. One
 * daemon thread, {@code ferry-tail-<instance>}, does all reading, discovery and DB writing;
 * {@link TailedFile#acknowledge} is called from the ring's output thread.
 *
 * <h2>Which files, from where</h2>
 * Path globs are scanned at start, every {@code Refresh_Interval}, and at once when a file leaves its
 * path. A file found at the very first start (no DB, or a DB file that does not exist yet) is read
 * from its end unless {@code Read_from_Head On}; a file the DB knows resumes at its acknowledged
 * offset, even under another name; any other file is read from its head, including files unknown to
 * an existing DB at start (they appeared while ferry was down, and must not be skipped).
 *
 * <h2>Rotation</h2>
 * A file whose path no longer leads to it (renamed away, deleted) is still read through its open
 * channel, and let go once it has had no new data for {@code Rotate_Wait}; its unfinished last line,
 * which can no longer be completed, is then published, and so is a multiline record still pending. If
 * it turns up under another name that the globs match, it simply goes on under that name. A file that was let go keeps its DB entry until
 * everything published from it is acknowledged; then the entry turns {@code done} (see below).
 *
 * <h2>Rotated siblings ({@code Rotated_Path})</h2>
 * Each watched file's rotated siblings ({@code app.log.0.gz}, {@code app.log-20240101.zst}, ...) are
 * looked at when the file is opened and when it leaves its path, and those of families with {@code done}
 * data every {@code Refresh_Interval}. A sibling is recognised by the fingerprint of its uncompressed first
 * bytes: data being read now is left alone, and so is {@code done} data, unless it is the very file that was
 * let go, grown since (its writer wrote on after {@code Rotate_Wait}): that is read on from where it was left,
 * logged at WARN and counted ({@link TailCounters#lateWrites()}). Data
 * with a saved position (rotated and compressed while ferry was stopped, or before it read to the
 * end) is read on from that uncompressed offset; data never seen (written and rotated between two
 * looks, or while ferry was stopped) is read whole. A family's rotated files are read oldest first,
 * and the live file after them. On the very first start (no DB) rotated history is read only with
 * {@code Read_from_Head On}; without it, it is recorded as done. Siblings that {@code Path} matches
 * itself are left to {@code Path}; siblings {@code Exclude_Path} matches are not read.
 *
 * <h2>Data replaced in place</h2>
 * A file found shorter than the read offset, or whose first bytes changed (copytruncate, an OTP
 * disk_log wrap file reused), holds new data: it is read again from offset 0. What was not read of the
 * old data is taken from a rotated sibling holding it (logrotate's copy) when there is one; otherwise
 * the bytes seen and not read are counted as lost ({@link TailCounters#lostBytes()}) and logged at
 * WARN with the file. For a file of a disk_log wrap log, the lines are counted too
 * ({@link TailCounters#lostLines()}): at every maintenance round (every 250 ms, also while
 * {@code Mem_Buf_Limit} holds reading back) the input reads the log's {@code .idx} and remembers the
 * item count disk_log recorded for the data each file holds ({@link WrapGeneration}); when the file
 * is reused, the lines lost are that count minus the lines read from it. This needs the input's
 * thread to look, so it stops reading, and goes on looking, while the pipeline's spool is full
 * ({@link LinePublisher#holdsInputs()}) as it does past {@code Mem_Buf_Limit}. While it is held in
 * {@link LinePublisher#publish} (a full ring: a slow filter, or the lines it published before it saw the
 * spool was full) it cannot look, so a file reused meanwhile is logged with {@code lost_lines=unknown},
 * and files written and reused more than once meanwhile are not seen at all (nothing on disk tells of
 * them). A file reused while ferry was stopped cannot be counted either, and its WARN at start says so.
 *
 * <h2>Back-pressure</h2>
 * {@link LinePublisher#publish} blocks while the ring is full. The input stops reading while the
 * pipeline's disk spool is full ({@link LinePublisher#holdsInputs()}), and with {@code Mem_Buf_Limit}
 * also while more bytes than that are published and not yet acknowledged; it resumes as
 * acknowledgements come in; nothing is dropped. The limit is checked after every published line,
 * so it is passed by at most one line; files are polled in the order they were found, so under a
 * tight limit the first ones are served first.
 */
public final class TailInput implements Input {

    private static final Logger log = LoggerFactory.getLogger(TailInput.class);

    private static final long MIN_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long MAINTENANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long DB_WRITE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The most a start "from the end" looks back for the start of the line being written. */
    private static final int END_LOOK_BACK = 64 * 1024;

    /** The most {@code done} entries a DB keeps; the oldest are forgotten first. */
    static final int MAX_DONE_ENTRIES = 4096;

    private final TailConfig config;
    private final String instanceName;
    private final TailTag tag;
    /** Matched files whose path Tag_Regex is not found in (not read); logged once per file per interval. */
    private final RateLimitedLog untagged = new RateLimitedLog(600_000);
    private LinePublisher publisher;
    private final LineDecoder decoder;
    private final FileDiscovery discovery;
    private final PositionDb db;
    private final List<PositionDb.Entry> saved = new ArrayList<>();
    private final boolean firstStart;
    private final TailCounters counters = new TailCounters();
    private final LineBatch batch = new LineBatch(512);
    private final MultilineParserList multiline;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** See {@link #readToEnd()}; set by the maintenance round. */
    private volatile boolean readToEnd;
    private final RateLimitedLog splitLog = new RateLimitedLog(60_000);
    private final Thread thread;

    // the reader thread's state
    private final Map<FileKey, TailedFile> files = new LinkedHashMap<>();
    private final List<TailedFile> releasing = new ArrayList<>();
    private final SiblingTracker siblings;
    private final RotationHandler rotation;
    private long lastRecheckNanos;
    /** At start the families of done entries are looked at anyway (catchUpSavedFamilies): the next look, later. */
    private long lastDoneLookNanos = System.nanoTime();
    /** Files Path matches that are compressed (or disk_log internal): logged once, never tailed. */
    private final Set<FileKey> compressedSeen = new HashSet<>();
    private boolean firstScanDone;
    private boolean scanRequested;
    private long lastScanNanos;
    private long lastMaintenanceNanos;
    private long lastDbWriteNanos;
    private boolean dbFailing;

    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicBoolean dbDirty = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile boolean parked;
    private volatile boolean paused;
    private volatile int openFiles;

    /**
     * Loads the DB (if configured); reads nothing until {@link #start}.
     *
     * @param config the section's settings
     * @param instanceName the input's instance name ({@code tail.0}, or its Alias): the thread's name, and the
     *     tag when the config has none (the plan always sets one: Fluent Bit's {@code tail.N} when Tag is unset)
     * @param decoder passed with every line (parser, Path_Key, Offset_Key)
     * @throws ConfigException if the DB file exists and is not a ferry position DB, or its directory
     *     does not exist
     */
    public TailInput(TailConfig config, String instanceName, LineDecoder decoder) {
        this(config, instanceName, decoder, null);
    }

    /**
     * @param multiline the multiline parsers that join each file's lines into records, or null
     */
    public TailInput(TailConfig config, String instanceName, LineDecoder decoder, MultilineParserList multiline) {
        this.config = config;
        this.multiline = multiline;
        this.instanceName = instanceName;
        this.tag = config.tagging(instanceName);
        this.decoder = decoder;
        this.discovery = new FileDiscovery(config.paths(), config.excludePaths(), config.ignoreOlder());
        this.db = config.db() == null ? null : new PositionDb(config.db(), config.dbSync());
        this.siblings = new SiblingTracker(config.rotatedPath(), MAX_DONE_ENTRIES);
        this.rotation = new RotationHandler(this, tag, discovery, siblings, files, releasing, saved, dbDirty);
        this.firstStart = loadDb();
        this.thread = new Thread(this::run, "ferry-tail-" + instanceName);
        this.thread.setDaemon(true);
    }

    @Override
    public String name() {
        return instanceName;
    }

    /** {@code Exit_On_Eof}. */
    @Override
    public boolean endsAtEof() {
        return config.exitOnEof();
    }

    /** With {@code Exit_On_Eof}: the first scan is done and every open file is read to its end. */
    @Override
    public boolean readToEnd() {
        return readToEnd;
    }

    /** Starts the reading thread, publishing into {@code publisher}. Once only. */
    @Override
    public void start(LinePublisher publisher) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("tail input " + instanceName + " was already started");
        }
        this.publisher = publisher; // the thread's start publishes it to the thread
        thread.start();
    }

    /**
     * Stops reading and waits for the thread to end (it is interrupted if a full ring holds it for more
     * than 1 s). Acknowledgements are still taken afterwards, and {@link #close()} saves them.
     */
    @Override
    public void stopReading() {
        running = false;
        if (!started.get() || Thread.currentThread() == thread) {
            return;
        }
        LockSupport.unpark(thread);
        try {
            // A round of the loop takes milliseconds; one still busy after a second waits on a full ring (the
            // outputs or the spool's disk are stuck), which waiting longer does not change.
            thread.join(1_000);
            if (thread.isAlive()) {
                log.warn("Tail input still busy after 1s; interrupting it. input={}", instanceName);
                thread.interrupt();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops reading if still running, writes the DB a last time and closes the files. Idempotent. */
    @Override
    public void close() {
        stopReading();
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        writeDb(true);
        for (TailedFile f : files.values()) {
            f.closeChannel();
        }
        files.clear();
        log.info("Tail input closed. input={} files_opened={} lines_read={} lost_lines={} lost_bytes={}"
                + " positions_not_found={} corrupt_segments={} multiline_records_split={} late_writes={}", instanceName,
                counters.filesOpened(), counters.linesRead(), counters.lostLines(), counters.lostBytes(),
                counters.positionsNotFound(), counters.corruptSegments(), counters.multilineRecordsSplit(),
                counters.lateWrites());
    }

    /**
     * With {@code Exit_On_Eof}: completes once the first scan is done, every matched file is read to its
     * end (an unfinished last line counts as the end), and every line published was acknowledged; a
     * multiline record still pending then is published first (no line can join it any more).
     * Without it, never completes. Completes exceptionally if the reading thread fails.
     */
    @Override
    public CompletableFuture<Void> drained() {
        return drained;
    }

    @Override
    public InputStats stats() {
        return new InputStats(counters.linesRead(), counters.bytesRead(), counters.lostLines(),
                counters.lostBytes(), counters.longLinesSkipped());
    }

    public TailCounters counters() {
        return counters;
    }

    public TailConfig config() {
        return config;
    }

    /** Whether reading is paused right now: by Mem_Buf_Limit, or because the pipeline's spool is full. */
    public boolean paused() {
        return paused;
    }

    /** Files open for reading now (rotated files not yet let go included). */
    public int openFiles() {
        return openFiles;
    }

    /** Bytes published and not yet acknowledged. */
    public long inFlightBytes() {
        return inFlight.get();
    }

    /** The multiline parsers of this input, or null. */
    MultilineParserList multiline() {
        return multiline;
    }

    /** The reusable batch of the reading thread (one thread reads all files of an input). */
    LineBatch batch() {
        return batch;
    }

    LinePublisher publisher() {
        return publisher;
    }

    LineDecoder decoder() {
        return decoder;
    }

    /** The name Fluent Bit gives {@code file} (relative if its Path glob is): its records' Path_Key. */
    String nameAsFound(Path file) {
        return discovery.asFound(file);
    }

    /** Bytes that may still be published before Mem_Buf_Limit is passed (unbounded without a limit). */
    long memBudget() {
        return config.memBufLimit() > 0 ? config.memBufLimit() - inFlight.get() : Long.MAX_VALUE;
    }

    private boolean overLimit() {
        return config.memBufLimit() > 0 && inFlight.get() > config.memBufLimit();
    }

    /**
     * Whether the input holds reading back: past {@code Mem_Buf_Limit}, or the pipeline asks its inputs to
     * wait ({@link LinePublisher#holdsInputs()}: a full spool). The thread goes on looking at the files.
     */
    boolean held() {
        LinePublisher p = publisher;
        return overLimit() || (p != null && p.holdsInputs());
    }

    /**
     * A file's multiline assembler split {@code n} records at {@code max_record_size}: counted, and logged
     * at WARN at most once a minute for the input (one event arrives as several records; nothing is lost).
     */
    void multilineRecordsSplit(TailedFile f, long n, long offset) {
        counters.multilineRecordsSplit(n);
        if (splitLog.allow("split")) {
            log.warn("A multiline record reached max_record_size and was split: its next lines go on in a new"
                    + " record, so one event arrives as several; nothing is lost. Raise max_record_size of the"
                    + " multiline parser to keep such records whole. input={} path={} offset={} max_record_size={}"
                    + " records_split={}", instanceName, f.file(), offset, multiline.maxRecordSizes(),
                    counters.multilineRecordsSplit());
        }
    }

    void published(long bytes) {
        inFlight.addAndGet(bytes);
    }

    /** Called from the ring's output thread through {@link TailedFile#acknowledge}. */
    void acknowledged(long bytes) {
        inFlight.addAndGet(-bytes);
        dbDirty.set(true);
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Loads the DB; returns whether this is the very first start (no DB, or none written yet). */
    private boolean loadDb() {
        if (db == null) {
            return true;
        }
        if (!Files.isDirectory(db.file().getParent())) {
            throw new ConfigException("[INPUT] tail: the directory of DB " + db.file() + " does not exist");
        }
        try {
            List<PositionDb.Entry> entries = db.load();
            if (entries == null) {
                log.info("Position DB does not exist yet; files found now are read from their {}. db={}",
                        config.readFromHead() ? "head" : "end", db.file());
                return true;
            }
            for (PositionDb.Entry e : entries) {
                if (e.fingerprint().length() == 0) {
                    continue;
                }
                if (e.done()) {
                    siblings.loadDone(e);
                } else {
                    saved.add(e);
                }
            }
            log.info("Position DB loaded. db={} files={}", db.file(), saved.size());
            return false;
        } catch (PositionDb.ForeignFormatException e) {
            throw new ConfigException("[INPUT] tail: " + PositionDb.foreignMessage(db.file(), e.getMessage()));
        } catch (IOException e) {
            Path aside = db.file().resolveSibling(db.file().getFileName() + ".corrupt");
            log.error("Position DB unreadable; every file is read from its head, so lines already delivered"
                    + " are sent again. db={} error={} kept_as={}", db.file(), e.getMessage(), aside);
            try {
                Files.move(db.file(), aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                log.warn("Could not move the unreadable position DB aside. db={} error={}", db.file(),
                        moveFailed.toString());
            }
            return false;
        }
    }

    private void run() {
        try {
            long idle = MIN_IDLE_NANOS;
            scan(System.nanoTime());
            rotation.catchUpSavedFamilies();
            firstScanDone = true;
            if (!saved.isEmpty()) {
                // Files the DB knew and no glob finds any more (deleted, rotated away while ferry was
                // down): keeping them would grow the DB without end. If one comes back, it is read from
                // its head: lines sent twice rather than lost.
                List<PositionDb.Entry> waitingOld = new ArrayList<>();
                for (PositionDb.Entry e : saved) {
                    Path path = Path.of(e.path());
                    if (!discovery.matches(path)) {
                        log.info("Position DB entry of a file Path no longer names dropped. path={}", e.path());
                        continue;
                    }
                    if (!files.containsKey(e.key()) && e.key().equals(FileKey.ofOrNull(path)) && discovery.tooOld(path)) {
                        // Still at its path, only older than Ignore_Older: the position is kept, and when the
                        // file is written again a scan opens it there, as Fluent Bit finds its DB row.
                        waitingOld.add(e);
                        log.info("File older than Ignore_Older left alone; it is read on from its saved position"
                                + " when it is written again. path={} offset={}", e.path(), e.offset());
                        continue;
                    }
                    counters.positionNotFound();
                    if (files.containsKey(e.key()) && WrapGeneration.of(Path.of(e.path())) != null) {
                        log.warn("OTP disk_log wrap file reused while ferry was stopped: the ring went round while"
                                + " ferry was stopped, and the lines it overwrote before ferry could read them cannot"
                                + " be counted (they are not in lost_lines). Reading the file from the start. path={}"
                                + " offset={}", e.path(), e.offset());
                        continue;
                    }
                    log.warn("The data a saved position names is neither at its path nor in a rotated sibling;"
                            + " what was not read of it before the stop is lost (how much is not known). path={}"
                            + " offset={} reason={}", e.path(), e.offset(), files.containsKey(e.key())
                            ? "the file holds other data now (rewritten in place)" : "deleted or rotated out");
                }
                saved.clear();
                saved.addAll(waitingOld);
                dbDirty.set(true);
            }
            // Save where the files found at start begin before reading any of them: a crash from here
            // on restarts with a DB, so nothing written in between is skipped.
            writeDbIfDirty(false);
            lastDbWriteNanos = System.nanoTime();
            while (running) {
                boolean worked = false;
                if (!held()) {
                    long readTime = epochNanos();
                    List<TailedFile> failed = null;
                    List<TailedFile> replaced = null;
                    for (TailedFile f : files.values()) {
                        try {
                            if (siblings.waiting(f)) {
                                continue;
                            }
                            worked |= f.poll(readTime);
                            f.flushMultiline(readTime, false);
                            if (f.replaced()) {
                                replaced = replaced == null ? new ArrayList<>() : replaced;
                                replaced.add(f);
                            }
                        } catch (IOException e) {
                            failed = failed == null ? new ArrayList<>() : failed;
                            failed.add(f);
                            log.warn("Reading a file failed; letting it go until a scan finds it again."
                                    + " path={} offset={} error={}", f.file(), f.readPos(), e.toString());
                        }
                        if (!running || held()) {
                            break;
                        }
                    }
                    if (failed != null) {
                        for (TailedFile f : failed) {
                            release(f, false);
                        }
                    }
                    if (replaced != null) {
                        for (TailedFile f : replaced) {
                            try {
                                rotation.replacedInPlace(f, "was rewritten in place", readTime);
                            } catch (IOException e) {
                                log.warn("Reading a file failed; letting it go until a scan finds it again."
                                        + " path={} offset={} error={}", f.file(), f.readPos(), e.toString());
                                release(f, false);
                            }
                            worked = true;
                        }
                    }
                }
                paused = held();
                openFiles = files.size();
                long now = System.nanoTime();
                if (!worked || now - lastMaintenanceNanos >= MAINTENANCE_NANOS) {
                    maintain(now);
                    lastMaintenanceNanos = now;
                }
                if (worked) {
                    idle = MIN_IDLE_NANOS;
                } else if (running) {
                    parked = true;
                    LockSupport.parkNanos(this, idle);
                    parked = false;
                    idle = Math.min(idle * 2, MAX_IDLE_NANOS);
                }
            }
            settlePendingRecordsAtStop();
        } catch (InterruptedException e) {
            log.info("Tail input interrupted while the ring was full; stopping. input={}", instanceName);
        } catch (RuntimeException | Error e) {
            log.error("Tail input failed and stopped reading. input={} error={}", instanceName, e.toString(), e);
            drained.completeExceptionally(e);
        } finally {
            writeDbIfDirty(true);
        }
    }

    /**
     * At stop, the multiline records still pending. Without a DB positions are not kept, so their lines
     * could not be read again: they are published now (the ring is drained after this). With a DB they are
     * left unpublished: the saved position is before them, so the next start reads them again and joins
     * them with lines written meanwhile, each once; publishing them now would split such a record.
     */
    private void settlePendingRecordsAtStop() throws InterruptedException {
        long readTime = epochNanos();
        for (TailedFile f : files.values()) {
            if (!f.hasPendingRecord()) {
                continue;
            }
            if (db == null) {
                f.flushMultiline(readTime, true);
            } else {
                log.info("A multiline record still pending at stop is left for the next start, which reads it"
                        + " again from the saved position. path={} offset={}", f.file(), f.pendingRecordOffset());
            }
        }
    }

    private void maintain(long now) throws InterruptedException {
        long rotateWait = config.rotateWait().toNanos();
        rotation.observeWrapIndexes();
        for (TailedFile f : new ArrayList<>(files.values())) {
            try {
                if (!f.segment()) {
                    if (f.size() < f.readPos()) {
                        rotation.replacedInPlace(f, "was truncated", epochNanos());
                        continue;
                    }
                    if (!f.sameData()) {
                        rotation.replacedInPlace(f, "was rewritten in place", epochNanos());
                        continue;
                    }
                }
                if (!f.rotated()) {
                    FileKey current = FileKey.ofOrNull(f.file());
                    if (!f.identity().key().equals(current)) {
                        f.markRotated(now);
                        siblings.enqueue(f);
                        counters.rotation();
                        scanRequested = true;
                        log.info("File left its path; reading it to its end before letting it go. path={}"
                                + " reason={} offset={}", f.file(), current == null ? "deleted or renamed" : "replaced",
                                f.readPos());
                        rotation.catchUp(f.family(), true);
                    }
                } else if (f.atEof() && f.rotateWaitOver(now, f.complete() ? 0 : rotateWait)) {
                    release(f, true);
                } else if (!f.segment()) {
                    // While a rotated file drains, look for its successor often: writers create it
                    // a moment after the rename, and Refresh_Interval may be a minute away.
                    scanRequested = true;
                }
            } catch (IOException e) {
                log.warn("Checking a file failed; letting it go until a scan finds it again. path={} error={}",
                        f.file(), e.toString());
                release(f, false);
            }
        }
        if (scanRequested || now - lastScanNanos >= config.refreshInterval().toNanos()) {
            scan(now);
        }
        if (now - lastDoneLookNanos >= config.refreshInterval().toNanos()) {
            lastDoneLookNanos = now;
            rotation.recheckDoneFamilies(); // a file let go may have grown since: its writer still held it
        }
        if (now - lastRecheckNanos >= RECHECK_NANOS) {
            lastRecheckNanos = now;
            rotation.recheckNow();
        }
        for (Iterator<TailedFile> it = releasing.iterator(); it.hasNext(); ) {
            TailedFile f = it.next();
            if (f.fullyAcknowledged()) {
                it.remove();
                if (f.isDoneWhenAcknowledged()) {
                    siblings.addDone(f.doneEntry());
                }
                dbDirty.set(true);
            }
        }
        if (db != null && now - lastDbWriteNanos >= DB_WRITE_NANOS) {
            writeDbIfDirty(false);
            lastDbWriteNanos = now;
        }
        if (config.exitOnEof() && !drained.isDone() && firstScanDone) {
            boolean atEof = allFiles(TailedFile::atEof);
            readToEnd = atEof;
            if (releasing.isEmpty()) {
                if (atEof) {
                    // The input ends: no line can join a pending record any more.
                    long readTime = epochNanos();
                    for (TailedFile f : files.values()) {
                        f.flushMultiline(readTime, true);
                    }
                }
                if (allFiles(TailedFile::drained)) {
                    log.info("Every file is read to its end and delivered. input={} files={}", instanceName,
                            files.size());
                    drained.complete(null);
                }
            }
        }
    }

    /** A question about one open file, which reading it may fail to answer. */
    @FunctionalInterface
    private interface FileCheck {
        boolean test(TailedFile f) throws IOException;
    }

    /** Whether {@code check} holds for every open file; false if one cannot be answered. */
    private boolean allFiles(FileCheck check) {
        for (TailedFile f : files.values()) {
            try {
                if (!check.test(f)) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private void scan(long now) {
        scanRequested = false;
        lastScanNanos = now;
        boolean initial = !firstScanDone;
        List<Path> opened = new ArrayList<>();
        for (Path p : discovery.scan()) {
            FileKey key = FileKey.ofOrNull(p);
            if (key == null) {
                continue;
            }
            TailedFile known = files.get(key);
            if (known == null) {
                if (open(p, key, initial)) {
                    opened.add(p);
                }
            } else if (known.segment()) {
                continue; // a sibling read as a segment; not reached, as catchUp leaves Path's files alone
            } else if (known.file().equals(p)) {
                if (known.rotated()) {
                    known.clearRotated(); // renamed back, or its path was briefly missing
                    siblings.dequeue(known);
                }
            } else if (!key.equals(FileKey.ofOrNull(known.file()))) {
                log.info("File renamed; reading it on under its new name. from={} to={}", known.file(), p);
                siblings.dequeue(known);
                known.movedTo(p);
                known.clearRotated();
                dbDirty.set(true);
            }
        }
        // Rotated history of the files opened now: at the very first start, only with Read_from_Head.
        boolean readHistory = !(initial && firstStart && !config.readFromHead());
        for (Path p : opened) {
            rotation.catchUp(p, readHistory);
        }
    }

    /**
     * Where reading a file "from the end" starts: after its last newline, so that a line the writer is in the middle
     * of (OTP's file handler writes in chunks) is read whole once it ends, rather than its rest as a line of its own.
     * It looks back at most Buffer_Max_Size bytes (64 KiB at most): a file with no newline in them starts at 0 if
     * that is all of it, else at its end as before.
     */
    private long endStart(FileChannel ch, long size) throws IOException {
        int back = (int) Math.min(size, Math.min(config.bufferMaxSize(), END_LOOK_BACK));
        ByteBuffer tail = ByteBuffer.allocate(back);
        while (tail.hasRemaining()) {
            if (ch.read(tail, size - back + tail.position()) < 0) {
                return size;
            }
        }
        byte[] b = tail.array();
        for (int i = back - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return size - back + i + 1;
            }
        }
        return back == size ? 0 : size;
    }

    /** Opens a file Path matches; returns whether it is read now. */
    private boolean open(Path p, FileKey key, boolean initial) {
        String fileTag = tag.of(discovery.asFound(p));
        if (fileTag == null) {
            if (untagged.allow(p.toString())) {
                log.error("Tag_Regex is not found in the path of a matched file, so its records would have no tag; "
                        + "the file is not read (as in Fluent Bit). path={} tag_regex={}", p, tag.regex().source());
            }
            return false;
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(p, StandardOpenOption.READ);
        } catch (IOException e) {
            log.warn("Cannot open a matched file; trying again at the next scan. path={} error={}", p, e.toString());
            return false;
        }
        try {
            if (!key.equals(FileKey.ofOrNull(p))) {
                ch.close(); // replaced between the scan and the open: the next scan sees the new one
                return false;
            }
            SegmentFormat format = SegmentFormat.of(ch);
            if (format != SegmentFormat.PLAIN) {
                ch.close();
                if (compressedSeen.add(key)) {
                    log.info("A file Path matches is {}, not a plain log; it is not tailed. A rotated segment is read"
                            + " as a sibling of its watched file (Rotated_Path). path={}", format.label(), p);
                }
                return false;
            }
            byte[] head = Fingerprint.head(ch);
            FileIdentity identity = new FileIdentity(key, Fingerprint.of(head, head.length));
            long size = ch.size();
            PositionDb.Entry known = PositionDb.bestMatch(saved, head, key);
            long startAt;
            String id = null;
            String from;
            if (known != null) {
                saved.remove(known);
                if (known.offset() > size) {
                    counters.truncation();
                    log.warn("File is shorter than its saved position; reading it from the start. path={} size={}"
                            + " saved_offset={}", p, size, known.offset());
                    startAt = 0;
                    from = "head";
                } else {
                    startAt = known.offset();
                    id = known.id();
                    from = "db";
                }
            } else if (initial && firstStart && !config.readFromHead()) {
                startAt = endStart(ch, size);
                from = "end";
            } else {
                startAt = 0;
                from = "head";
            }
            TailedFile f = new TailedFile(this, p, p, false, new ChannelTailData(ch, p.toString()), identity, id,
                    fileTag, startAt, config.bufferChunkSize(), config.bufferMaxSize());
            files.put(key, f);
            counters.fileOpened();
            dbDirty.set(true);
            log.info("Reading file. path={} from={} offset={} id={}", p, from, startAt, f.id());
            return true;
        } catch (IOException e) {
            log.warn("Cannot read a matched file; trying again at the next scan. path={} error={}", p, e.toString());
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
            return false;
        }
    }

    /**
     * Lets a file go; {@code finished} when it rotated and was read to its end (its last partial line and
     * its pending multiline record go too). After a read error ({@code finished} false) a pending record is
     * not published: its position is saved before it, and the file, found again, is read on from there.
     */
    private void release(TailedFile f, boolean finished) throws InterruptedException {
        if (finished) {
            f.publishRemainder(epochNanos());
            f.doneWhenAcknowledged();
            scanRequested = true; // one more look for its successor: on a busy machine the last may predate it
            long missing = f.missingFromCopy();
            if (missing > 0) {
                counters.lost(missing);
                log.warn("Rotated copy ends before the data its file was seen to hold: the rest was written after"
                        + " the copy was taken and is lost. path={} copy_end={} lost_bytes={}", f.family(),
                        f.readPos(), missing);
            }
        }
        f.closeChannel();
        files.remove(f.identity().key());
        siblings.dequeue(f);
        if (!finished && f.entry() != null) {
            // A read error: when a scan finds the file again it resumes at the acknowledged offset
            // (lines in flight may come twice) instead of being taken for a new file.
            saved.add(f.entry());
            if (f.segment()) {
                rotation.recheckLater(f.family()); // a segment is found again by a look at the siblings
            }
        }
        if (!f.fullyAcknowledged()) {
            releasing.add(f);
        } else if (finished) {
            siblings.addDone(f.doneEntry());
        }
        dbDirty.set(true);
        log.info("File let go. path={} offset={} reason={}", f.file(), f.readPos(),
                finished ? "rotated and read to its end" : "read error");
    }

    private void writeDbIfDirty(boolean closing) {
        if (db != null && dbDirty.getAndSet(false)) {
            writeDb(closing);
        }
    }

    /** Writes every known position; called by the reader thread, or by close() once it has ended. */
    private void writeDb(boolean closing) {
        if (db == null) {
            return;
        }
        List<PositionDb.Entry> entries = new ArrayList<>(saved);
        entries.addAll(siblings.done());
        for (TailedFile f : files.values()) {
            PositionDb.Entry e = f.entry();
            if (e != null) {
                entries.add(e);
            }
        }
        for (TailedFile f : releasing) {
            PositionDb.Entry e = f.entry();
            if (e != null) {
                entries.add(e);
            }
        }
        try {
            db.write(entries, closing);
            if (dbFailing) {
                dbFailing = false;
                log.info("Writing the position DB works again. db={}", db.file());
            }
        } catch (IOException e) {
            dbDirty.set(true);
            if (!dbFailing) {
                dbFailing = true;
                log.error("Writing the position DB failed; retrying every 250ms, and a restart now would send"
                        + " lines again. db={} error={}", db.file(), e.toString());
            }
        }
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
