package dev.ferry.pipeline.ring;

import dev.ferry.pipeline.record.RecordOrigin;

/**
 * Where inputs hand their lines: the producer side of the ring.
 *
 * <p>{@link #publish} copies the line into a ring slot and returns; it blocks while the ring is full,
 * which is how a slow output pauses the inputs (nothing is dropped). Thread-safe: several inputs may
 * publish at once; lines of one origin must be published from one thread, in offset order.
 */
public interface LinePublisher {

    /**
     * Publishes one line (without its line terminator).
     *
     * @param buf the bytes; only borrowed for the call
     * @param off first byte of the line
     * @param len length of the line without its newline
     * @param tag the record's tag
     * @param decoder how the line becomes fields (the input's parser, Path_Key, ...)
     * @param origin the file it came from, acknowledged once the record is handed on
     * @param offset offset of the line in the origin's stream
     * @param nextOffset offset after the line and its newline: where a restart resumes
     * @param readTimeNanos the read time, used as the record time unless the log has its own
     * @throws InterruptedException if the caller is interrupted while the ring is full
     */
    void publish(byte[] buf, int off, int len, String tag, LineDecoder decoder, RecordOrigin origin,
                 long offset, long nextOffset, long readTimeNanos) throws InterruptedException;
}
