package dev.ferry.pipeline.spool;

import java.nio.file.Path;
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
 * <p>Contract: {@link #commit(long)} says "every entry up to this index has a final answer" (delivered
 * or dead-lettered). After a restart the reader resumes with the entry after the last commit, so an
 * entry is never skipped and at most the uncommitted ones are read again. Commits are written to
 * {@code readers/<name>.position} (see {@link ReaderPosition}); commit once per batch, not per entry,
 * and also when {@link #next()} returns null: the writer pauses the inputs while this reader's
 * uncommitted bytes are at its limit, so a consumer that waits for a full batch before committing
 * must keep its batches below the limit.
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

    // Entries handed out and not yet committed, in index order: a ring of (index, sequence+1, bytes end).
    private long[] pendingIndex = new long[1024];
    private long[] pendingSequence = new long[1024];
    private long[] pendingBytes = new long[1024];
    private int head;
    private int count;

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
     * @throws IllegalStateException if the entry is not a spool entry (the reader moves past it)
     */
    public SpoolEntry next() {
        ExcerptTailer t = tailer();
        try (DocumentContext dc = t.readingDocument()) {
            if (!dc.isPresent()) {
                return null;
            }
            entry.decode(dc.index(), dc.wire().bytes());
        }
        push(entry.index(), entry.sequence() + 1, entry.bytesEnd());
        return entry;
    }

    /**
     * Persists that every entry up to and including {@code index} (an {@link SpoolEntry#index()} this
     * reader handed out) has a final answer. Commits at or before the last one are ignored.
     *
     * @throws IllegalArgumentException if the reader did not hand out {@code index} since the last commit
     */
    public void commit(long index) {
        if (index <= committedIndex) {
            return;
        }
        int found = -1;
        for (int i = 0; i < count; i++) {
            long at = pendingIndex[(head + i) & (pendingIndex.length - 1)];
            if (at == index) {
                found = i;
                break;
            }
            if (at > index) {
                break;
            }
        }
        if (found < 0) {
            throw new IllegalArgumentException("spool reader " + name + " did not hand out index 0x"
                    + Long.toHexString(index));
        }
        int slot = (head + found) & (pendingIndex.length - 1);
        ReaderPosition position = new ReaderPosition(index, pendingSequence[slot], pendingBytes[slot]);
        position.write(positionFile, fsync);
        head = (slot + 1) & (pendingIndex.length - 1);
        count -= found + 1;
        committedEntries += position.sequence() - committedSequence;
        committedIndex = index;
        committedSequence = position.sequence();
        committedBytes = position.bytes();
        spool.afterCommit();
    }

    /** Goes back to the entry after the last commit: the uncommitted entries will be read again. */
    public void rewind() {
        head = 0;
        count = 0;
        if (tailer != null) {
            position(tailer);
        }
    }

    /** Entries appended and not committed by this reader. */
    public long pendingEntries() {
        long fence = committedBytes;
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

    /** Chronicle index of the last committed entry, or -1 if nothing was ever committed. */
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

    // Places the tailer on the entry after the last commit.
    private void position(ExcerptTailer t) {
        long committed = committedIndex();
        if (committed < 0) {
            t.toStart();
            return;
        }
        if (t.moveToIndex(committed)) {
            boolean skipped;
            try (DocumentContext dc = t.readingDocument()) {
                skipped = dc.isPresent() && dc.index() == committed; // the committed entry itself
            }
            if (skipped) {
                return;
            }
        }
        // The committed entry's cycle file is gone (deleted once every reader had committed past it),
        // so every entry still on disk comes after it; skip defensively anything that does not.
        t.toStart();
        while (true) {
            try (DocumentContext dc = t.readingDocument()) {
                if (!dc.isPresent()) {
                    return;
                }
                if (dc.index() > committed) {
                    dc.rollbackOnClose();
                    return;
                }
            }
        }
    }

    private void push(long index, long sequenceEnd, long bytesEnd) {
        if (count == pendingIndex.length) {
            grow();
        }
        int slot = (head + count) & (pendingIndex.length - 1);
        pendingIndex[slot] = index;
        pendingSequence[slot] = sequenceEnd;
        pendingBytes[slot] = bytesEnd;
        count++;
    }

    private void grow() {
        int n = pendingIndex.length;
        pendingIndex = unroll(pendingIndex, n);
        pendingSequence = unroll(pendingSequence, n);
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
