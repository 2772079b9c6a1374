package dev.ferry.agent.source;

import dev.ferry.parsers.multiline.RecordSink;
import dev.ferry.pipeline.ring.LineBatch;

/**
 * Hands a multiline assembler's records to the ring through the caller's {@link LineBatch}: a record
 * that is a span of the batch's buffer joins the batch (published when full); a joined record (in the
 * assembler's own buffer, valid only during the call) goes out at once, after the batch before it, so
 * order is kept. Used by the tail and replay inputs; owned by one input thread.
 *
 * <p>{@link RecordSink} cannot throw, so an interruption while the ring is full is kept and rethrown by
 * {@link #rethrowInterrupt()}, which the caller runs after each assembler call.
 */
public final class MultilineBatchSink implements RecordSink {

    /** Publishes a batch and empties it (with the caller's accounting: Mem_Buf_Limit, counters). */
    @FunctionalInterface
    public interface BatchPublisher {
        void publish(LineBatch batch) throws InterruptedException;
    }

    private final BatchPublisher publisher;
    private final LineBatch single = new LineBatch(1);
    private LineBatch batch;
    private InterruptedException interrupted;

    public MultilineBatchSink(BatchPublisher publisher) {
        this.publisher = publisher;
    }

    /** The batch records join until the next call; it must have been begun with its buffer and origin. */
    public MultilineBatchSink into(LineBatch batch) {
        this.batch = batch;
        return this;
    }

    @Override
    public void record(byte[] b, int off, int len, long offset, long nextOffset) {
        if (interrupted != null) {
            return;
        }
        try {
            if (b == batch.buffer()) {
                if (batch.add(off, len, offset, nextOffset)) {
                    publisher.publish(batch);
                }
                return;
            }
            publisher.publish(batch);
            single.begin(b, batch.tag(), batch.decoder(), batch.origin(), batch.readTimeNanos());
            single.add(off, len, offset, nextOffset);
            publisher.publish(single);
        } catch (InterruptedException e) {
            interrupted = e;
        }
    }

    /** Throws the interruption a record call kept, if any. */
    public void rethrowInterrupt() throws InterruptedException {
        InterruptedException e = interrupted;
        if (e != null) {
            interrupted = null;
            throw e;
        }
    }
}
