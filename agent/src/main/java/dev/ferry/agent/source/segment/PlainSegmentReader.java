package dev.ferry.agent.source.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads an uncompressed file through a {@link FileChannel} with positional reads; {@link #skipTo}
 * seeks. The file may grow while it is read: {@link #read} returns -1 at the current end and data
 * again once more is there (a tail can keep polling).
 *
 * <p>Not thread-safe. Closes the channel when closed unless told it does not own it.
 */
public final class PlainSegmentReader extends AbstractSegmentReader {

    private final FileChannel channel;
    private final boolean ownsChannel;

    /**
     * @param name the path, for messages
     * @param channel an open, readable channel; read positionally from offset 0
     * @param ownsChannel whether {@link #close()} closes it
     */
    public PlainSegmentReader(String name, FileChannel channel, boolean ownsChannel) {
        super(name, SegmentFormat.PLAIN);
        this.channel = channel;
        this.ownsChannel = ownsChannel;
    }

    @Override
    public long compressedPosition() {
        return position;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, len), position);
        if (n <= 0) {
            return -1;
        }
        position += n;
        return n;
    }

    /** Seeks: the position becomes {@code target}, or the file's size if that is smaller. */
    @Override
    public long skipTo(long target, SkipListener listener) throws IOException {
        Skipping.checkForward(this, target);
        position = Math.min(target, channel.size());
        return position;
    }

    @Override
    public void close() throws IOException {
        if (ownsChannel) {
            channel.close();
        }
    }
}
