package dev.ferry.agent.source.segment;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads uncompressed bytes from an {@link InputStream}, such as a plain member of a tar archive;
 * {@link #skipTo} reads and discards. Not thread-safe; closing it closes the stream.
 */
public final class StreamSegmentReader extends AbstractSegmentReader {

    private final InputStream in;

    /**
     * @param name for messages: the path, or {@code archive!member}
     * @param in the data from its first byte; owned by this reader from now on
     */
    public StreamSegmentReader(String name, InputStream in) {
        super(name, SegmentFormat.PLAIN);
        this.in = in;
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
    public void close() throws IOException {
        in.close();
    }
}
