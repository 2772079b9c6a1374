package dev.ferry.outputs.stdout;

import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Output;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;

/**
 * The {@code stdout} output: prints records to standard output (or any channel) in the format of its
 * {@link StdoutConfig}.
 *
 * <p>Called from the ring's output thread only. Records are encoded into a buffer that is written to
 * the channel on {@link #flush()} (and earlier, when it passes {@value #SPILL_BYTES} bytes). The channel
 * belongs to the caller: {@link #close()} flushes but does not close it. An {@link IOException} from the
 * channel (a closed pipe, a full disk under a redirection) propagates and the bytes not yet printed stay
 * buffered: the ring retries the call, and the retry prints exactly what is missing, nothing twice. A
 * failing {@link #write} has not buffered its record yet, so its retry encodes it once.
 *
 * <p>Standard output is written through its file descriptor's channel, not through {@link System#out}:
 * a {@link java.io.PrintStream} swallows write errors, which would lose the records silently.
 */
public final class StdoutOutput implements Output {

    /** Buffered bytes above which {@link #write} already hands them to the channel. */
    static final int SPILL_BYTES = 256 * 1024;

    private final StdoutEncoder encoder;
    private final WritableByteChannel channel;
    private final ByteSink buffer = new ByteSink(16 * 1024);

    /** Prints to standard output (its file descriptor, so write errors are seen; see the type's doc). */
    public StdoutOutput(StdoutConfig config) {
        this(config, standardOutput());
    }

    /** Prints to {@code stream} (tests); a failed write may lose up to one 8 KiB piece of {@link Channels}. */
    public StdoutOutput(StdoutConfig config, OutputStream stream) {
        this(config, Channels.newChannel(stream));
    }

    /** Prints to {@code channel}, which reports exactly the bytes it took. */
    public StdoutOutput(StdoutConfig config, WritableByteChannel channel) {
        this.encoder = new StdoutEncoder(config);
        this.channel = channel;
    }

    /** Standard output's channel, after printing what {@link System#out} still buffers. */
    private static WritableByteChannel standardOutput() {
        System.out.flush();
        return new FileOutputStream(FileDescriptor.out).getChannel();
    }

    @Override
    public void write(LogRecord record) throws IOException {
        if (buffer.length() >= SPILL_BYTES) {
            buffer.drainTo(channel); // before encoding: if it fails, the retried write encodes the record once
        }
        encoder.encode(record, buffer);
    }

    @Override
    public void flush() throws IOException {
        encoder.endBatch(buffer); // adds nothing when a failed flush is retried
        buffer.drainTo(channel);
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
