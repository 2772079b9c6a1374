package dev.ferry.agent.source.segment;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens the right {@link SegmentReader} for a file or a stream, chosen by the data's first bytes
 * ({@link SegmentFormat#detect}), never by the name. Stateless; safe from any thread.
 */
public final class SegmentReaderFactory {

    private SegmentReaderFactory() {
    }

    /**
     * Opens {@code path} for reading from its first uncompressed byte.
     *
     * @throws UnsupportedSegmentException for an Erlang disk_log internal-format file
     */
    public static SegmentReader open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return open(path.toString(), ch, true);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * A reader over an open channel, from offset 0 whatever the channel's position (a plain file is
     * read positionally; a compressed one from the channel's position, which is set to 0 first).
     *
     * @param ownsChannel whether closing the reader closes the channel (compressed readers always
     *     read through it, so they should own it)
     */
    public static SegmentReader open(String name, FileChannel ch, boolean ownsChannel) throws IOException {
        SegmentFormat format = SegmentFormat.of(ch);
        switch (format) {
            case PLAIN:
                return new PlainSegmentReader(name, ch, ownsChannel);
            case GZIP:
                ch.position(0);
                return new GzipSegmentReader(name, Channels.newInputStream(ch));
            case ZSTD:
                ch.position(0);
                return new ZstdSegmentReader(name, ch);
            default:
                throw new UnsupportedSegmentException(name, format);
        }
    }

    /**
     * A reader over a stream (an archive member, a pipe), from the stream's current byte.
     *
     * @param name for messages, such as {@code logs.tar.gz!app.log.1.gz}
     * @param in owned by the reader from now on; wrapped in a buffer if it cannot mark
     */
    public static SegmentReader open(String name, InputStream in) throws IOException {
        InputStream b = in.markSupported() ? in : new BufferedInputStream(in, 64 * 1024);
        SegmentFormat format = SegmentFormat.of(b);
        switch (format) {
            case PLAIN:
                return new StreamSegmentReader(name, b);
            case GZIP:
                return new GzipSegmentReader(name, b);
            case ZSTD:
                return new ZstdSegmentReader(name, Channels.newChannel(b));
            default:
                b.close();
                throw new UnsupportedSegmentException(name, format);
        }
    }
}
