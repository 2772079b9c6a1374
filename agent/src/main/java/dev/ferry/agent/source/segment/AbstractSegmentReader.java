package dev.ferry.agent.source.segment;

import java.io.IOException;

/**
 * What every {@link SegmentReader} keeps the same way: its name for messages, its format, and the
 * uncompressed position, which a subclass moves on as it returns bytes. {@link #skipTo} reads and
 * discards unless the subclass can seek.
 */
abstract class AbstractSegmentReader implements SegmentReader {

    /** For messages: the path, or {@code archive!member}. */
    final String name;
    private final SegmentFormat format;
    /** Uncompressed bytes returned (or sought past) so far. */
    long position;

    AbstractSegmentReader(String name, SegmentFormat format) {
        this.name = name;
        this.format = format;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final SegmentFormat format() {
        return format;
    }

    @Override
    public final long position() {
        return position;
    }

    @Override
    public long skipTo(long target, SkipListener listener) throws IOException {
        return Skipping.discard(this, target, listener);
    }
}
