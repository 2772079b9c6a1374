package dev.ferry.pipeline.spool;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.MemberSpans;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.record.RecordOrigin;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends records to the spool: the ring's spool stage calls it from its single thread.
 *
 * <p>Not thread-safe: one thread appends. {@link #append} encodes the record (its JSON, tag, time, origin id
 * and offsets) into the current batch, a heap buffer ({@link SpoolBatchEncoder}); {@link #flush(Runnable)} ends
 * the batch as one document (also done once a batch reaches about 64 KiB) and hands it to the spool's
 * {@linkplain SpoolMemoryTail memory tail} together with the acknowledgements of the records up to it. The
 * readers see a document from then on. It is written to the Chronicle queue (compressed with
 * {@link SpoolCompression#ZSTD}, and {@code msync}ed with {@link SpoolSync#FULL}: {@link SpoolDocumentWriter})
 * once the tail holds more than its capacity or it is older than its maximum age (a second by default,
 * {@link #holdInMemoryAtMost}), unless every reader has committed it first: then it is dropped unwritten. Either way its acknowledgements run only then, in document order, so an
 * input's position moves past a record only once the record is delivered to every output or on disk. A
 * write-behind thread writes old documents while the ring is idle; {@link #close()} writes what is left.
 *
 * <p>Limits never drop anything: {@link #hasRoom()} turns false when an output's un-committed bytes or the
 * spool's bytes on disk reach their limit, or when the filesystem under the spool is down to
 * {@code storage.min_free} ({@link SpoolDiskSpace}) and the tail is full; the caller then pauses the inputs
 * ({@link #awaitRoom}) but may still append what it already holds. On such a disk {@link #flush(Runnable)}
 * returns false: the tail keeps its documents, and their acknowledgements, until a later flush writes them. The
 * counters may be read from any thread; they count every record appended, whether already written or still in
 * the batch.
 */
public final class SpoolWriter {

    /**
     * The bytes of documents held in memory by default ({@code storage.write_behind}). Held there, most documents are
     * delivered before they have to be written: bench/e2e.sh --output es, 2 M lines, the es consumer committing every
     * 16,384 records: 994 to 2,243 of about 15,800 documents written, 6.64-6.89 CPU-s, peak RSS 186 MB, against
     * 8.98-9.56 CPU-s and 131-133 MB when every document is written (alternated runs). 64 MiB wrote none, but peak
     * RSS went to 225 MB, over the 200 MB the agent keeps to.
     */
    public static final long DEFAULT_MEMORY_BYTES = 32L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(SpoolWriter.class);
    private static final long WRITE_BEHIND_TICK_NANOS = SpoolMemoryTail.MAX_AGE_NANOS / 4;

    private final Spool spool;
    private final SingleChronicleQueue queue;
    private final SpoolSync sync;
    private final SpoolCompression compression;
    private final SpoolBatchEncoder batch = new SpoolBatchEncoder();
    /** Where the values of the record being appended lie in its JSON, for the spool's member table. */
    private final MemberSpans members = new MemberSpans();
    /** Whether records get member tables: from when a reader asked for them ({@link #keepMemberSpans}). */
    private volatile boolean memberTables;
    private final SpoolDiskSpace disk;
    private final SpoolMemoryTail tail;
    /** The appending thread's; created at its first write. */
    private SpoolDocumentWriter documents;
    private Thread writeBehind;
    private volatile boolean closing;

    // Written by the appending thread only. bytesEnd is volatile and written last, so a thread that reads
    // it first also sees the plain fields at least as new (one fence per append instead of four).
    private long nextSequence;
    private long appendedEntries;
    private long appendedBytes;
    private volatile long bytesEnd;

    SpoolWriter(Spool spool, SingleChronicleQueue queue, SpoolSync sync, SpoolCompression compression,
            SpoolDiskSpace disk, long nextSequence, long bytesEnd, long lastIndex, long lastWrittenBytesEnd) {
        this.spool = spool;
        this.queue = queue;
        this.sync = sync;
        this.compression = compression;
        this.disk = disk;
        this.tail = new SpoolMemoryTail(spool::minCommittedSequence, lastIndex, lastWrittenBytesEnd, bytesEnd);
        this.nextSequence = nextSequence;
        this.bytesEnd = bytesEnd;
    }

    /**
     * Sets how many bytes of documents the spool holds in memory before it writes the oldest to disk
     * ({@link #DEFAULT_MEMORY_BYTES} by default; 0 writes each document at once). Their records' input positions
     * wait meanwhile, so keep it below an input's {@code Mem_Buf_Limit}, which would otherwise pause reading until
     * the documents are old enough to be written ({@link #holdInMemoryAtMost}).
     */
    public void holdInMemory(long bytes) {
        tail.capacity(bytes);
    }

    /**
     * Sets how old a document held in memory gets before it is written to disk though the memory has room (a
     * second by default): longer than outputs hold records for their flush interval, so that an output that keeps
     * up never has its documents written.
     */
    public void holdInMemoryAtMost(Duration age) {
        tail.maxAge(age.toNanos());
    }

    /**
     * Adds a record to the current batch: its fields as JSON ({@code fields().writeJson}) with, once a reader asked
     * ({@link #keepMemberSpans}), where their values lie in it (the member table), their
     * {@link RecordFields#keyMask() key mask}, tag, time, origin id, offsets and line hash. The record stays the
     * caller's.
     *
     * @return the record's sequence number
     * @throws IllegalArgumentException if the tag or origin id is longer than 65535 UTF-8 bytes; nothing
     *     is appended then
     */
    public long append(LogRecord record) {
        RecordOrigin origin = record.origin();
        boolean table = memberTables;
        int at = begin(record.tag(), record.timeNanos(), record.timeFromLog(), origin == null ? null : origin.id(),
                record.offset(), record.nextOffset(), record.fields().keyMask(), record.lineHash(), table);
        boolean known;
        try {
            known = record.fields().writeJson(batch.sink(), table ? members : null);
        } catch (RuntimeException e) {
            batch.abortRecord(at);
            throw e;
        }
        return end(at, known && table ? members : null);
    }

    /**
     * Gives the records appended from now on member tables (where each value lies in their JSON), so readers cut
     * them into fields without parsing the JSON again. Called for a reader whose output reads the fields of most
     * records: an output that only writes each record's JSON out as it is (Elasticsearch's, by default) never asks,
     * and the spool then spends nothing on tables. Any thread.
     */
    public void keepMemberSpans() {
        if (!memberTables) {
            memberTables = true;
        }
    }

    /**
     * Adds a record from its parts to the current batch; {@code json[off, off+len)} is copied (with no key
     * mask: a reader asking for a field parses it).
     *
     * @param originId the origin's stable id, or null for a record with no origin
     * @return the record's sequence number
     * @throws IllegalArgumentException if the tag or origin id is longer than 65535 UTF-8 bytes; nothing
     *     is appended then
     */
    public long append(byte[] json, int off, int len, String tag, long timeNanos, boolean timeFromLog,
            String originId, long offset, long nextOffset) {
        int at = begin(tag, timeNanos, timeFromLog, originId, offset, nextOffset, RecordFields.UNKNOWN_KEYS,
                LogRecord.NO_LINE_HASH, false);
        batch.sink().write(json, off, len);
        return end(at, null);
    }

    /** {@link #flush(Runnable)} with no acknowledgements to attach. */
    public boolean flush() {
        return flush(null);
    }

    /**
     * Ends the current batch as one document and hands it to the memory tail, which writes the oldest documents to
     * disk while it holds more than its capacity (see the class comment). {@code acks} run once the document, and
     * every one before it, has left the tail (delivered everywhere, or written); with no document to end, once
     * those already held have.
     *
     * @param acks the acknowledgements of the records appended so far, or null
     * @return false when the filesystem under the spool is down to {@code storage.min_free} and the tail is over
     *     its capacity: its documents (this one too) wait for a later flush, and {@link #hasRoom()} is false until
     *     the oldest fits
     */
    public boolean flush(Runnable acks) {
        SpoolDocumentWriter w = documents();
        if (batch.isEmpty()) {
            tail.acknowledgeAfterHeld(acks);
            return tail.writeOld(w, false);
        }
        byte[] doc = batch.array();
        int length = batch.length();
        long first = SpoolEntryFormat.getLong(doc, SpoolEntryFormat.FIRST_SEQUENCE_AT);
        boolean written = tail.add(doc, length, first, nextSequence, bytesEnd, acks, w);
        batch.clear();
        startWriteBehind();
        return written;
    }

    private int begin(String tag, long timeNanos, boolean timeFromLog, String originId, long offset, long nextOffset,
            long keyMask, long lineHash, boolean withMembers) {
        if (batch.isEmpty()) {
            batch.begin(nextSequence, bytesEnd);
        }
        return batch.beginRecord(tag, timeNanos, timeFromLog, originId, offset, nextOffset, keyMask, lineHash,
                withMembers);
    }

    private long end(int at, MemberSpans spans) {
        int size = batch.endRecord(at, spans);
        long sequence = nextSequence;
        nextSequence = sequence + 1;
        appendedEntries++;
        appendedBytes += size;
        bytesEnd += size;
        if (batch.length() >= SpoolEntryFormat.TARGET_DOCUMENT_BYTES) {
            flush();
        }
        return sequence;
    }

    /**
     * Whether every output is below its limit, the spool below its disk cap, and its filesystem above
     * {@code storage.min_free} (asked again only while it was not: one system call then).
     */
    public boolean hasRoom() {
        return spool.hasRoom(bytesEnd) && (!disk.isLow() || !tail.overCapacity() || disk.allows(tail.oldestLength()));
    }

    /**
     * Why {@link #hasRoom()} is false when the filesystem is the reason, for the pause's log line, or null
     * when it is not (the spool's limits are).
     */
    public String diskProblem() {
        if (!disk.isLow()) {
            return null;
        }
        return "path=" + disk.path() + " free=" + disk.lastUsable() + " min_free=" + disk.minFreeBytes()
                + " held=" + tail.oldestLength();
    }

    /**
     * Waits until {@link #hasRoom()} or the timeout passes; readers' commits wake it up.
     *
     * @return whether there is room now
     */
    public boolean awaitRoom(long timeout, TimeUnit unit) throws InterruptedException {
        return spool.awaitRoom(this, unit.toNanos(timeout));
    }

    /** The sequence number the next entry gets (entries the spool ever held). */
    public long nextSequence() {
        long fence = bytesEnd;
        return nextSequence;
    }

    /** Sum of the sizes of every entry the spool ever held (the next entry's "bytes before"). */
    public long bytesEnd() {
        return bytesEnd;
    }

    /** Entries appended since the spool was opened. */
    public long appendedEntries() {
        long fence = bytesEnd;
        return appendedEntries;
    }

    /** Bytes (entry sizes) appended since the spool was opened. */
    public long appendedBytes() {
        long fence = bytesEnd;
        return appendedBytes;
    }

    long lastIndex() {
        return tail.lastIndex();
    }

    /** The documents not yet written to disk (package-private: readers read them from it). */
    SpoolMemoryTail tail() {
        return tail;
    }

    /**
     * Stops the write-behind thread and writes the documents still held to disk on the calling thread (their
     * acknowledgements run); call after the appending thread and the readers stopped. Documents the disk has no room
     * for are not written, and their records are read again from their files at the next start.
     */
    void close() {
        closing = true;
        Thread t = writeBehind;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (SpoolDocumentWriter last = newDocumentWriter()) {
            if (!tail.writeOld(last, true)) {
                LOG.warn("The spool's last documents were not written: its disk is down to storage.min_free. Their records "
                        + "are read again from their files at the next start. path={} documents_held={}", spool.path(),
                        tail.held());
            }
        } finally {
            if (documents != null) {
                documents.close();
                documents = null;
            }
        }
    }

    private SpoolDocumentWriter documents() {
        SpoolDocumentWriter w = documents;
        if (w == null) {
            w = newDocumentWriter();
            documents = w;
        }
        return w;
    }

    // A document writer for the calling thread (Chronicle's appenders are bound to the thread that creates them).
    private SpoolDocumentWriter newDocumentWriter() {
        return new SpoolDocumentWriter(queue, disk, sync, compression);
    }

    // The thread that writes documents past their maximum age while the ring is idle (a dead output must not hold the
    // inputs' positions back); started at the first document.
    private void startWriteBehind() {
        if (writeBehind != null) {
            return;
        }
        Thread t = new Thread(this::writeBehind, "ferry-spool-writeback");
        t.setDaemon(true);
        writeBehind = t;
        t.start();
    }

    private void writeBehind() {
        long lastError = 0;
        try (SpoolDocumentWriter w = newDocumentWriter()) {
            while (!closing) {
                LockSupport.parkNanos(WRITE_BEHIND_TICK_NANOS);
                try {
                    tail.writeOld(w, false);
                } catch (RuntimeException e) {
                    long now = System.nanoTime();
                    if (lastError == 0 || now - lastError > TimeUnit.MINUTES.toNanos(1)) {
                        lastError = now;
                        LOG.error("Writing held documents to the spool failed; they stay in memory and their records' "
                                + "positions wait. path={} error={}", spool.path(), e.toString(), e);
                    }
                }
            }
        }
    }
}
