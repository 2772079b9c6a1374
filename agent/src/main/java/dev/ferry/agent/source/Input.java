package dev.ferry.agent.source;

import dev.ferry.pipeline.ring.LinePublisher;
import java.util.concurrent.CompletableFuture;

/**
 * A running input ({@code [INPUT]} section): reads from somewhere and publishes lines into the ring.
 *
 * <p>Lifecycle, driven by the agent from one thread: {@link #start} once; {@link #stopReading} when the
 * agent stops (after it returns, the input publishes nothing more); then, once the ring has drained and
 * acknowledged what it could, {@link #close} to persist positions and release files.
 */
public interface Input extends AutoCloseable {

    /** The input's name in logs and metrics ({@code tail.0} or its Alias). */
    String name();

    /**
     * What the input counts, for the monitoring server: records read (Fluent Bit's {@code records}), bytes read,
     * and what could not be read. Any thread may ask. The default reports nothing read.
     */
    default InputStats stats() {
        return InputStats.NONE;
    }

    /** Starts reading on the input's own thread(s). */
    void start(LinePublisher publisher);

    /** Whether the input ends by itself ({@code Exit_On_Eof}), so the agent stops when it has drained. */
    boolean endsAtEof();

    /**
     * Whether the input, one that ends by itself ({@link #endsAtEof}), has read everything there is now: it
     * publishes little or nothing more (a pending multiline record; what its sources still add). Outputs then get what
     * the spool holds for them at once instead of after the flush interval. Any thread may ask. The default: no.
     */
    default boolean readToEnd() {
        return false;
    }

    /**
     * Completes when the input has nothing more to read and everything it published was acknowledged;
     * never completes for inputs that follow their sources forever.
     */
    CompletableFuture<Void> drained();

    /** Stops reading; returns once no more lines will be published. */
    void stopReading();

    /** Persists positions and releases resources. */
    @Override
    void close();
}
