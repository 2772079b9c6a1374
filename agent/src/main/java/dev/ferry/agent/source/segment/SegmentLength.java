package dev.ferry.agent.source.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether a segment's uncompressed data goes on past a given offset: told by its framing when that says its length
 * ({@link #byFraming}), else found by decompressing up to the offset ({@link #longerThanByDecompressing}).
 *
 * <p>Told by the framing:
 * <ul>
 *   <li>gzip: the last member's {@code ISIZE} (RFC 1952: the length mod 2^32) equals the offset mod 2^32. That is
 *       the whole length for a single member, as gzip, zlib and logrotate write; for several members (or zero
 *       padding after the last) it almost never equals it. A trailer that differs tells nothing (there may be
 *       several members).</li>
 *   <li>zstd: the file is one frame (its blocks, walked by their headers, end where the file ends) whose header
 *       carries a {@code Frame_Content_Size} (RFC 8878; the {@code zstd} tool writes it for a file it is given,
 *       not for data it reads from a pipe, as logrotate's {@code compresscmd} gives it).</li>
 * </ul>
 * Stateless.
 */
public final class SegmentLength {

    private static final int ZSTD_MAGIC = 0xFD2FB528;

    private SegmentLength() {
    }

    /** What a segment's framing tells about its length against an offset. */
    public enum Told {
        /** The uncompressed data is longer than the offset. */
        LONGER,
        /** The uncompressed data is not longer than the offset. */
        NOT_LONGER,
        /** The framing does not say: {@link #longerThanByDecompressing} does. */
        NOT_TOLD
    }

    /**
     * What the framing of the segment at {@code path} tells about whether its uncompressed data is longer than
     * {@code offset} bytes, read without decompressing (a few bytes at its end, or its zstd block headers). A plain
     * file's size always tells.
     *
     * @throws IOException if it cannot be read
     */
    public static Told byFraming(Path path, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            SegmentFormat format = SegmentFormat.of(ch);
            long length = switch (format) {
                case PLAIN -> ch.size();
                case GZIP -> gzipLengthIfEqual(ch, offset);
                case ZSTD -> zstdContentSize(ch);
                default -> -1;
            };
            return length < 0 ? Told.NOT_TOLD : length > offset ? Told.LONGER : Told.NOT_LONGER;
        }
    }

    /**
     * Whether the uncompressed data of the segment at {@code path} is longer than {@code offset} bytes, found by
     * decompressing it up to there (about as costly as reading that much of it).
     *
     * @throws SegmentCorruptException if it is damaged or cut short before {@code offset} (after it: true)
     * @throws IOException if it cannot be read, or is in a format ferry does not read
     */
    public static boolean longerThanByDecompressing(Path path, long offset) throws IOException {
        try (SegmentReader r = SegmentReaderFactory.open(path)) {
            if (r.skipTo(offset) < offset) {
                return false;
            }
            try {
                return r.read(new byte[1], 0, 1) > 0;
            } catch (SegmentCorruptException e) {
                return true; // damaged or cut short after the offset: there is more, and reading it reports the damage
            }
        }
    }

    /** {@code offset} if the last 4 bytes (the last member's ISIZE) equal it mod 2^32; else -1 (not told). */
    private static long gzipLengthIfEqual(FileChannel ch, long offset) throws IOException {
        long size = ch.size();
        if (size < 18) { // the shortest member: a 10-byte header, an empty deflate block's 2 bytes, the 8-byte trailer
            return -1;
        }
        ByteBuffer b = read(ch, size - 4, 4);
        return b != null && (b.getInt(0) & 0xFFFFFFFFL) == (offset & 0xFFFFFFFFL) ? offset : -1;
    }

    /**
     * The content size a lone zstd frame's header declares, if the file is exactly that frame; else -1 (not told:
     * no declared size, a skippable frame, more than one frame, or framing that does not add up).
     */
    private static long zstdContentSize(FileChannel ch) throws IOException {
        ByteBuffer h = read(ch, 0, 18); // magic, descriptor, window, dictionary id (up to 4), content size (up to 8)
        if (h == null || h.getInt(0) != ZSTD_MAGIC) {
            return -1;
        }
        int descriptor = h.get(4) & 0xFF;
        int fcsFlag = descriptor >>> 6;
        boolean singleSegment = (descriptor & 0x20) != 0;
        boolean checksum = (descriptor & 0x04) != 0;
        int didSize = new int[] {0, 1, 2, 4}[descriptor & 0x03];
        int fcsSize = new int[] {singleSegment ? 1 : 0, 2, 4, 8}[fcsFlag];
        if (fcsSize == 0) {
            return -1;
        }
        int at = 5 + (singleSegment ? 0 : 1) + didSize;
        long contentSize = switch (fcsSize) {
            case 1 -> h.get(at) & 0xFFL;
            case 2 -> (h.getShort(at) & 0xFFFFL) + 256;
            case 4 -> h.getInt(at) & 0xFFFFFFFFL;
            default -> h.getLong(at);
        };
        long end = frameEnd(ch, at + fcsSize, checksum);
        return contentSize >= 0 && end == ch.size() ? contentSize : -1;
    }

    /** Where the frame whose first block header is at {@code pos} ends (after its checksum); -1 if it does not. */
    private static long frameEnd(FileChannel ch, long pos, boolean checksum) throws IOException {
        while (true) {
            ByteBuffer b = read(ch, pos, 3);
            if (b == null) {
                return -1;
            }
            int header = (b.get(0) & 0xFF) | (b.get(1) & 0xFF) << 8 | (b.get(2) & 0xFF) << 16;
            int type = (header >>> 1) & 0x03;
            int size = header >>> 3;
            if (type == 3) {
                return -1; // reserved: damaged; decompressing says so
            }
            pos += 3 + (type == 1 ? 1 : size); // an RLE block stores one byte, repeated size times
            if ((header & 1) != 0) {
                return pos + (checksum ? 4 : 0);
            }
        }
    }

    /** {@code n} bytes at {@code pos}, little-endian; null if the file ends before them. */
    private static ByteBuffer read(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                return null;
            }
        }
        return b;
    }
}
