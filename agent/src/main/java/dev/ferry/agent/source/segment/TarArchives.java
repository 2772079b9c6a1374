package dev.ferry.agent.source.segment;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * What {@link TarLister}, {@link TarWalker} and {@link TarMemberStream} share about tar archives:
 * recognising one, opening it (through its compression), telling a regular file's entry from a link
 * or device, member names, and how damage found in an archive is described.
 *
 * <p>Stateless; may be called from any thread.
 */
final class TarArchives {

    private TarArchives() {
    }

    static boolean isTar(Path file) throws IOException {
        try (SegmentReader r = SegmentReaderFactory.open(file)) {
            byte[] h = new PeekingSegmentReader(r, SegmentFormat.TAR_HEADER).head(); // closed with r
            return SegmentFormat.isTar(h, h.length);
        } catch (UnsupportedSegmentException | SegmentCorruptException e) {
            return false;
        }
    }

    /**
     * Whether a file's data (decompressed) is an empty tar archive: zero bytes only, in whole 512-byte blocks,
     * at least the two zero blocks that end an archive. {@code tar cf x.tar --files-from /dev/null} writes 10,240
     * such bytes and no header, so {@link #isTar} does not see a tar; read as text, it would be one line of NUL
     * characters. A log file that only starts with zero bytes (as a crash can leave one) has other bytes after
     * them and is not one. Reads up to the first byte that is not zero.
     */
    static boolean isEmptyTar(Path file) throws IOException {
        try (SegmentReader r = SegmentReaderFactory.open(file)) {
            byte[] buf = new byte[SegmentFormat.TAR_HEADER];
            for (int n; (n = r.read(buf, 0, buf.length)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != 0) {
                        return false;
                    }
                }
            }
            return r.position() >= 2L * SegmentFormat.TAR_HEADER && r.position() % SegmentFormat.TAR_HEADER == 0;
        } catch (UnsupportedSegmentException | SegmentCorruptException e) {
            return false;
        }
    }

    static TarArchiveInputStream openTar(Path file) throws IOException {
        return new TarArchiveInputStream(SegmentReaderFactory.open(file).asInputStream());
    }

    /**
     * Whether a tar entry is a regular file's data. commons-compress's {@code isFile()} is also true for
     * symbolic and hard links (which have no data of their own) and devices.
     */
    static boolean regularFile(TarArchiveEntry e) {
        return e.isFile() && !e.isSymbolicLink() && !e.isLink() && !e.isCharacterDevice() && !e.isBlockDevice()
                && !e.isFIFO();
    }

    static SegmentCorruptException damage(Path archive, long tarOffset, String lastMember, IOException cause) {
        long compressed = cause instanceof SegmentCorruptException s ? s.compressedOffset() : -1;
        return new SegmentCorruptException(archive.toString(), SegmentFormat.TAR, reason(cause), tarOffset, compressed,
                (lastMember == null ? "no member can be read from it" : "nothing can be read after its member " + lastMember)
                        + " (" + cause.getMessage() + ")", cause);
    }

    static SegmentCorruptException.Reason reason(IOException e) {
        boolean truncated = e instanceof EOFException
                || e instanceof SegmentCorruptException s && s.reason() == SegmentCorruptException.Reason.TRUNCATED
                || String.valueOf(e.getMessage()).contains("Truncated");
        return truncated ? SegmentCorruptException.Reason.TRUNCATED : SegmentCorruptException.Reason.CORRUPT;
    }

    static String stripDot(String name) {
        return name.startsWith("./") ? name.substring(2) : name;
    }
}
