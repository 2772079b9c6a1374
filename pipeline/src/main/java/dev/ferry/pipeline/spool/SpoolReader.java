package dev.ferry.pipeline.spool;

import dev.ferry.pipeline.io.ZstdLibrary;
import java.io.IOException;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Reading copies one document at a time into a reused heap buffer, from the spool's
 * {@linkplain SpoolMemoryTail memory tail} when it still holds it (documents not yet written to disk), else out of
 * the mapped file (restoring a compressed one into a second buffer, {@link SpoolDocumentUnpacker}), and hands out
 * its records one by one as views into it: nothing is allocated per entry. A document read from memory and written
 * to disk afterwards is passed by its head when the tailer meets it.
 *
 * <p>A damaged document (its head, its zstd frame or one of its records does not read) does not stop the
 * reader (one of a format version newer than this release reads does: see {@link #next()}): its bytes are kept in {@code damaged/} ({@link Spool#keepDamaged}), an ERROR says which document
 * and why, and the reader goes on with the next one. The records of it that were not handed out are
 * counted in {@link #lostEntries()} once the next document's first sequence shows how many they were
 * (a damaged head's count is not trusted), with a second log line that gives the number and the range.
 */
public final class SpoolReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolReader.class);

    private final Spool spool;
    private final SingleChronicleQueue queue;
    private final String name;
    private final long limitBytes;
    private final Path positionFile;
    private final boolean fsync;
    private final SpoolEntry entry = new SpoolEntry();
    private final SpoolMemoryTail memory;
    private ExcerptTailer tailer;

    // The current document as copied out of the queue (raw), and as read: raw itself, or the unpacker's
    // buffer when it was compressed. Then the records left, where the next one starts, and its sequence
    // and bytes-before. skipBelow is the first sequence not handed out: entries below it were handed out, or
    // committed before a restart or rewind. memoryIndex is the index hint of a document copied from memory.
    private byte[] raw = new byte[SpoolEntryFormat.TARGET_DOCUMENT_BYTES + 16 * 1024];
    private int rawLength;
    private SpoolDocumentUnpacker unpacker;
    private byte[] doc = raw;
    private int docLength;
    /** Whether doc's bytes are known to be as written: copied from memory, or restored from a checksummed zstd frame. */
    private boolean docIntact;
    private int docLeft;
    private int docPos;
    private long docIndex;
    private long docSequence;
    private long docBytes;
    private long skipBelow;
    private long memoryIndex;
    // After damaged documents, the first sequence not handed out (-1: none) and the first damaged document's
    // index, until the next readable document closes the gap. (docSequence is -1 from placing the reader to
    // its first readable document.)
    private long lostFrom = -1;
    private long lostAt;
    // Placed at the oldest document because the one holding the last commit is gone: its cycle file was
    // deleted while this reader was not registered. The first readable document says what went with it.
    private boolean resumedPastDeletion;

    // Entries handed out and not yet committed, in sequence order: a ring of (sequence, document index,
    // bytes end). Sequences rise by one except across a damaged document.
    private long[] pendingSequence = new long[1024];
    private long[] pendingIndex = new long[1024];
    private long[] pendingBytes = new long[1024];
    private int head;
    private int count;

    // Written by the reader's thread; committedBytes is volatile and written last (read it first).
    private long committedIndex;
    private long committedSequence;
    private long committedEntries;
    private volatile long committedBytes;
    private volatile long damagedDocuments;
    private volatile long lostEntries;

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
        this.memory = spool.writer().tail();
        this.skipBelow = position.sequence();
        this.docSequence = -1;
    }

    public String name() {
        return name;
    }

    /**
     * Asks the spool's writer to give the records it appends from now on member tables ({@link
     * SpoolWriter#keepMemberSpans}): for a reader whose output needs the records' fields.
     */
    public void keepMemberSpans() {
        spool.writer().keepMemberSpans();
    }

    /**
     * The next entry, or null if the reader has caught up with the writer. Never blocks.
     *
     * <p>A damaged document is kept aside, logged and passed (see the class comment).
     *
     * @return a view that is valid until the next call of {@code next} or {@link #rewind()}
     * @throws IllegalStateException if a document has a format version newer than this release reads, or is
     *     zstd-compressed and zstd's native library did not load; the reader stays before it, so every call
     *     throws again until the cause is gone
     */
    public SpoolEntry next() {
        while (true) {
            if (docLeft == 0 && !readDocument()) {
                return null;
            }
            int size;
            try {
                size = entry.decode(doc, docPos, docLength, docIndex, docSequence, docBytes, docIntact);
            } catch (IllegalStateException e) {
                skipDamaged(docIndex, e.getMessage(), docLeft + " records from sequence " + docSequence
                        + " on, after " + (SpoolEntryFormat.getInt(doc, SpoolEntryFormat.COUNT_AT) - docLeft) + " read",
                        docSequence);
                docLeft = 0;
                continue;
            }
            docPos += size;
            docLeft--;
            docSequence++;
            docBytes += size;
            if (entry.sequence() >= skipBelow) {
                skipBelow = entry.sequence() + 1;
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
        int k = pendingSlot(sequence);
        if (k < 0) {
            throw new IllegalArgumentException("spool reader " + name + " did not hand out sequence " + sequence);
        }
        int slot = (head + k) & (pendingIndex.length - 1);
        ReaderPosition position = new ReaderPosition(pendingIndex[slot], sequence + 1, pendingBytes[slot]);
        position.write(positionFile, fsync);
        head = (slot + 1) & (pendingIndex.length - 1);
        count -= k + 1;
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
        skipBelow = committedSequence;
        docSequence = -1;
        lostFrom = -1;
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

    /**
     * Whether the spool's memory holds more than half the documents it may hold before writing them to disk: time
     * for a reader holding records back to commit them (see {@code SpoolConsumer#holdForFlushInterval}).
     */
    public boolean memoryHalfFull() {
        return memory.halfFull();
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

    /** Damaged documents this reader kept aside and passed since the spool was opened. */
    public long damagedDocuments() {
        return damagedDocuments;
    }

    /**
     * Entries this reader could not hand out, since the spool was opened: those of damaged documents, counted
     * when the document after the damaged one is read (its first sequence says how many there were), and those
     * deleted from the spool while no output of this reader's name was registered.
     */
    public long lostEntries() {
        return lostEntries;
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

    // Copies the next readable document into doc, from memory or from disk, passing damaged ones and those read
    // from memory before they were written; false if there is none yet.
    private boolean readDocument() {
        while (true) {
            long writtenBefore = memory.written();
            if (memory.copyHolding(skipBelow, this)) {
                docIntact = true;
                begin(memoryIndex);
                return true;
            }
            long index = copyNextDocument();
            if (index == -1) {
                if (memory.copyFirstAfter(skipBelow, writtenBefore, this)) {
                    docIntact = true;
                    begin(memoryIndex);
                    return true;
                }
                return false;
            }
            if (readBefore()) {
                continue;
            }
            String damage = unpack(index);
            if (damage != null) {
                boolean headRead = rawLength >= SpoolEntryFormat.DOCUMENT_HEAD;
                skipDamaged(index, damage, headRead ? "its head says " + SpoolEntryFormat.getInt(raw, SpoolEntryFormat.COUNT_AT)
                        + " records from sequence " + SpoolEntryFormat.getLong(raw, SpoolEntryFormat.FIRST_SEQUENCE_AT)
                        : "no head", docSequence);
                continue;
            }
            docIntact = raw[SpoolEntryFormat.COMPRESSION_AT] == SpoolEntryFormat.COMPRESSION_ZSTD;
            begin(index);
            return true;
        }
    }

    // Starts handing out the records of the readable document in doc.
    private void begin(long index) {
        docIndex = index;
        docLeft = SpoolEntryFormat.getInt(doc, SpoolEntryFormat.COUNT_AT);
        docPos = SpoolEntryFormat.DOCUMENT_HEAD;
        docSequence = SpoolEntryFormat.getLong(doc, SpoolEntryFormat.FIRST_SEQUENCE_AT);
        docBytes = SpoolEntryFormat.getLong(doc, SpoolEntryFormat.BYTES_BEFORE_AT);
        if (lostFrom >= 0) {
            countLost(index);
        }
        if (resumedPastDeletion) {
            resumedPastDeletion = false;
            countDeleted(index);
        }
    }

    // Whether the document in raw, by its head, holds only records before skipBelow: read from memory before it
    // was written, or committed before a restart. Passed without restoring it.
    private boolean readBefore() {
        if (SpoolEntryFormat.headProblem(raw, rawLength) != null) {
            return false;
        }
        long first = SpoolEntryFormat.getLong(raw, SpoolEntryFormat.FIRST_SEQUENCE_AT);
        return first + SpoolEntryFormat.getInt(raw, SpoolEntryFormat.COUNT_AT) <= skipBelow;
    }

    /**
     * Copies a document the memory tail holds (uncompressed, current format) into this reader's buffer; called by
     * {@link SpoolMemoryTail} under its monitor, on this reader's thread.
     */
    void takeFromMemory(byte[] src, int length, long indexHint) {
        rawFits(length);
        System.arraycopy(src, 0, raw, 0, length);
        rawLength = length;
        doc = raw;
        docLength = length;
        memoryIndex = indexHint;
    }

    // Copies the next document as stored into raw; its index, or -1 if there is none yet.
    private long copyNextDocument() {
        try (DocumentContext dc = tailer().readingDocument()) {
            if (!dc.isPresent()) {
                return -1;
            }
            Bytes<?> in = dc.wire().bytes();
            int n = (int) in.readRemaining();
            rawFits(n);
            in.read(raw, 0, n);
            rawLength = n;
            return dc.index();
        }
    }

    // Makes raw hold at least n bytes (its content is about to be replaced).
    private void rawFits(int n) {
        if (n > raw.length) {
            raw = new byte[Math.max(n, raw.length * 2)];
        }
    }

    // Points doc at the readable form of raw (restoring a compressed document); null, or what is wrong with it.
    private String unpack(long index) {
        doc = raw;
        docLength = rawLength;
        int version = rawLength > 0 ? raw[0] : -1;
        if (version > SpoolEntryFormat.VERSION) {
            // Not passed as damage: records a newer ferry wrote would be lost to a downgrade.
            tailer.moveToIndex(index);
            throw new IllegalStateException("spool document at index 0x" + Long.toHexString(index) + " "
                    + SpoolEntryFormat.newerVersion(version) + " (" + queue.fileAbsolutePath() + ")");
        }
        String problem = SpoolEntryFormat.headProblem(raw, rawLength);
        if (problem != null) {
            return problem;
        }
        if (raw[SpoolEntryFormat.COMPRESSION_AT] == SpoolEntryFormat.COMPRESSION_ZSTD) {
            if (unpacker == null) {
                // Not damage: every compressed document would fail alike, so this stops the reader.
                try {
                    ZstdLibrary.requireLoaded("spool document at index 0x" + Long.toHexString(index),
                            " (" + queue.fileAbsolutePath() + ")");
                } catch (IllegalStateException e) {
                    tailer.moveToIndex(index);
                    throw e;
                }
                unpacker = new SpoolDocumentUnpacker();
            }
            try {
                unpacker.unpack(raw, rawLength);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            doc = unpacker.array();
            docLength = unpacker.length();
        }
        return null;
    }

    // Keeps a damaged document's bytes aside and says so. Records from sequence notRead on (-1: from the
    // first not committed) were not handed out; the next readable document says up to where.
    private void skipDamaged(long index, String reason, String head, long notRead) {
        damagedDocuments++;
        if (lostFrom < 0) {
            lostFrom = Math.max(notRead, skipBelow);
            lostAt = index;
        }
        String kept;
        try {
            kept = spool.keepDamaged(index, raw, rawLength).toString();
        } catch (IOException | RuntimeException e) {
            kept = "nowhere (" + e + ")";
        }
        LOG.error("A damaged spool document was passed: its records that were not read yet are not delivered to this "
                + "output. reader={} index=0x{} reason=\"{}\" head=\"{}\" kept={} spool={}", name, Long.toHexString(index),
                reason, head, kept, queue.fileAbsolutePath());
    }

    // A readable document after damaged ones: its first sequence closes the gap the damage left.
    private void countLost(long index) {
        long from = lostFrom;
        long lost = Math.max(0, docSequence - from);
        lostFrom = -1;
        if (lost == 0) {
            LOG.info("The damaged spool documents held no records this output still had to deliver. reader={} "
                    + "damaged=0x{} next=0x{}", name, Long.toHexString(lostAt), Long.toHexString(index));
            return;
        }
        lostEntries += lost;
        LOG.error("Records lost to damaged spool documents: they are not delivered to this output. reader={} lost={} "
                + "sequences={}-{} damaged=0x{} next=0x{}", name, lost, from, docSequence - 1, Long.toHexString(lostAt),
                Long.toHexString(index));
    }

    // The first document read after resuming past deleted cycle files: entries between the last commit and it
    // were deleted while no output of this name was registered (it was removed from the configuration, or
    // renamed, while the others went on).
    private void countDeleted(long index) {
        long lost = Math.max(0, docSequence - skipBelow);
        if (lost == 0) {
            return;
        }
        lostEntries += lost;
        LOG.error("Records were deleted from the spool before this output read them: they are not delivered to it. "
                + "The output was not in the configuration while the other outputs went on. reader={} lost={} "
                + "sequences={}-{} next=0x{}", name, lost, skipBelow, docSequence - 1, Long.toHexString(index));
    }

    // Places the tailer on the document holding the entry after the last commit; entries before it are
    // skipped by sequence as they are read.
    private void position(ExcerptTailer t) {
        long committed = committedIndex();
        // When the committed document's cycle file is gone (deleted once every reader had committed past
        // it), every document still on disk comes after it: start at the first.
        resumedPastDeletion = false;
        if (committed < 0 || !t.moveToIndex(committed)) {
            t.toStart();
            resumedPastDeletion = committed >= 0;
        }
    }

    private void push(long sequence, long index, long bytesEnd) {
        if (count == pendingIndex.length) {
            grow();
        }
        int slot = (head + count) & (pendingIndex.length - 1);
        pendingSequence[slot] = sequence;
        pendingIndex[slot] = index;
        pendingBytes[slot] = bytesEnd;
        count++;
    }

    // The place (from head) of the pending entry with this sequence, or -1.
    private int pendingSlot(long sequence) {
        int mask = pendingIndex.length - 1;
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long s = pendingSequence[(head + mid) & mask];
            if (s < sequence) {
                lo = mid + 1;
            } else if (s > sequence) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private void grow() {
        int n = pendingIndex.length;
        pendingSequence = unroll(pendingSequence, n);
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
