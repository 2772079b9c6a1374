package dev.ferry.pipeline.spi;

import dev.ferry.pipeline.record.LogRecord;
import java.io.IOException;

/**
 * An output: takes records and writes them somewhere ({@code [OUTPUT]} sections: stdout, file, null).
 *
 * <p>Called from the ring's single output thread only. {@link #write} may buffer; {@link #flush} is
 * called at the end of every ring batch and must leave everything written so far with the destination,
 * because the record positions behind it are acknowledged to the inputs right after it returns. The one
 * exception is an output run by {@code ferry replay}, whose input keeps no positions: it may hold records
 * back until {@link #finish}. The record is only borrowed for the duration of {@code write}: an output
 * copies what it keeps.
 */
public interface Output extends AutoCloseable {

    void write(LogRecord record) throws IOException;

    void flush() throws IOException;

    /**
     * Hands everything written so far to the destination as {@link #flush} does, but returns without waiting
     * for the answers; {@link PendingFlush#await} waits for them. The spool's consumer writes the next records
     * meanwhile, so an output that sends over the network is not idle while its requests are answered. The
     * default flushes at once.
     */
    default PendingFlush startFlush() throws IOException {
        flush();
        return PendingFlush.DONE;
    }

    /**
     * For an output whose flush is a request (es, loki): about how many bytes of records fill one request
     * ({@code bulk_max_size}, {@code batch_max_size}). The spool's consumer then holds what a slow trickle brings over
     * the service's flush interval ({@code Flush}), up to that much, instead of flushing whenever it has caught up, so
     * that a trickle makes one request per interval instead of one per ring batch. The default (stdout, file, null):
     * 0, never held.
     */
    default long requestBytes() {
        return 0;
    }

    /**
     * Called once when the run ends, after the last {@link #flush} and before {@link #close}, from the
     * thread that stops the agent. An output that holds flushed records back (the Loki output under
     * {@code ferry replay} orders entries by time before sending them) sends them now and returns when
     * each has its final answer; it throws if some could not be sent or kept. The default holds nothing.
     */
    default void finish() throws IOException {
    }

    /**
     * Records this output gave a final answer by keeping them aside instead of delivering them (dead letters:
     * refused by the destination, or out of retries), since it was created; any thread may ask. Outputs
     * without dead letters have none.
     */
    default long deadLettered() {
        return 0;
    }

    /**
     * What this output counts of its own requests (failed requests, retries), or null for an output that sends
     * no requests of its own (stdout, file, null): the ring's {@code RouteCounters} cover those. Any thread may ask.
     */
    default DeliveryStats deliveryStats() {
        return null;
    }

    @Override
    void close() throws IOException;
}
