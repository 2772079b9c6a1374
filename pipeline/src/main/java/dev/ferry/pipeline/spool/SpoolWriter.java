package dev.ferry.pipeline.spool;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.record.RecordOrigin;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Appends records to the spool: the ring's spool stage calls it from its single thread.
 *
 * <p>Not thread-safe: one thread appends (the Chronicle appender is created on it at the first write).
 * {@link #append} encodes the record (its JSON, tag, time, origin id and offsets) into the current batch,
 * a heap buffer ({@link SpoolBatchEncoder}); {@link #flush()} writes the batch as one Chronicle document,
 * compressed with {@link SpoolCompression#ZSTD} ({@link SpoolDocumentPacker}), and, with
 * {@link SpoolSync#FULL}, {@code msync}s it. A batch is also written once it reaches about
 * 64 KiB. Records are visible to readers, and may be acknowledged to the inputs, only once the
 * {@code flush} that wrote them returned.
 *
 * <p>Limits never drop anything: {@link #hasRoom()} turns false when an output's un-committed bytes or the
 * spool's bytes on disk reach their limit, or when the filesystem under the spool is down to
 * {@code storage.min_free} ({@link SpoolDiskSpace}); the caller then pauses the inputs ({@link #awaitRoom})
 * but may still append what it already holds. On such a disk {@link #flush()} holds the batch and returns
 * false: those records are not in the spool, and must not be acknowledged, until a later flush writes them. The counters may be read from any thread; they count every record
 * appended, whether already written or still in the batch.
 */
public final class SpoolWriter {

    private final Spool spool;
    private final SingleChronicleQueue queue;
    private final boolean syncEachDocument;
    private final SpoolBatchEncoder batch = new SpoolBatchEncoder();
    /** Null when documents are written uncompressed. */
    private final SpoolDocumentPacker packer;
    private final SpoolDiskSpace disk;
    private ExcerptAppender appender;

    // Written by the appending thread only. bytesEnd is volatile and written last, so a thread that reads
    // it first also sees the plain fields at least as new (one fence per append instead of four).
    private long nextSequence;
    private long lastIndex;
    private long appendedEntries;
    private long appendedBytes;
    private volatile long bytesEnd;

    SpoolWriter(Spool spool, SingleChronicleQueue queue, SpoolSync sync, SpoolCompression compression,
            SpoolDiskSpace disk, long nextSequence, long bytesEnd, long lastIndex) {
        this.spool = spool;
        this.queue = queue;
        this.disk = disk;
        this.syncEachDocument = sync == SpoolSync.FULL;
        this.packer = compression == SpoolCompression.ZSTD ? new SpoolDocumentPacker() : null;
        this.nextSequence = nextSequence;
        this.bytesEnd = bytesEnd;
        this.lastIndex = lastIndex;
    }

    /**
     * Adds a record to the current batch: its fields as JSON ({@code fields().writeJson}), their
     * {@link RecordFields#keyMask() key mask}, tag, time, origin id and offsets. The record stays the caller's.
     *
     * @return the record's sequence number
     * @throws IllegalArgumentException if the tag or origin id is longer than 65535 UTF-8 bytes; nothing
     *     is appended then
     */
    public long append(LogRecord record) {
        RecordOrigin origin = record.origin();
        int at = begin(record.tag(), record.timeNanos(), record.timeFromLog(), origin == null ? null : origin.id(),
                record.offset(), record.nextOffset(), record.fields().keyMask());
        try {
            record.fields().writeJson(batch.sink());
        } catch (RuntimeException e) {
            batch.abortRecord(at);
            throw e;
        }
        return end(at);
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
        int at = begin(tag, timeNanos, timeFromLog, originId, offset, nextOffset, RecordFields.UNKNOWN_KEYS);
        batch.sink().write(json, off, len);
        return end(at);
    }

    /**
     * Writes the current batch as one document (and {@code msync}s it with {@link SpoolSync#FULL}); a
     * no-op when nothing was appended since the last flush.
     *
     * @return true when the batch is in the spool (or was empty); false when the filesystem under the spool
     *     is down to {@code storage.min_free}: the batch is held, whole, for a later flush, and
     *     {@link #hasRoom()} is false until it fits
     */
    public boolean flush() {
        if (batch.isEmpty()) {
            return true;
        }
        byte[] doc = batch.array();
        int length = batch.length();
        if (packer != null && packer.pack(doc, length)) {
            doc = packer.array();
            length = packer.length();
        }
        if (!disk.allows(length)) {
            return false;
        }
        ExcerptAppender a = appender();
        try (DocumentContext dc = a.writingDocument()) {
            try {
                dc.wire().bytes().write(doc, 0, length);
            } catch (RuntimeException e) {
                dc.rollbackOnClose();
                throw e;
            }
        }
        if (syncEachDocument) {
            a.sync();
        }
        lastIndex = a.lastIndexAppended();
        batch.clear();
        return true;
    }

    private int begin(String tag, long timeNanos, boolean timeFromLog, String originId, long offset, long nextOffset,
            long keyMask) {
        if (batch.isEmpty()) {
            batch.begin(nextSequence, bytesEnd);
        }
        return batch.beginRecord(tag, timeNanos, timeFromLog, originId, offset, nextOffset, keyMask);
    }

    private long end(int at) {
        int size = batch.endRecord(at);
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
        return spool.hasRoom(bytesEnd) && (!disk.isLow() || disk.allows(batch.length()));
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
                + " held=" + batch.length();
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
        long fence = bytesEnd;
        return lastIndex;
    }

    void close() {
        if (appender != null) {
            appender.close();
            appender = null;
        }
        if (packer != null) {
            packer.close();
        }
    }

    private ExcerptAppender appender() {
        ExcerptAppender a = appender;
        if (a == null) {
            a = queue.createAppender();
            appender = a;
        }
        return a;
    }
}
