package dev.ferry.agent.source;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read buffer of a file read line by line, and how its bytes are cut into lines: one framing shared
 * by the tail and {@code ferry replay}, so that the same bytes give the same lines, offsets and skips in
 * both (and a replay after a live run gives no other record).
 *
 * <p>Use: {@link #makeRoom}, read into {@link #array()} at {@link #end()} (up to {@link #free()} bytes),
 * {@link #filled}; then take the complete lines with {@link #nextLine()}, each described by
 * {@link #lineStart()}, {@link #lineLength()}, {@link #lineOffset()} and {@link #lineNextOffset()}.
 * A line ends in {@code \n}; a {@code \r} before it is stripped. {@link #takeRemainder()} takes an
 * unfinished last line (a file that cannot grow any more), a trailing {@code \r} stripped too.
 *
 * <p>Size: starts at {@code Buffer_Chunk_Size} and doubles up to {@code Buffer_Max_Size + 1} bytes. A
 * line whose length without its newline exceeds {@code Buffer_Max_Size} (the buffer is full and holds
 * no newline) is skipped whole: {@link #makeRoom} returns its offset and drops what was read of it,
 * {@link #filled} drops the rest up to and including its newline, and reading goes on after it. The
 * first one per buffer (per file) is logged, WARN with {@code Skip_Long_Lines On}, ERROR without (then
 * the skip is a loss nobody asked for); the caller counts each.
 *
 * <p>Offsets are of the uncompressed data. Not thread-safe: one reading thread. {@link #makeRoom} may
 * replace the array: a batch that points into it must have been handed on before.
 */
public final class LineBuffer {

    private static final Logger log = LoggerFactory.getLogger(LineBuffer.class);

    private final String path;
    private final boolean skipLongLines;
    private final int maxCapacity;
    private byte[] buf;
    /** First byte not taken yet (the start of an unfinished line). */
    private int start;
    /** End of the data read. */
    private int end;
    /** Bytes before this were searched for a newline. */
    private int scanned;
    /** Uncompressed offset of {@code buf[end]}. */
    private long readPos;
    private boolean skipping;
    private boolean longLineLogged;
    private int lineStart;
    private int lineLength;
    private long lineNext;

    /**
     * @param path the file, for the log ({@code archive!member} for a member of an archive)
     * @param skipLongLines {@code Skip_Long_Lines}: only the log level of a skip depends on it
     * @param startOffset the uncompressed offset the first byte read will have
     */
    public LineBuffer(String path, boolean skipLongLines, int chunkSize, int maxLineSize, long startOffset) {
        this.path = path;
        this.skipLongLines = skipLongLines;
        this.maxCapacity = maxLineSize + 1;
        this.buf = new byte[Math.min(chunkSize, maxCapacity)];
        this.readPos = startOffset;
    }

    /** The buffer to read into at {@link #end()}; may be replaced by {@link #makeRoom}. */
    public byte[] array() {
        return buf;
    }

    public int end() {
        return end;
    }

    /** How many bytes can be read into {@link #array()} at {@link #end()}. */
    public int free() {
        return buf.length - end;
    }

    /** Uncompressed offset after the last byte read. */
    public long readPos() {
        return readPos;
    }

    /** Whether every byte read was searched for a newline. */
    public boolean scannedAll() {
        return scanned == end;
    }

    /** Whether bytes read were not searched for a newline yet (left by a caller that stopped taking lines). */
    public boolean hasUnscanned() {
        return scanned < end;
    }

    /** Offset of the first byte not taken yet: the start of an unfinished line, or the read offset while skipping. */
    public long unpublishedOffset() {
        return skipping ? readPos : offsetOf(start);
    }

    private long offsetOf(int index) {
        return readPos - (end - index);
    }

    /**
     * Makes room at the end of the buffer when it is full: compacts, grows, or gives up on a line that is
     * too long (logged, see the class doc).
     *
     * @return the offset of the line given up on now, or -1
     */
    public long makeRoom() {
        if (end < buf.length) {
            return -1;
        }
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            scanned -= start;
            start = 0;
            return -1;
        }
        if (buf.length < maxCapacity) {
            buf = Arrays.copyOf(buf, (int) Math.min(maxCapacity, buf.length * 2L));
            return -1;
        }
        long at = offsetOf(start);
        if (!longLineLogged) {
            longLineLogged = true;
            if (skipLongLines) {
                log.warn("Line longer than Buffer_Max_Size skipped; later ones in this file are only counted."
                        + " path={} offset={} buffer_max_size={}", path, at, maxCapacity - 1);
            } else {
                log.error("Line longer than Buffer_Max_Size skipped: its data is lost. Raise Buffer_Max_Size,"
                        + " or set Skip_Long_Lines On to accept this; later ones in this file are only counted."
                        + " path={} offset={} buffer_max_size={}", path, at, maxCapacity - 1);
            }
        }
        skipping = true;
        start = 0;
        end = 0;
        scanned = 0;
        return at;
    }

    /**
     * Accounts for {@code n} bytes read into {@link #array()} at {@link #end()}. While a long line is
     * skipped, drops bytes up to and including its newline.
     *
     * @return whether a skipped long line ended in these bytes
     */
    public boolean filled(int n) {
        readPos += n;
        end += n;
        if (!skipping) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (buf[i] == '\n') {
                skipping = false;
                start = i + 1;
                scanned = start;
                return true;
            }
        }
        start = 0;
        end = 0;
        scanned = 0;
        return false;
    }

    /**
     * Takes the next complete line, if there is one: its bounds are then {@link #lineStart()} and
     * {@link #lineLength()} (newline and a {@code \r} before it left out), its offsets {@link #lineOffset()}
     * and {@link #lineNextOffset()}.
     */
    public boolean nextLine() {
        int i = NewlineScanner.indexOf(buf, scanned, end);
        if (i < 0) {
            scanned = end;
            return false;
        }
        int len = i - start;
        if (len > 0 && buf[i - 1] == '\r') {
            len--;
        }
        lineStart = start;
        lineLength = len;
        start = i + 1;
        scanned = start;
        lineNext = offsetOf(start);
        return true;
    }

    /**
     * Takes an unfinished last line (for data that cannot grow any more), a trailing {@code \r} left out;
     * false if there is none, or a long line is being skipped.
     */
    public boolean takeRemainder() {
        if (skipping || start == end) {
            return false;
        }
        int len = end - start;
        if (buf[end - 1] == '\r') {
            len--;
        }
        lineStart = start;
        lineLength = len;
        start = end;
        scanned = end;
        lineNext = readPos;
        return true;
    }

    /**
     * Drops the unfinished last line of data that ends in a cut (a truncated or damaged segment): it is a
     * fragment, which must not be handed on (under the offset the whole line has, it would stand in for it).
     * Logs it at ERROR with the path, its offset and size, one message for the tail and {@code ferry replay};
     * the caller counts it.
     *
     * @return how many bytes were dropped; 0 if none, or a long line was being skipped (counted already)
     */
    public int dropCutRemainder() {
        if (skipping || start == end) {
            return 0;
        }
        long at = unpublishedOffset();
        int n = end - start;
        start = end;
        scanned = end;
        log.error("The last line read from a segment that ends in a cut is incomplete; it is not shipped and its data"
                + " is lost. path={} offset={} bytes={}", path, at, n);
        return n;
    }

    /** Index in {@link #array()} of the line taken last. */
    public int lineStart() {
        return lineStart;
    }

    /** Length of the line taken last, without its newline (and {@code \r}). */
    public int lineLength() {
        return lineLength;
    }

    /** Offset of the line taken last. */
    public long lineOffset() {
        return offsetOf(lineStart);
    }

    /** Offset after the line taken last (after its newline). */
    public long lineNextOffset() {
        return lineNext;
    }
}
