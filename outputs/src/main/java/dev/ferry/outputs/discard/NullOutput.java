package dev.ferry.outputs.discard;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Output;

/**
 * The {@code null} output: discards every record, counting records and their line bytes (the bytes
 * read, before parsing). For benchmarks and for pipelines that only filter or measure.
 *
 * <p>{@link #write} and {@link #flush} are called from the ring's output thread only; {@link #records()}
 * and {@link #bytes()} may be read from any thread and show the totals as of the last flush.
 */
public final class NullOutput implements Output {

    private long countedRecords;
    private long countedBytes;
    // Single writer (the output thread); volatile so metrics readers see flushed totals.
    private volatile long records;
    private volatile long bytes;

    public NullOutput(NullConfig config) {
    }

    @Override
    public void write(LogRecord record) {
        countedRecords++;
        countedBytes += record.lineLength();
    }

    @Override
    public void flush() {
        records = countedRecords;
        bytes = countedBytes;
    }

    @Override
    public void close() {
        flush();
    }

    /** Records discarded, as of the last flush. */
    public long records() {
        return records;
    }

    /** Line bytes of the records discarded, as of the last flush. */
    public long bytes() {
        return bytes;
    }
}
