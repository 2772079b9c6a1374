package dev.ferry.outputs.stdout;

import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Output;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;

/**
 * The {@code stdout} output: prints records to standard output (or any stream) in the format of its
 * {@link StdoutConfig}.
 *
 * <p>Called from the ring's output thread only. Records are encoded into a buffer that is written to
 * the stream on {@link #flush()} (and earlier, when it passes {@value #SPILL_BYTES} bytes), then the
 * stream is flushed. The stream belongs to the caller: {@link #close()} flushes it but does not close
 * it. An {@link IOException} from the stream propagates; the batch's bytes are then dropped from the
 * buffer so a later flush does not print them twice.
 */
public final class StdoutOutput implements Output {

    /** Buffered bytes above which {@link #write} already hands them to the stream. */
    static final int SPILL_BYTES = 256 * 1024;

    private final StdoutEncoder encoder;
    private final OutputStream stream;
    private final WritableByteChannel channel;
    private final ByteSink buffer = new ByteSink(16 * 1024);

    /** Prints to {@link System#out}. */
    public StdoutOutput(StdoutConfig config) {
        this(config, System.out);
    }

    public StdoutOutput(StdoutConfig config, OutputStream stream) {
        this.encoder = new StdoutEncoder(config);
        this.stream = stream;
        this.channel = Channels.newChannel(stream);
    }

    @Override
    public void write(LogRecord record) throws IOException {
        encoder.encode(record, buffer);
        if (buffer.length() >= SPILL_BYTES) {
            drain();
        }
    }

    @Override
    public void flush() throws IOException {
        encoder.endBatch(buffer);
        drain();
        stream.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
    }

    private void drain() throws IOException {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(buffer.array(), 0, buffer.length());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } finally {
            buffer.reset();
        }
    }
}
