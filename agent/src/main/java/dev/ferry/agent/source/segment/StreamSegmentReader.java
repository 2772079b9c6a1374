package dev.ferry.agent.source.segment;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads uncompressed bytes from an {@link InputStream}, such as a plain member of a tar archive;
 * {@link #skipTo} reads and discards. Not thread-safe; closing it closes the stream.
 */
public final class StreamSegmentReader implements SegmentReader {

    private final String name;
    private final InputStream in;
    private long position;

    /**
     * @param name for messages: the path, or {@code archive!member}
     * @param in the data from its first byte; owned by this reader from now on
     */
    public StreamSegmentReader(String name, InputStream in) {
        this.name = name;
        this.in = in;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SegmentFormat format() {
        return SegmentFormat.PLAIN;
    }

    @Override
    public long position() {
        return position;
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
        int n = in.read(b, off, len);
        while (n == 0) {
            n = in.read(b, off, len);
        }
        if (n < 0) {
            return -1;
        }
        position += n;
        return n;
    }

    @Override
    public long skipTo(long target, SkipListener listener) throws IOException {
        return Skipping.discard(this, target, listener);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
