package dev.ferry.pipeline.spi;

import dev.ferry.pipeline.record.LogRecord;
import java.io.IOException;

/**
 * An output: takes records and writes them somewhere ({@code [OUTPUT]} sections: stdout, file, null).
 *
 * <p>Called from the ring's single output thread only. {@link #write} may buffer; {@link #flush} is
 * called at the end of every ring batch and must leave everything written so far with the destination,
 * because the record positions behind it are acknowledged to the inputs right after it returns. The
 * record is only borrowed for the duration of {@code write}: an output copies what it keeps.
 */
public interface Output extends AutoCloseable {

    void write(LogRecord record) throws IOException;

    void flush() throws IOException;

    @Override
    void close() throws IOException;
}
