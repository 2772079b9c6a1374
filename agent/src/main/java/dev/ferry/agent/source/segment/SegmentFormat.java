package dev.ferry.agent.source.segment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How a segment's bytes are stored, decided by its first bytes (its magic number), never by its
 * file name: an operator's {@code app.log.1} may be gzipped and an {@code app.log.1.gz} may be plain.
 *
 * <table>
 *   <caption>Magic numbers</caption>
 *   <tr><th>format</th><th>first bytes</th><th>source</th></tr>
 *   <tr><td>{@link #GZIP}</td><td>{@code 1f 8b}</td><td>RFC 1952</td></tr>
 *   <tr><td>{@link #ZSTD}</td><td>{@code 28 b5 2f fd}, or a skippable frame {@code 5? 2a 4d 18}
 *       (pzstd writes one first)</td><td>RFC 8878</td></tr>
 *   <tr><td>{@link #DISK_LOG}</td><td>{@code 01 02 03 04} then {@code 06 07 08 09} (opened) or
 *       {@code 63 58 4d 0b} (closed)</td><td>OTP {@code disk_log.hrl}, internal format</td></tr>
 *   <tr><td>{@link #XZ}</td><td>{@code fd 37 7a 58 5a 00}</td><td>xz file format 1.0</td></tr>
 *   <tr><td>{@link #BZIP2}</td><td>{@code "BZh" 1-9} then {@code 31 41 59 26 53 59} (a block) or
 *       {@code 17 72 45 38 50 90} (empty)</td><td>bzip2</td></tr>
 *   <tr><td>{@link #ZIP}</td><td>{@code 50 4b 03 04}, {@code 50 4b 05 06} (empty), {@code 50 4b 07 08} (spanned)</td>
 *       <td>PKWARE APPNOTE</td></tr>
 *   <tr><td>{@link #SEVEN_ZIP}</td><td>{@code 37 7a bc af 27 1c}</td><td>7z format</td></tr>
 *   <tr><td>{@link #LZ4}</td><td>{@code 04 22 4d 18} (frame) or {@code 02 21 4c 18} (legacy)</td><td>LZ4 frame format</td></tr>
 *   <tr><td>{@link #PLAIN}</td><td>anything else, including files shorter than a magic number</td><td></td></tr>
 * </table>
 * ferry reads {@link #PLAIN}, {@link #GZIP} and {@link #ZSTD}; the other formats are recognised so that
 * they are refused ({@link UnsupportedSegmentException}) instead of being read as lines of binary.
 * {@link #TAR} is never returned by {@link #detect}: a tar header is recognised by {@link #isTar} on
 * the first {@value #TAR_HEADER} bytes of (decompressed) data.
 *
 * <p>A file that is still being written (an OTP {@code compress_on_rotate} in progress) may be too
 * short to show its magic yet and is then seen as plain; whoever reads a file that may still grow
 * should detect again once it has at least {@value #DETECT_BYTES} bytes. Immutable.
 */
public enum SegmentFormat {

    /** Uncompressed bytes. */
    PLAIN("plain"),
    /** One or more gzip members (RFC 1952), each deflate-compressed. */
    GZIP("gzip"),
    /** One or more Zstandard frames (RFC 8878), skippable frames allowed. */
    ZSTD("zstd"),
    /**
     * An Erlang {@code disk_log} file in the internal format: each item is {@code term_to_binary}
     * output behind a size and a magic. ferry does not read it (see the package documentation).
     */
    DISK_LOG("disk_log internal"),
    /** xz (LZMA2). Not read. */
    XZ("xz"),
    /** bzip2. Not read. */
    BZIP2("bzip2"),
    /** A zip archive. Not read. */
    ZIP("zip"),
    /** A 7z archive. Not read. */
    SEVEN_ZIP("7z"),
    /** LZ4, frame or legacy format. Not read. */
    LZ4("lz4"),
    /** A POSIX/GNU tar archive (see {@link #isTar}); opened only as a replay source, never as a segment. */
    TAR("tar");

    /** How many leading bytes {@link #detect} needs to tell every format apart. */
    public static final int DETECT_BYTES = 10;

    /** How many leading bytes {@link #isTar} needs: one tar header block. */
    public static final int TAR_HEADER = 512;

    private final String label;

    SegmentFormat(String label) {
        this.label = label;
    }

    /** The name used in messages: {@code plain}, {@code gzip}, {@code zstd}, {@code disk_log internal}, {@code xz}... */
    public String label() {
        return label;
    }

    /** The format of data that starts with {@code head[0..len)}. */
    public static SegmentFormat detect(byte[] head, int len) {
        if (len >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (len >= 4 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd
                && (head[0] & 0xff) == 0x28) {
            return ZSTD;
        }
        if (len >= 4 && (head[0] & 0xf0) == 0x50 && (head[1] & 0xff) == 0x2a && (head[2] & 0xff) == 0x4d
                && (head[3] & 0xff) == 0x18) {
            return ZSTD;
        }
        if (len >= 8 && head[0] == 1 && head[1] == 2 && head[2] == 3 && head[3] == 4
                && ((head[4] == 6 && head[5] == 7 && head[6] == 8 && head[7] == 9)
                    || (head[4] == 0x63 && head[5] == 0x58 && head[6] == 0x4d && head[7] == 0x0b))) {
            return DISK_LOG;
        }
        if (len >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X'
                && head[4] == 'Z' && head[5] == 0) {
            return XZ;
        }
        if (len >= 10 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] >= '1' && head[3] <= '9'
                && (startsWith(head, 4, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59)
                    || startsWith(head, 4, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90))) {
            return BZIP2;
        }
        if (len >= 4 && head[0] == 'P' && head[1] == 'K'
                && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6) || (head[2] == 7 && head[3] == 8))) {
            return ZIP;
        }
        if (len >= 6 && startsWith(head, 0, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) {
            return SEVEN_ZIP;
        }
        if (len >= 4 && (startsWith(head, 0, 0x04, 0x22, 0x4d, 0x18) || startsWith(head, 0, 0x02, 0x21, 0x4c, 0x18))) {
            return LZ4;
        }
        return PLAIN;
    }

    /** Whether {@code head[0..len)} is the first header block of a tar archive ({@code ustar} at offset 257). */
    public static boolean isTar(byte[] head, int len) {
        return len >= TAR_HEADER && head[257] == 'u' && head[258] == 's' && head[259] == 't' && head[260] == 'a'
                && head[261] == 'r';
    }

    /** Whether this format is one ferry reads lines from. */
    public boolean readable() {
        return this == PLAIN || this == GZIP || this == ZSTD;
    }

    private static boolean startsWith(byte[] head, int at, int... magic) {
        for (int i = 0; i < magic.length; i++) {
            if ((head[at + i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** The format of the file at {@code path}, from its first bytes. */
    public static SegmentFormat of(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return of(ch);
        }
    }

    /** The format of {@code ch}'s data, read positionally from offset 0 (its position is kept). */
    public static SegmentFormat of(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(DETECT_BYTES);
        while (b.hasRemaining()) {
            if (ch.read(b, b.position()) < 0) {
                break;
            }
        }
        return detect(b.array(), b.position());
    }

    /**
     * The format of a stream's data; {@code in} must support mark/reset, and is reset to where it was.
     */
    public static SegmentFormat of(InputStream in) throws IOException {
        byte[] head = new byte[DETECT_BYTES];
        in.mark(DETECT_BYTES);
        int n = in.readNBytes(head, 0, DETECT_BYTES);
        in.reset();
        return detect(head, n);
    }
}
