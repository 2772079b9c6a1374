package dev.ferry.agent.source.segment;

import dev.ferry.agent.source.Fingerprint;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@link Fingerprint} of a segment's UNCOMPRESSED data: the same value the tail computes for a
 * plain file, so {@code app.log.0}, its {@code app.log.0.gz} and a {@code .zst} copy all have one
 * fingerprint, and a position saved while {@code app.log} was plain finds its data after rotation and
 * compression. Stateless; safe from any thread.
 */
public final class SegmentFingerprint {

    private SegmentFingerprint() {
    }

    /**
     * The first up to {@value Fingerprint#MAX_BYTES} uncompressed bytes of {@code path}.
     *
     * @throws SegmentCorruptException if the data ends early or is damaged within those bytes (a
     *     {@code .gz} still being written is usually TRUNCATED here: try again later)
     * @throws UnsupportedSegmentException for a disk_log internal-format file
     */
    public static byte[] head(Path path) throws IOException {
        try (SegmentReader r = SegmentReaderFactory.open(path)) {
            return head(r);
        }
    }

    /** The next up to {@value Fingerprint#MAX_BYTES} bytes of {@code reader}: its head when fresh. */
    public static byte[] head(SegmentReader reader) throws IOException {
        byte[] buf = new byte[Fingerprint.MAX_BYTES];
        int n = 0;
        while (n < buf.length) {
            int r = reader.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
    }

    /** The fingerprint of {@code path}'s uncompressed data; see {@link #head(Path)} for failures. */
    public static Fingerprint read(Path path) throws IOException {
        byte[] h = head(path);
        return Fingerprint.of(h, h.length);
    }

    /** The fingerprint of a fresh reader's data (it is read up to {@value Fingerprint#MAX_BYTES} bytes). */
    public static Fingerprint read(SegmentReader reader) throws IOException {
        byte[] h = head(reader);
        return Fingerprint.of(h, h.length);
    }

    /**
     * Whether {@code path}'s uncompressed data starts with the bytes {@code saved} covers: the test
     * for "this segment is the file whose position was saved".
     */
    public static boolean matches(Path path, Fingerprint saved) throws IOException {
        return saved.matches(head(path));
    }
}
