package dev.ferry.agent.source.segment;

import java.io.IOException;
import java.util.Arrays;

/**
 * A {@link SegmentReader} that has read the first bytes of another one ahead, so they can be looked at
 * ({@link #head()}) before the data is handed on, and returns them again first. {@link ArchiveWalker}
 * uses it to refuse a tar, or compressed data, inside a member before any of it becomes a line.
 *
 * <p>If the underlying reader fails within the first bytes, the bytes before the failure are returned
 * first and the failure is thrown at the read that reaches it, as {@link SegmentReader#read} promises.
 * Not thread-safe, like every reader; closing it closes the underlying reader.
 */
final class PeekingSegmentReader implements SegmentReader {

    private final SegmentReader in;
    private final byte[] head;
    private final int headLength;
    private final IOException failure;
    private int headPosition;

    /** Reads up to {@code bytes} bytes of {@code in} ahead; {@code in} is owned by the new reader. */
    PeekingSegmentReader(SegmentReader in, int bytes) throws IOException {
        this.in = in;
        this.head = new byte[bytes];
        int n = 0;
        IOException failed = null;
        try {
            while (n < bytes) {
                int k = in.read(head, n, bytes - n);
                if (k < 0) {
                    break;
                }
                n += k;
            }
        } catch (SegmentCorruptException e) {
            failed = e;
        }
        this.headLength = n;
        this.failure = failed;
    }

    /** A copy of the bytes read ahead; as many as the data had, up to the number asked for. */
    byte[] head() {
        return Arrays.copyOf(head, headLength);
    }

    @Override
    public String name() {
        return in.name();
    }

    @Override
    public SegmentFormat format() {
        return in.format();
    }

    @Override
    public long position() {
        return in.position() - (headLength - headPosition);
    }

    @Override
    public long compressedPosition() {
        return in.compressedPosition();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (headPosition < headLength) {
            int n = Math.min(len, headLength - headPosition);
            System.arraycopy(head, headPosition, b, off, n);
            headPosition += n;
            return n;
        }
        if (failure != null) {
            throw failure;
        }
        return in.read(b, off, len);
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
