package dev.ferry.pipeline.spool;

import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Appends records to the spool: the ring's output stage calls it from its single thread.
 *
 * <p>Not thread-safe: one thread appends (the Chronicle appender is created on it at the first append).
 * {@link #append} copies the record (its JSON, tag, time, origin id and offsets) into the mapped file
 * with one reused {@link DocumentContext}; the record stays the caller's. When it returns the entry is
 * visible to readers and, with {@link SpoolSync#FULL}, {@code msync}ed to the disk.
 *
 * <p>Limits never drop anything: {@link #hasRoom()} turns false when an output's un-committed bytes or the
 * spool's bytes on disk reach their limit; the caller then pauses the inputs ({@link #awaitRoom}) but may
 * still append what it already holds. The counters may be read from any thread.
 */
public final class SpoolWriter {

    private final Spool spool;
    private final SingleChronicleQueue queue;
    private final boolean syncEveryAppend;
    private final ByteSink json = new ByteSink(1024);
    private ExcerptAppender appender;

    // Written by the appending thread only. bytesEnd is volatile and written last, so a thread that reads
    // it first also sees the plain fields at least as new (one fence per append instead of four).
    private long nextSequence;
    private long lastIndex;
    private long appendedEntries;
    private long appendedBytes;
    private volatile long bytesEnd;

    SpoolWriter(Spool spool, SingleChronicleQueue queue, SpoolSync sync, long nextSequence, long bytesEnd,
            long lastIndex) {
        this.spool = spool;
        this.queue = queue;
        this.syncEveryAppend = sync == SpoolSync.FULL;
        this.nextSequence = nextSequence;
        this.bytesEnd = bytesEnd;
        this.lastIndex = lastIndex;
    }

    /**
     * Appends a record: its fields as JSON ({@code fields().writeJson}), tag, time, origin id and offsets.
     *
     * @return the entry's sequence number
     */
    public long append(LogRecord record) {
        json.reset();
        record.fields().writeJson(json);
        RecordOrigin origin = record.origin();
        return append(json.array(), 0, json.length(), record.tag(), record.timeNanos(), record.timeFromLog(),
                origin == null ? null : origin.id(), record.offset(), record.nextOffset());
    }

    /**
     * Appends one entry from its parts; {@code json[off, off+len)} is copied.
     *
     * @param originId the origin's stable id, or null for a record with no origin
     * @return the entry's sequence number
     * @throws IllegalArgumentException if the tag is longer than 65535 or the origin id than 32767 UTF-8
     *     bytes; nothing is appended then
     */
    public long append(byte[] json, int off, int len, String tag, long timeNanos, boolean timeFromLog,
            String originId, long offset, long nextOffset) {
        ExcerptAppender a = appender();
        long sequence = nextSequence;
        long before = bytesEnd;
        long payload;
        try (DocumentContext dc = a.writingDocument()) {
            Bytes<?> out = dc.wire().bytes();
            long start = out.writePosition();
            try {
                SpoolEntryFormat.writeHead(out, timeFromLog, sequence, before, timeNanos, offset, nextOffset,
                        tag, originId);
                out.writeInt(len);
                out.write(json, off, len);
            } catch (RuntimeException e) {
                dc.rollbackOnClose();
                throw e;
            }
            payload = out.writePosition() - start;
        }
        if (syncEveryAppend) {
            a.sync();
        }
        long size = payload + SpoolEntryFormat.DOCUMENT_HEADER;
        nextSequence = sequence + 1;
        lastIndex = a.lastIndexAppended();
        appendedEntries++;
        appendedBytes += size;
        bytesEnd = before + size;
        return sequence;
    }

    /** Forces what was appended so far to the disk ({@code msync}); a no-op with {@link SpoolSync#NORMAL}. */
    public void sync() {
        if (appender != null) {
            appender.sync();
        }
    }

    /** Whether every output is below its limit and the spool below its disk cap. */
    public boolean hasRoom() {
        return spool.hasRoom(bytesEnd);
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
