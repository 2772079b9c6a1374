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

    /**
     * Whether the pipeline asks its inputs to stop reading for now: the disk spool is full (an output's
     * {@code storage.total_limit_size} or the spool's disk cap), so what they publish would soon wait in a
     * full ring. An input that checks this before reading keeps its own thread free to watch its files
     * meanwhile (rotation, files an OTP disk_log wrap reuses); lines published anyway are not lost, they
     * wait. Any thread may ask.
     */
    default boolean holdsInputs() {
        return false;
    }
}
