package dev.ferry.pipeline.ring;

import dev.ferry.pipeline.record.RecordOrigin;

/**
 * Consecutive lines of one origin, handed to the ring at once: the ring claims and publishes their slots
 * together, so the cost of claiming and waking the ring's threads is paid per batch, not per line.
 *
 * <p>The lines are spans of the caller's buffer, which must stay unchanged until
 * {@link LinePublisher#publish(LineBatch)} returns. Owned by one input thread and reused; not
 * thread-safe.
 */
public final class LineBatch {

    private final int[] starts;
    private final int[] lengths;
    private final long[] offsets;
    private final long[] nextOffsets;
    private int size;
    private byte[] buf;
    private String tag;
    private LineDecoder decoder;
    private RecordOrigin origin;
    private long readTimeNanos;

    /** @param capacity the most lines a batch holds */
    public LineBatch(int capacity) {
        starts = new int[capacity];
        lengths = new int[capacity];
        offsets = new long[capacity];
        nextOffsets = new long[capacity];
    }

    /**
     * Starts an empty batch.
     *
     * @param buf the buffer the lines are spans of
     * @param tag the records' tag
     * @param decoder how the lines become fields
     * @param origin where they came from, acknowledged once handed on
     * @param readTimeNanos the read time, the record time unless the log has its own
     */
    public void begin(byte[] buf, String tag, LineDecoder decoder, RecordOrigin origin, long readTimeNanos) {
        this.buf = buf;
        this.tag = tag;
        this.decoder = decoder;
        this.origin = origin;
        this.readTimeNanos = readTimeNanos;
        size = 0;
    }

    /**
     * Adds a line (without its terminator).
     *
     * @param offset offset of the line in the origin's stream
     * @param nextOffset offset after the line and its newline: where a restart resumes
     * @return true when the batch is now full and must be published before the next add
     */
    public boolean add(int start, int length, long offset, long nextOffset) {
        starts[size] = start;
        lengths[size] = length;
        offsets[size] = offset;
        nextOffsets[size] = nextOffset;
        size++;
        return size == starts.length;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Where a restart resumes after the last line of the batch (0 when empty). */
    public long lastNextOffset() {
        return size == 0 ? 0 : nextOffsets[size - 1];
    }

    /** Empties the batch (after publishing), keeping its buffer and origin. */
    public void clear() {
        size = 0;
    }

    /** The buffer the lines are spans of. */
    public byte[] buffer() {
        return buf;
    }

    public int start(int i) {
        return starts[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    public long offset(int i) {
        return offsets[i];
    }

    public long nextOffset(int i) {
        return nextOffsets[i];
    }

    public String tag() {
        return tag;
    }

    public RecordOrigin origin() {
        return origin;
    }

    public LineDecoder decoder() {
        return decoder;
    }

    public long readTimeNanos() {
        return readTimeNanos;
    }

    void copyInto(int i, RingSlot slot) {
        slot.record.reset(buf, starts[i], lengths[i]);
        slot.record.tag(tag);
        slot.record.origin(origin, offsets[i], nextOffsets[i]);
        slot.record.readTime(readTimeNanos);
        slot.decoder = decoder;
    }
}
