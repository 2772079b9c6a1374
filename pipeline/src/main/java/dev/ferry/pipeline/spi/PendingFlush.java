package dev.ferry.pipeline.spi;

import java.io.IOException;

/**
 * A flush an output has handed to its destination ({@link Output#startFlush}) whose answers may still be on
 * their way.
 */
@FunctionalInterface
public interface PendingFlush {

    /** A flush that was answered before it was returned. */
    PendingFlush DONE = () -> { };

    /**
     * Returns once every record written before the flush started has a final answer (delivered or
     * dead-lettered). Called from the output thread, in the order the flushes were started.
     *
     * @throws IOException if some of those records have none yet (a later {@link Output#flush} sends them
     *     again), or the output was closed first
     */
    void await() throws IOException;
}
