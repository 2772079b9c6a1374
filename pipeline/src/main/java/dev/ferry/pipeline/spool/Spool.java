package dev.ferry.pipeline.spool;

import dev.ferry.pipeline.io.AtomicFile;
import dev.ferry.pipeline.io.ZstdLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's disk spool between the ring and the outputs: one Chronicle Queue in {@code storage.path},
 * one {@link SpoolWriter}, one {@link SpoolReader} per output.
 *
 * <p>Directory layout:
 * <pre>
 * storage.path/
 *   metadata.cq4t            Chronicle's queue metadata
 *   yyyyMMdd-HHmmV.cq4       one file per 5-minute roll cycle (UTC), documents of records as in
 *                            {@link SpoolEntryFormat}, zstd-compressed unless {@code storage.compress off}
 *   readers/NAME.position    each reader's committed position ({@link ReaderPosition})
 *   damaged/0xINDEX.doc      a document a reader found damaged, as it was stored ({@link #keepDamaged});
 *                            made only when there is one, never deleted by ferry
 * </pre>
 *
 * <p>Threads: the opening thread registers every reader ({@link #reader}) before the writer's first
 * append; then one thread appends and each reader is used by its own thread. Cycle files that every
 * registered reader has committed past are deleted by the thread whose commit moved the slowest reader
 * into a later cycle. {@link #close()} is called once, after the writer and readers have stopped.
 *
 * <p>JVM flags: Chronicle needs {@code --add-opens}/{@code --add-exports} (see the parent pom's
 * {@code ferry.test.argLine}) and ferry sets {@code chronicle.analytics.disable=true} before any Chronicle
 * class loads, so the agent never phones home.
 */
public final class Spool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    static final String READERS_DIR = "readers";
    static final String DAMAGED_DIR = "damaged";
    static final String CYCLE_SUFFIX = ".cq4";
    static final String METADATA_FILE = "metadata.cq4t";
    /**
     * Chronicle maps cycle files in chunks of this size. Every mapped page the writer or a reader touched
     * counts in the agent's RSS until its chunk is released, so small chunks keep RSS low. Measured with
     * bench/e2e.sh (2 M records, null output, busy machine): peak RSS 297 MB with Chronicle's 64 MiB
     * default, 182 MB with 16 MiB, 121 MB with 4 MiB, for about 1 CPU-second more (7.8, 7.9, 9.0 s: more
     * mappings made and released). 4 MiB keeps the agent under 200 MB with the es output too (172 MB).
     */
    static final long BLOCK_SIZE = 4L << 20;
    private static final Pattern READER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** Set by {@link #withoutNativeSync}: a spool with {@code storage.sync full} can no longer be opened. */
    private static volatile boolean nativeSyncOff;

    private final SpoolConfig config;
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final DateTimeFormatter cycleNames;
    private final Path readersDir;
    private final SpoolWriter writer;
    private final Object room = new Object();
    private volatile SpoolReader[] readers = new SpoolReader[0];
    private volatile long retainedFrom;
    private int cleanedBelowCycle = Integer.MIN_VALUE;
    private volatile long deletedFiles;

    private Spool(SpoolConfig config, SingleChronicleQueue queue, RollCycle rollCycle, SpoolCompression compression,
            SpoolDiskSpace disk) {
        this.config = config;
        this.queue = queue;
        this.rollCycle = rollCycle;
        this.cycleNames = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        this.readersDir = config.path().resolve(READERS_DIR);
        long[] last = lastEntry();
        this.writer = new SpoolWriter(this, queue, config.sync(), compression, disk, last[0], last[1], last[2], last[3]);
        this.retainedFrom = firstEntry()[1];
    }

    /**
     * For a process none of whose spools will sync ({@code storage.sync normal}), called before the first Chronicle
     * class loads: Chronicle then binds no native POSIX calls. Otherwise its first use loads jnr-ffi and generates
     * its call stubs at every start (about 0.2 CPU-s; bench/e2e.sh --output es --files 1 --lines 10, 6 runs
     * alternated: 1.00-1.21 CPU-s against 1.12-1.55), and a spool only ever calls them for {@code msync}, which
     * {@code storage.sync full} needs. Opening a spool with {@code storage.sync full} afterwards fails.
     */
    public static void withoutNativeSync() {
        net.openhft.posix.PosixAPI.useNoOpPosixApi();
        nativeSyncOff = true;
    }

    /**
     * Opens (or creates) the spool in {@code config.path()} with 5-minute roll cycles. Damaged documents do
     * not stop it, at the end of the spool either (a WARN says so; the readers pass them); a document of a
     * newer format, or a compressed last document without zstd's native library, does.
     */
    public static Spool open(SpoolConfig config) {
        return open(config, RollCycles.FIVE_MINUTELY, SystemTimeProvider.INSTANCE);
    }

    /** Opens the spool with a given roll cycle and clock (tests use short cycles and a set clock). */
    static Spool open(SpoolConfig config, RollCycle rollCycle, TimeProvider clock) {
        if (config.sync() == SpoolSync.FULL && nativeSyncOff) {
            throw new IllegalStateException("cannot open the spool in " + config.path() + " with storage.sync full: "
                    + "this process turned Chronicle's native msync off (Spool.withoutNativeSync)");
        }
        try {
            Files.createDirectories(config.path().resolve(READERS_DIR));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create spool directory " + config.path(), e);
        }
        SpoolDiskSpace disk = new SpoolDiskSpace(config.path(), config.minFreeBytes());
        // Chronicle writes a new queue's metadata through a memory map: on a full disk that is an InternalError
        // (SIGBUS), not an IOException. An existing spool opens without writing, and then waits for room.
        if (!Files.exists(config.path().resolve(METADATA_FILE)) && !disk.allows(0)) {
            throw new IllegalStateException("cannot create the spool in " + config.path() + ": its filesystem has "
                    + disk.lastUsable() + " bytes free, less than storage.min_free (" + disk.minFreeBytes()
                    + "); free some space there or lower storage.min_free");
        }
        SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(config.path().toFile())
                .rollCycle(rollCycle)
                .timeProvider(clock)
                .blockSize(BLOCK_SIZE)
                .syncMode(config.sync() == SpoolSync.FULL ? SyncMode.SYNC : SyncMode.NONE)
                .build();
        SpoolCompression compression = config.compression();
        String zstdProblem = compression == SpoolCompression.ZSTD ? ZstdLibrary.problem() : null;
        if (zstdProblem != null) {
            LOG.warn("The spool is written uncompressed: zstd's native library did not load. path={} error=\"{}\"",
                    config.path(), zstdProblem);
            compression = SpoolCompression.OFF;
        }
        try {
            Spool spool = new Spool(config, queue, rollCycle, compression, disk);
            LOG.info("Spool opened. path={} sync={} compress={} entries={} bytes={} diskLimit={} minFree={}",
                    config.path(), config.sync().name().toLowerCase(java.util.Locale.ROOT),
                    compression.name().toLowerCase(java.util.Locale.ROOT), spool.writer.nextSequence(),
                    spool.diskBytes(), config.diskLimitBytes(), config.minFreeBytes());
            return spool;
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
    }

    /** The spool's one writer. */
    public SpoolWriter writer() {
        return writer;
    }

    /**
     * Registers the reader of one output, resuming after its committed position. A reader that has no
     * position yet (a new output, or one renamed: an output without {@code Alias} is named by its place among
     * the outputs) starts at the oldest entry still in the spool, so that the records a renamed output still
     * owed are not skipped; a renamed es output sends again what it had delivered from there, which
     * Elasticsearch keeps once by the documents' ids. Its position is written at once, so a crash before its
     * first commit does not move it. Call before the writer's first append.
     *
     * @param name the output's name ({@code [A-Za-z0-9._-]}, up to 100 characters), unique in the spool
     * @param limitBytes {@code storage.total_limit_size}: the un-committed entry bytes at which the writer
     *     reports no room; 0 or less = no limit
     */
    public synchronized SpoolReader reader(String name, long limitBytes) {
        if (!READER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("spool reader name '" + name
                    + "' must be 1 to 100 characters of A-Z a-z 0-9 . _ -");
        }
        if (writer.appendedEntries() > 0) {
            throw new IllegalStateException("spool reader " + name + " must be registered before the first append");
        }
        for (SpoolReader r : readers) {
            if (r.name().equals(name)) {
                throw new IllegalArgumentException("spool reader " + name + " is already registered");
            }
        }
        Path file = readersDir.resolve(name + ".position");
        ReaderPosition position = ReaderPosition.read(file);
        boolean fresh = position == null;
        if (fresh) {
            long[] oldest = firstEntry();
            position = new ReaderPosition(-1, oldest[0], oldest[1]);
            position.write(file, config.sync() == SpoolSync.FULL);
        }
        SpoolReader reader = new SpoolReader(this, queue, name, limitBytes, file,
                config.sync() == SpoolSync.FULL, position);
        SpoolReader[] more = Arrays.copyOf(readers, readers.length + 1);
        more[more.length - 1] = reader;
        readers = more;
        long pending = writer.nextSequence() - position.sequence();
        LOG.info("Spool reader registered{}. name={} committedSequence={} pendingEntries={}",
                fresh && pending > 0
                        ? ": a new output (or one with a new name) starts at the oldest entry still in the spool" : "",
                name, position.sequence(), pending);
        return reader;
    }

    /**
     * Warns of each reader position in the spool that no registered reader owns: an output removed from the
     * configuration, or renamed (then the output under its new name started at the oldest entry kept). Its
     * file is left, so that an output given its name again resumes there; the spool does not wait for it.
     * Call once every output's reader is registered.
     */
    public void warnOfUnregisteredReaders() {
        for (Path f : readerPositionFiles()) {
            String n = f.getFileName().toString();
            String reader = n.substring(0, n.length() - ".position".length());
            if (Arrays.stream(readers).anyMatch(r -> r.name().equals(reader))) {
                continue;
            }
            ReaderPosition p = ReaderPosition.read(f);
            long behind = p == null ? 0 : Math.max(0, writer.nextSequence() - p.sequence());
            LOG.warn("The spool has the position of an output that is not in the configuration (removed, or renamed: "
                    + "an output without Alias is named by its place among the outputs); nothing is sent for it, "
                    + "and the spool does not keep entries for it. Delete the file once that output is gone for good. "
                    + "reader={} entriesItHadNotCommitted={} file={}", reader, behind, f);
        }
    }

    /**
     * Entry bytes in the cycle files still on disk: from the oldest kept entry to the end of the last one written
     * (documents the outputs had before they had to be written count where they fall between written ones).
     * Chronicle's index pages (a few hundred KiB per file) are not counted, nor the sparse space it maps ahead.
     */
    public long diskBytes() {
        return Math.max(0, writer.tail().writtenBytesEnd() - retainedFrom);
    }

    /** Cycle files deleted since the spool was opened. */
    public long deletedFiles() {
        return deletedFiles;
    }

    public Path path() {
        return config.path();
    }

    boolean hasRoom(long bytesEnd) {
        long cap = config.diskLimitBytes();
        // What the memory holds may have to be written: it counts against the cap too.
        if (cap > 0 && diskBytes() + (bytesEnd - writer.tail().leftBytesEnd()) >= cap) {
            return false;
        }
        for (SpoolReader r : readers) {
            long limit = r.limitBytes();
            if (limit > 0 && bytesEnd - r.committedBytes() >= limit) {
                return false;
            }
        }
        return true;
    }

    boolean awaitRoom(SpoolWriter w, long timeoutNanos) throws InterruptedException {
        if (w.hasRoom()) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (room) {
            while (!w.hasRoom()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(room, left);
            }
            return true;
        }
    }

    /**
     * The lowest committed sequence among the registered readers: the records before it are delivered to every
     * output. {@code Long.MIN_VALUE} when none is registered: then every document is kept for the readers to come.
     */
    long minCommittedSequence() {
        SpoolReader[] rs = readers;
        if (rs.length == 0) {
            return Long.MIN_VALUE;
        }
        long min = Long.MAX_VALUE;
        for (SpoolReader r : rs) {
            min = Math.min(min, r.committedSequence());
        }
        return min;
    }

    /**
     * Called by a reader after it persisted a commit: drops the held documents every reader has committed (their
     * records' input positions move on), deletes fully consumed cycles, wakes the writer.
     */
    void afterCommit() {
        writer.tail().dropDelivered();
        deleteConsumedCycles();
        synchronized (room) {
            room.notifyAll();
        }
    }

    /**
     * Keeps a copy of a damaged document, as stored, in {@code damaged/0xINDEX.doc}, so what it held can
     * still be looked at once its cycle file is deleted. The first reader to find it writes it; the others
     * get the same file.
     *
     * @return the file
     * @throws IOException if it cannot be written
     */
    synchronized Path keepDamaged(long index, byte[] document, int length) throws IOException {
        Path dir = config.path().resolve(DAMAGED_DIR);
        Path file = dir.resolve("0x" + Long.toHexString(index) + ".doc");
        if (!Files.exists(file)) {
            Files.createDirectories(dir);
            AtomicFile.write(file, Arrays.copyOf(document, length), config.sync() == SpoolSync.FULL);
        }
        return file;
    }

    /** The file name Chronicle gives a cycle (UTC, the roll cycle's format). */
    String cycleFileName(int cycle) {
        return cycleNames.format(Instant.ofEpochMilli((long) cycle * rollCycle.lengthInMillis())) + CYCLE_SUFFIX;
    }

    int cycleOf(long index) {
        return rollCycle.toCycle(index);
    }

    // A cycle can go once every reader has committed an entry of a later cycle; the cycle holding the
    // slowest reader's last commit stays (it is needed to resume after that entry).
    private synchronized void deleteConsumedCycles() {
        SpoolReader[] rs = readers;
        if (rs.length == 0) {
            return;
        }
        long min = Long.MAX_VALUE;
        for (SpoolReader r : rs) {
            long c = r.committedIndex();
            if (c < 0) {
                return;
            }
            min = Math.min(min, c);
        }
        int keepCycle = rollCycle.toCycle(min);
        if (keepCycle <= cleanedBelowCycle) {
            return;
        }
        String keepFrom = cycleFileName(keepCycle);
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(config.path(), "*" + CYCLE_SUFFIX)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                // Cycle file names are fixed-width dates, so name order is cycle order.
                if (n.length() == keepFrom.length() && n.compareTo(keepFrom) < 0 && Files.deleteIfExists(f)) {
                    deleted++;
                }
            }
        } catch (IOException e) {
            LOG.warn("Spool cleanup failed. path={} error={}", config.path(), e.toString());
            return;
        }
        cleanedBelowCycle = keepCycle;
        if (deleted > 0) {
            queue.refreshDirectoryListing();
            retainedFrom = firstEntry()[1];
            deletedFiles += deleted;
            LOG.debug("Spool cycle files deleted. count={} keptFrom={} diskBytes={}", deleted, keepFrom, diskBytes());
        }
    }

    // {next sequence, bytes end, last document's index, bytes end of the last readable document}; {0, 0, -1, 0}
    // for an empty spool. Damaged documents at the end (a power loss with storage.sync normal, a bad disk) are
    // passed, as the readers pass them: the counters go on from the last document that reads, past the damaged
    // ones whose heads still agree with it, and past every reader's committed position, so no sequence is
    // handed out twice.
    private long[] lastEntry() {
        List<byte[]> damaged = new ArrayList<>(); // heads of the damaged documents at the end, newest first
        String problem = null;
        long lastIndex = -1;
        long[] readable = {0, 0};
        try (ExcerptTailer t = queue.createTailer()) {
            t.direction(TailerDirection.BACKWARD).toEnd();
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    lastIndex = lastIndex == -1 ? dc.index() : lastIndex;
                    Bytes<?> in = dc.wire().bytes();
                    byte[] doc = new byte[(int) in.readRemaining()];
                    in.read(doc);
                    refuseNewer(doc, dc.index());
                    String why = SpoolEntryFormat.headProblem(doc, doc.length);
                    long recordBytes = 0;
                    if (why == null) {
                        if (doc[SpoolEntryFormat.COMPRESSION_AT] == SpoolEntryFormat.COMPRESSION_ZSTD) {
                            ZstdLibrary.requireLoaded("spool " + config.path() + ": the last document (index 0x"
                                    + Long.toHexString(dc.index()) + ")", "");
                        }
                        try {
                            recordBytes = SpoolDocumentUnpacker.recordsLength(doc, doc.length);
                        } catch (IllegalArgumentException e) {
                            why = e.getMessage();
                        }
                    }
                    if (why != null) {
                        damaged.add(Arrays.copyOf(doc, Math.min(doc.length, SpoolEntryFormat.DOCUMENT_HEAD))); // heads only
                        problem = "the document at index 0x" + Long.toHexString(dc.index()) + " cannot be read: " + why;
                        continue;
                    }
                    long first = SpoolEntryFormat.getLong(doc, SpoolEntryFormat.FIRST_SEQUENCE_AT);
                    int records = SpoolEntryFormat.getInt(doc, SpoolEntryFormat.COUNT_AT);
                    long before = SpoolEntryFormat.getLong(doc, SpoolEntryFormat.BYTES_BEFORE_AT);
                    readable = new long[] {first + records, before + recordBytes};
                    break;
                }
            }
        }
        if (damaged.isEmpty()) {
            long[] next = pastReaderPositions(readable[0], readable[1]);
            return new long[] {next[0], next[1], lastIndex, readable[1]};
        }
        // Damaged heads that follow on from the last readable document (oldest first) say how far their records went.
        long sequence = readable[0];
        for (int i = damaged.size() - 1; i >= 0; i--) {
            byte[] doc = damaged.get(i);
            if (doc.length < SpoolEntryFormat.DOCUMENT_HEAD || SpoolEntryFormat.getLong(doc, SpoolEntryFormat.FIRST_SEQUENCE_AT) != sequence) {
                break;
            }
            int records = SpoolEntryFormat.getInt(doc, SpoolEntryFormat.COUNT_AT);
            if (records < 1 || records > SpoolEntryFormat.MAX_DOCUMENT_RECORDS) {
                break;
            }
            sequence += records;
        }
        long[] next = pastReaderPositions(sequence, readable[1]);
        sequence = next[0];
        long bytes = next[1];
        LOG.warn("The spool ends with {} document(s) that do not read (a crash or a bad disk): the spool goes on after them, "
                + "and each output passes them and counts the records it loses. path={} problem=\"{}\" nextSequence={}",
                damaged.size(), config.path(), problem, sequence);
        return new long[] {sequence, bytes, lastIndex, readable[1]};
    }

    // {sequence, bytes} moved past every reader's committed position: documents every reader committed while the
    // writer held them in memory were never written, so a position can be past the last document (and a damaged end
    // can hide records a reader committed); no sequence may be handed out twice.
    private long[] pastReaderPositions(long sequence, long bytes) {
        for (Path f : readerPositionFiles()) {
            ReaderPosition p = ReaderPosition.read(f);
            sequence = Math.max(sequence, p.sequence());
            bytes = Math.max(bytes, p.bytes());
        }
        return new long[] {sequence, bytes};
    }

    // A document of a newer format is not damage: it stops the open (a downgrade must not pass its records).
    private void refuseNewer(byte[] doc, long index) {
        int version = doc.length > 0 ? doc[0] : -1;
        if (version > SpoolEntryFormat.VERSION) {
            throw new IllegalStateException("spool " + config.path() + ": the document at index 0x" + Long.toHexString(index)
                    + " " + SpoolEntryFormat.newerVersion(version) + " or set another storage.path");
        }
    }

    private List<Path> readerPositionFiles() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(readersDir, "*.position")) {
            List<Path> out = new ArrayList<>();
            files.forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list spool reader positions in " + readersDir, e);
        }
    }

    // {first sequence, bytes before} of the first document whose head reads (damaged ones are the readers' to
    // report); {next sequence, bytes end} when there is none.
    private long[] firstEntry() {
        try (ExcerptTailer t = queue.createTailer()) {
            t.toStart();
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        return new long[] {writer.nextSequence(), writer.bytesEnd()};
                    }
                    Bytes<?> in = dc.wire().bytes();
                    byte[] head = new byte[(int) Math.min(in.readRemaining(), SpoolEntryFormat.DOCUMENT_HEAD)];
                    in.read(head);
                    refuseNewer(head, dc.index());
                    if (SpoolEntryFormat.headProblem(head, head.length) == null) {
                        return new long[] {SpoolEntryFormat.getLong(head, SpoolEntryFormat.FIRST_SEQUENCE_AT),
                                SpoolEntryFormat.getLong(head, SpoolEntryFormat.BYTES_BEFORE_AT)};
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            queue.close();
        }
        LOG.info("Spool closed. path={} appended={} diskBytes={} documents_written={} documents_delivered_from_memory={}",
                config.path(), writer.appendedEntries(), diskBytes(), writer.tail().written(), writer.tail().dropped());
    }
}
