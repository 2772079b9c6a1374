package dev.ferry.pipeline.spool;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * The newest documents of the spool, held in memory before they are written to the Chronicle queue (write-behind):
 * a document every reader has committed in the meantime is dropped without ever being written, so while the outputs
 * keep up the spool costs no compression, no page faults and no reading back from disk.
 *
 * <p>Nothing is acknowledged early for it: the acknowledgements of the records of a document (the input positions
 * its ring batch reached, a {@link Runnable} from the writer's caller) run only once the document has left the
 * tail, either dropped because every reader committed it, or written to the queue, and in document order, since a
 * position acknowledges everything before it in its file. Until then a crash reads the records again from their
 * files. A document leaves for the disk when the tail holds more than its capacity, when it is older than its
 * maximum age ({@link #MAX_AGE_NANOS} unless set: so a dead output does not hold the inputs' positions), and when the
 * spool closes.
 *
 * <p>Thread-safe: every method takes the tail's monitor. The writer's thread adds documents and writes those over
 * the capacity; readers' threads copy documents and drop those every reader has committed; a write-behind thread
 * writes old ones. Acknowledgements run under the monitor, so they never run on two threads at once. Buffers are
 * the tail's own (copied in and out); those of full documents are kept in a pool once their document has left, so a
 * spool that is busy allocates nothing per document once warm (a small end-of-batch document gets a buffer of its
 * size).
 */
final class SpoolMemoryTail {

    /** By default, a document older than this is written to disk even when the tail has room. */
    static final long MAX_AGE_NANOS = 1_000_000_000L;

    private static final int BUFFER_BYTES = SpoolEntryFormat.TARGET_DOCUMENT_BYTES + 4096;
    private static final int SMALL_BYTES = BUFFER_BYTES / 2;

    /** Writes one document to the queue (on the calling thread); returns its index, or -1 when the disk has no room. */
    interface Sink {
        long write(byte[] doc, int length);
    }

    private static final class Doc {
        byte[] bytes;
        int length;
        long first;
        long end;
        long bytesEnd;
        long indexHint;
        long bornNanos;
        Runnable acks;
    }

    private final ArrayDeque<Doc> docs = new ArrayDeque<>();
    private final ArrayDeque<Doc> pool = new ArrayDeque<>();
    private final LongSupplier minCommitted;
    private long capacity = SpoolWriter.DEFAULT_MEMORY_BYTES;
    private long maxAgeNanos = MAX_AGE_NANOS;
    private long heldBytes;
    private long lastIndex;
    /** The bytes end of the last document written: documents dropped unwritten take no disk. */
    private volatile long writtenBytesEnd;
    /** The bytes end of the last document that left the tail, written or dropped: what follows is held (or not flushed). */
    private volatile long leftBytesEnd;
    private long dropped;
    private long written;

    /**
     * @param minCommitted the lowest committed sequence among the registered readers (Long.MIN_VALUE when there are
     *     none): documents that end at or before it are delivered everywhere
     * @param lastIndex the index of the last document already in the queue, or -1
     * @param writtenBytesEnd the bytes end of the last document already in the queue (0 for none)
     * @param bytesEnd the writer's bytes end: nothing is held yet
     */
    SpoolMemoryTail(LongSupplier minCommitted, long lastIndex, long writtenBytesEnd, long bytesEnd) {
        this.minCommitted = minCommitted;
        this.lastIndex = lastIndex;
        this.writtenBytesEnd = writtenBytesEnd;
        this.leftBytesEnd = bytesEnd;
    }

    /** Sets the bytes of documents the tail holds before it writes the oldest; 0 writes each at once. */
    synchronized void capacity(long bytes) {
        capacity = Math.max(0, bytes);
    }

    synchronized void maxAge(long nanos) {
        maxAgeNanos = Math.max(0, nanos);
    }

    /**
     * Adds a copy of a whole document (records {@code first} to {@code end - 1}, ending at {@code bytesEnd} record
     * bytes) with the acknowledgements to run when it leaves the tail (null: none), then writes documents to
     * {@code sink} while the tail holds more than its capacity.
     *
     * @return false when a document over the capacity could not be written (the disk has no room): it stays in
     *     the tail, and so do its acknowledgements
     */
    synchronized boolean add(byte[] doc, int length, long first, long end, long bytesEnd, Runnable acks, Sink sink) {
        Doc d;
        byte[] b;
        if (length <= SMALL_BYTES) {
            // An end-of-batch document of a few records (an agent that keeps up writes many): a buffer of its size.
            d = new Doc();
            b = new byte[(length + 1023) & ~1023];
        } else {
            // The documents the writer cuts at 64 KiB: one pooled size that fits them but one of a huge record.
            d = pool.pollFirst();
            if (d == null) {
                d = new Doc();
            }
            b = d.bytes;
            if (b == null || b.length < length) {
                b = new byte[Math.max(length, BUFFER_BYTES)];
            }
        }
        System.arraycopy(doc, 0, b, 0, length);
        d.bytes = b;
        d.length = length;
        d.first = first;
        d.end = end;
        d.bytesEnd = bytesEnd;
        d.indexHint = lastIndex;
        d.bornNanos = System.nanoTime();
        d.acks = acks;
        docs.addLast(d);
        heldBytes += b.length;
        dropDelivered();
        return spill(sink, false, false);
    }

    /**
     * Runs {@code acks} once every document now in the tail has left it (at once when the tail is empty): the
     * acknowledgements of a ring batch that added no document must not overtake the documents before them.
     */
    synchronized void acknowledgeAfterHeld(Runnable acks) {
        if (acks == null) {
            return;
        }
        Doc last = docs.peekLast();
        if (last == null) {
            acks.run();
            return;
        }
        Runnable before = last.acks;
        last.acks = before == null ? acks : () -> {
            before.run();
            acks.run();
        };
    }

    /** Drops the documents every reader has committed, running their acknowledgements. */
    synchronized void dropDelivered() {
        if (docs.isEmpty()) {
            return;
        }
        long committed = minCommitted.getAsLong();
        Doc d;
        while ((d = docs.peekFirst()) != null && d.end <= committed) {
            leave(d);
            dropped++;
        }
    }

    /**
     * Writes the documents older than the maximum age (all of them with {@code everything}) and those over the
     * capacity.
     *
     * @return false when one could not be written (the disk has no room)
     */
    synchronized boolean writeOld(Sink sink, boolean everything) {
        dropDelivered();
        return spill(sink, everything, true);
    }

    /**
     * Copies the document that holds {@code sequence} to {@code reader}, if the tail has it.
     *
     * @return whether it had it; false when {@code sequence} is before the tail's first document (it is on disk) or
     *     after its last (not appended yet)
     */
    synchronized boolean copyHolding(long sequence, SpoolReader reader) {
        for (Doc d : docs) {
            if (sequence < d.first) {
                return false;
            }
            if (sequence < d.end) {
                reader.takeFromMemory(d.bytes, d.length, d.indexHint);
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the tail holds more than half its capacity (none with a capacity of 0): a reader holding records back
     * (for its output's flush interval) lets them go, so that their documents can leave unwritten.
     */
    synchronized boolean halfFull() {
        return capacity > 0 && 2 * heldBytes > capacity;
    }

    /** Whether the tail holds more than its capacity (the disk refused the oldest document). */
    synchronized boolean overCapacity() {
        return heldBytes > capacity;
    }

    /** Bytes of the oldest document held, or 0. */
    synchronized int oldestLength() {
        Doc d = docs.peekFirst();
        return d == null ? 0 : d.length;
    }

    /** Documents held. */
    synchronized int held() {
        return docs.size();
    }

    /**
     * Copies the tail's first document to {@code reader} when it starts after {@code sequence} and no document was
     * written since {@code writtenBefore} ({@link #written()} before the reader found nothing more on disk): the
     * records between are not on disk either, they went with damaged documents.
     */
    synchronized boolean copyFirstAfter(long sequence, long writtenBefore, SpoolReader reader) {
        Doc d = docs.peekFirst();
        if (d == null || written != writtenBefore || d.first <= sequence) {
            return false;
        }
        reader.takeFromMemory(d.bytes, d.length, d.indexHint);
        return true;
    }

    /** The record bytes end of the last document written to the queue (any thread; no lock). */
    long writtenBytesEnd() {
        return writtenBytesEnd;
    }

    /** The record bytes end of the last document that left the tail, written or dropped (any thread; no lock). */
    long leftBytesEnd() {
        return leftBytesEnd;
    }

    /** The index of the last document written to the queue, or -1. */
    synchronized long lastIndex() {
        return lastIndex;
    }

    /** Documents dropped because every reader had committed them before they had to be written. */
    synchronized long dropped() {
        return dropped;
    }

    /** Documents written to the queue. */
    synchronized long written() {
        return written;
    }

    // Writes the oldest documents: all of them, or while the tail is over its capacity or (old) they are older than
    // the maximum age. Buffers count whole in the capacity.
    private boolean spill(Sink sink, boolean all, boolean old) {
        long bornBefore = System.nanoTime() - maxAgeNanos;
        Doc d;
        while ((d = docs.peekFirst()) != null && (all || heldBytes > capacity || old && d.bornNanos - bornBefore < 0)) {
            long index = sink.write(d.bytes, d.length);
            if (index == -1) {
                return false;
            }
            lastIndex = index;
            writtenBytesEnd = d.bytesEnd;
            written++;
            leave(d);
        }
        return true;
    }

    private void leave(Doc d) {
        docs.pollFirst();
        heldBytes -= d.bytes.length;
        leftBytesEnd = d.bytesEnd;
        Runnable acks = d.acks;
        d.acks = null;
        if (d.bytes.length == BUFFER_BYTES) { // not a small document's, nor a huge record's
            pool.addLast(d);
        }
        if (acks != null) {
            acks.run();
        }
    }
}
