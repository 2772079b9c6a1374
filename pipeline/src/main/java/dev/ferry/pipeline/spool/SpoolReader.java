package dev.ferry.pipeline.spool;

import dev.ferry.pipeline.io.ZstdLibrary;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * One output's cursor over the spool: its own Chronicle tailer and its own persisted position.
 *
 * <p>Not thread-safe: the output's consumer thread calls {@link #next()}, {@link #commit(long)} and
 * {@link #rewind()} (the tailer is created on that thread at the first call). The counters may be read
 * from any thread.
 *
 * <p>Contract: {@link #commit(long)} takes an entry's {@linkplain SpoolEntry#sequence() sequence} and says
 * "every entry up to this one has a final answer" (delivered or dead-lettered). After a restart the
 * reader resumes with the entry after the last commit, even when that is in the middle of a document, so
 * an entry is never skipped and at most the uncommitted ones are read again. Commits are written to
 * {@code readers/<name>.position} (see {@link ReaderPosition}); commit once per batch, not per entry,
 * and also when {@link #next()} returns null: the writer pauses the inputs while this reader's
 * uncommitted bytes are at its limit, so a consumer that waits for a full batch before committing
 * must keep its batches below the limit.
 *
 * <p>Reading copies one document at a time out of the mapped file into a reused heap buffer (restoring a
 * compressed one into a second buffer, {@link SpoolDocumentUnpacker}), and hands out its records one by
 * one as views into it: nothing is allocated per entry.
 */
public final class SpoolReader implements AutoCloseable {

    private final Spool spool;
    private final SingleChronicleQueue queue;
    private final String name;
    private final long limitBytes;
    private final Path positionFile;
    private final boolean fsync;
    private final SpoolEntry entry = new SpoolEntry();
    private ExcerptTailer tailer;

    // The current document as copied out of the queue (raw), and as read: raw itself, or the unpacker's
    // buffer when it was compressed. Then the records left, where the next one starts, and its sequence
    // and bytes-before. Entries below skipBelow were committed before a restart or rewind.
    private byte[] raw = new byte[SpoolEntryFormat.TARGET_DOCUMENT_BYTES + 16 * 1024];
    private SpoolDocumentUnpacker unpacker;
    private byte[] doc = raw;
    private int docLength;
    private int docLeft;
    private int docPos;
    private long docIndex;
    private long docSequence;
    private long docBytes;
    private long skipBelow;

    // Entries handed out and not yet committed, in sequence order from pendingFirst: a ring of (document
    // index, bytes end).
    private long[] pendingIndex = new long[1024];
    private long[] pendingBytes = new long[1024];
    private int head;
    private int count;
    private long pendingFirst;

    // Written by the reader's thread; committedBytes is volatile and written last (read it first).
    private long committedIndex;
    private long committedSequence;
    private long committedEntries;
    private volatile long committedBytes;

    SpoolReader(Spool spool, SingleChronicleQueue queue, String name, long limitBytes, Path positionFile,
            boolean fsync, ReaderPosition position) {
        this.spool = spool;
        this.queue = queue;
        this.name = name;
        this.limitBytes = limitBytes;
        this.positionFile = positionFile;
        this.fsync = fsync;
        this.committedIndex = position.index();
        this.committedSequence = position.sequence();
        this.committedBytes = position.bytes();
    }

    public String name() {
        return name;
    }

    /**
     * The next entry, or null if the reader has caught up with the writer. Never blocks.
     *
     * @return a view that is valid until the next call of {@code next} or {@link #rewind()}
     * @throws IllegalStateException if a document is not a spool document of this version or is damaged
     *     (the reader moves past it)
     */
    public SpoolEntry next() {
        while (true) {
            if (docLeft == 0 && !readDocument()) {
                return null;
            }
            int size;
            try {
                size = entry.decode(doc, docPos, docLength, docIndex, docSequence, docBytes);
            } catch (IllegalStateException e) {
                docLeft = 0;
                throw e;
            }
            docPos += size;
            docLeft--;
            docSequence++;
            docBytes += size;
            if (entry.sequence() >= skipBelow) {
                push(entry.sequence(), docIndex, docBytes);
                return entry;
            }
        }
    }

    /**
     * Persists that every entry up to and including the one with {@code sequence} (one this reader handed
     * out) has a final answer. Commits at or before the last one are ignored.
     *
     * @throws IllegalArgumentException if the reader did not hand out {@code sequence} since the last commit
     */
    public void commit(long sequence) {
        if (sequence < committedSequence) {
            return;
        }
        long k = sequence - pendingFirst;
        if (count == 0 || k < 0 || k >= count) {
            throw new IllegalArgumentException("spool reader " + name + " did not hand out sequence " + sequence);
        }
        int slot = (int) ((head + k) & (pendingIndex.length - 1));
        ReaderPosition position = new ReaderPosition(pendingIndex[slot], sequence + 1, pendingBytes[slot]);
        position.write(positionFile, fsync);
        head = (slot + 1) & (pendingIndex.length - 1);
        count -= (int) k + 1;
        pendingFirst = sequence + 1;
        committedEntries += position.sequence() - committedSequence;
        committedIndex = position.index();
        committedSequence = position.sequence();
        committedBytes = position.bytes();
        spool.afterCommit();
    }

    /** Goes back to the entry after the last commit: the uncommitted entries will be read again. */
    public void rewind() {
        head = 0;
        count = 0;
        docLeft = 0;
        if (tailer != null) {
            position(tailer);
        }
    }

    /** Entries appended and not committed by this reader. */
    public long pendingEntries() {
        return Math.max(0, spool.writer().nextSequence() - committedSequence);
    }

    /** Entry bytes appended and not committed by this reader: what {@code storage.total_limit_size} limits. */
    public long pendingBytes() {
        return Math.max(0, spool.writer().bytesEnd() - committedBytes);
    }

    /** Entries committed since the spool was opened. */
    public long committedEntries() {
        long fence = committedBytes;
        return committedEntries;
    }

    /** The "bytes before" of the first uncommitted entry: all bytes this reader ever committed. */
    public long committedBytes() {
        return committedBytes;
    }

    /** The sequence of the first entry not committed: where a restart resumes. */
    public long committedSequence() {
        long fence = committedBytes;
        return committedSequence;
    }

    /** Chronicle index of the document holding the last committed entry, or -1 if none. */
    public long committedIndex() {
        long fence = committedBytes;
        return committedIndex;
    }

    /** The limit on {@link #pendingBytes()} ({@code storage.total_limit_size}); 0 or less = none. */
    public long limitBytes() {
        return limitBytes;
    }

    /** Closes the tailer; call from the reader's thread. The position stays as last committed. */
    @Override
    public void close() {
        if (tailer != null) {
            tailer.close();
            tailer = null;
        }
        if (unpacker != null) {
            unpacker.close();
            unpacker = null;
        }
    }

    private ExcerptTailer tailer() {
        ExcerptTailer t = tailer;
        if (t == null) {
            t = queue.createTailer();
            position(t);
            tailer = t;
        }
        return t;
    }

    // Copies the next document into doc; false if there is none yet.
    private boolean readDocument() {
        ExcerptTailer t = tailer();
        long index;
        try (DocumentContext dc = t.readingDocument()) {
            if (!dc.isPresent()) {
                return false;
            }
            index = dc.index();
            Bytes<?> in = dc.wire().bytes();
            int n = (int) in.readRemaining();
            if (n > raw.length) {
                raw = new byte[Math.max(n, raw.length * 2)];
            }
            in.read(raw, 0, n);
            docLength = n;
        }
        doc = raw;
        boolean headRead = docLength >= SpoolEntryFormat.DOCUMENT_HEAD;
        int version = docLength > 0 ? doc[0] : -1;
        int compression = headRead ? doc[SpoolEntryFormat.COMPRESSION_AT] : -1;
        int records = headRead ? SpoolEntryFormat.getInt(doc, SpoolEntryFormat.COUNT_AT) : 0;
        if (!SpoolEntryFormat.readable(version, compression) || records < 1) {
            throw new IllegalStateException("spool document at index 0x" + Long.toHexString(index)
                    + " has format version " + version + ", compression " + compression + ", " + records
                    + " records and " + docLength + " bytes; expected version " + SpoolEntryFormat.OLDEST_READ_VERSION
                    + " to " + SpoolEntryFormat.VERSION + " (" + queue.fileAbsolutePath() + ")");
        }
        if (compression == SpoolEntryFormat.COMPRESSION_ZSTD) {
            if (unpacker == null) {
                ZstdLibrary.requireLoaded("spool document at index 0x" + Long.toHexString(index),
                        " (" + queue.fileAbsolutePath() + ")");
                unpacker = new SpoolDocumentUnpacker();
            }
            try {
                unpacker.unpack(raw, docLength);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("spool document at index 0x" + Long.toHexString(index) + " cannot be read: "
                        + e.getMessage() + " (" + queue.fileAbsolutePath() + ")", e);
            }
            doc = unpacker.array();
            docLength = unpacker.length();
        }
        docIndex = index;
        docLeft = records;
        docPos = SpoolEntryFormat.DOCUMENT_HEAD;
        docSequence = SpoolEntryFormat.getLong(doc, SpoolEntryFormat.FIRST_SEQUENCE_AT);
        docBytes = SpoolEntryFormat.getLong(doc, SpoolEntryFormat.BYTES_BEFORE_AT);
        return true;
    }

    // Places the tailer on the document holding the entry after the last commit; entries before it are
    // skipped by sequence as they are read.
    private void position(ExcerptTailer t) {
        long committed = committedIndex();
        skipBelow = committedSequence;
        // When the committed document's cycle file is gone (deleted once every reader had committed past
        // it), every document still on disk comes after it: start at the first.
        if (committed < 0 || !t.moveToIndex(committed)) {
            t.toStart();
        }
    }

    private void push(long sequence, long index, long bytesEnd) {
        if (count == 0) {
            pendingFirst = sequence;
        }
        if (count == pendingIndex.length) {
            grow();
        }
        int slot = (head + count) & (pendingIndex.length - 1);
        pendingIndex[slot] = index;
        pendingBytes[slot] = bytesEnd;
        count++;
    }

    private void grow() {
        int n = pendingIndex.length;
        pendingIndex = unroll(pendingIndex, n);
        pendingBytes = unroll(pendingBytes, n);
        head = 0;
    }

    private long[] unroll(long[] ring, int n) {
        long[] out = new long[n * 2];
        for (int i = 0; i < count; i++) {
            out[i] = ring[(head + i) & (n - 1)];
        }
        return out;
    }
}
