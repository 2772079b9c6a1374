package dev.ferry.pipeline.ring;

/**
 * Where inputs hand their lines: the producer side of the ring.
 *
 * <p>{@link #publish} copies the lines into ring slots and returns; it blocks while the ring is full,
 * which is how a slow output pauses the inputs (nothing is dropped). Thread-safe: several inputs may
 * publish at once; lines of one origin must be published from one thread, in offset order.
 */
public interface LinePublisher {

    /**
     * Publishes every line of {@code batch}, in order. The batch is only borrowed for the call.
     *
     * @throws InterruptedException if the caller is interrupted while the ring is full; lines of the
     *     batch may then have been published in part (in order), and the caller reads the rest again
     */
    void publish(LineBatch batch) throws InterruptedException;
}
