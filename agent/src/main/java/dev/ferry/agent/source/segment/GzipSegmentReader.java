package dev.ferry.agent.source.segment;

import dev.ferry.agent.source.segment.SegmentCorruptException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads gzip data (RFC 1952): every member of a multi-member file, one after the other, as one
 * stream of uncompressed bytes.
 *
 * <h2>Why not {@code GZIPInputStream}</h2>
 * It reads members too, but (JDK 17) decides whether another member follows with
 * {@code in.available() > 0}, which is 0 on pipes and some archive streams, so later members are
 * silently dropped; and when the bytes after a member are not a valid gzip header it stops without an
 * error, so a damaged second member looks like a clean end. This reader parses the member framing
 * itself around a raw {@link Inflater}: it knows the exact compressed offset, checks each member's
 * CRC-32 and length, and reports a cut or damage as a {@link SegmentCorruptException}.
 *
 * <h2>Format, as read here</h2>
 * <pre>
 *  member := 1f 8b | CM=08 | FLG | MTIME(4) | XFL | OS
 *            [FEXTRA: XLEN(2, little-endian) + XLEN bytes] [FNAME: bytes up to 00]
 *            [FCOMMENT: bytes up to 00] [FHCRC: 2 bytes, not checked]
 *            deflate data (RFC 1951) | CRC32(4, LE) of the uncompressed bytes | ISIZE(4, LE) = length mod 2^32
 *  file   := member+ [00 bytes]       (zero padding after the last member is accepted, as gzip does)
 * </pre>
 * An empty input is an empty segment. Input that ends inside a member (header, data or trailer) is
 * {@link Reason#TRUNCATED}, after every byte the inflater could produce from what is there; anything
 * else that does not fit is {@link Reason#CORRUPT}.
 *
 * <p>Not thread-safe. Owns the input stream (closed with the reader) and an {@link Inflater} (ended).
 */
public final class GzipSegmentReader extends AbstractSegmentReader {

    private static final int IN_SIZE = 64 * 1024;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int FRESERVED = 0xe0;

    private enum State { HEADER, DATA, DONE, FAILED }

    private final InputStream in;
    private final byte[] inBuf = new byte[IN_SIZE];
    private int inPos;
    private int inLen;
    private long inBase;
    private boolean inEof;

    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private State state = State.HEADER;
    private int members;
    private long memberOut;
    private SegmentCorruptException failure;
    private boolean closed;

    /**
     * @param name for messages: the path, or {@code archive!member}
     * @param in the compressed data from its first byte; owned by this reader from now on (buffered
     *     here, so a plain file stream is enough)
     */
    public GzipSegmentReader(String name, InputStream in) {
        super(name, SegmentFormat.GZIP);
        this.in = in;
    }

    /** Exact: header, deflate and trailer bytes consumed so far. */
    @Override
    public long compressedPosition() {
        return inBase + inPos;
    }

    /** How many members were started so far (1-based number of the current one). */
    public int members() {
        return members;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            switch (state) {
                case DONE:
                    return -1;
                case FAILED:
                    throw failure;
                case HEADER:
                    if (!readHeader()) {
                        state = State.DONE;
                        return -1;
                    }
                    inflater.reset();
                    crc.reset();
                    memberOut = 0;
                    state = State.DATA;
                    break;
                case DATA:
                    int n = inflate(b, off, len);
                    if (n > 0) {
                        crc.update(b, off, n);
                        memberOut += n;
                        position += n;
                        return n;
                    }
                    if (inflater.finished()) {
                        readTrailer();
                        state = State.HEADER;
                    } else if (inflater.needsDictionary()) {
                        throw fail(Reason.CORRUPT, "member " + members + " asks for a preset dictionary, which gzip"
                                + " never uses", null);
                    } else if (inflater.needsInput() && !fill()) {
                        throw fail(Reason.TRUNCATED, "the data ends inside the deflate stream of member " + members,
                                null);
                    }
                    break;
                default:
                    throw new IllegalStateException(state.toString());
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            inflater.end();
            in.close();
        }
    }

    private int inflate(byte[] b, int off, int len) throws SegmentCorruptException {
        if (inflater.needsInput() && inPos < inLen) {
            inflater.setInput(inBuf, inPos, inLen - inPos);
        }
        try {
            int n = inflater.inflate(b, off, len);
            inPos = inLen - inflater.getRemaining();
            return n;
        } catch (DataFormatException e) {
            inPos = inLen - inflater.getRemaining();
            throw fail(Reason.CORRUPT, "member " + members + " has invalid deflate data (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads a member header. @return false at a clean end: no more input, or only zero padding
     */
    private boolean readHeader() throws IOException {
        int first = nextByte();
        if (first < 0) {
            return false;
        }
        if (first != 0x1f) {
            if (first == 0 && members > 0 && restIsZero()) {
                return false;
            }
            throw fail(Reason.CORRUPT, members == 0 ? "it does not start with the gzip magic 1f 8b"
                    : "the bytes after member " + members + " are not another gzip member", null);
        }
        members++;
        if (headerByte() != 0x8b) {
            throw fail(Reason.CORRUPT, "member " + members + " does not start with the gzip magic 1f 8b", null);
        }
        int cm = headerByte();
        if (cm != 8) {
            throw fail(Reason.CORRUPT, "member " + members + " uses compression method " + cm + ", not deflate (8)",
                    null);
        }
        int flg = headerByte();
        if ((flg & FRESERVED) != 0) {
            throw fail(Reason.CORRUPT, "member " + members + " sets reserved header flags", null);
        }
        for (int i = 0; i < 6; i++) {
            headerByte();
        }
        if ((flg & FEXTRA) != 0) {
            int xlen = headerByte() | (headerByte() << 8);
            for (int i = 0; i < xlen; i++) {
                headerByte();
            }
        }
        if ((flg & FNAME) != 0) {
            while (headerByte() != 0) {
                // skip the original file name
            }
        }
        if ((flg & FCOMMENT) != 0) {
            while (headerByte() != 0) {
                // skip the comment
            }
        }
        if ((flg & FHCRC) != 0) {
            headerByte();
            headerByte();
        }
        return true;
    }

    private void readTrailer() throws IOException {
        long storedCrc = trailerInt();
        long storedSize = trailerInt();
        if (storedCrc != crc.getValue()) {
            throw fail(Reason.CORRUPT, String.format("member %d fails its CRC-32 check (stored %08x, computed %08x);"
                    + " bytes returned from it may be wrong", members, storedCrc, crc.getValue()), null);
        }
        if (storedSize != (memberOut & 0xffffffffL)) {
            throw fail(Reason.CORRUPT, "member " + members + " stores length " + storedSize + " but "
                    + memberOut + " bytes were decoded", null);
        }
    }

    private long trailerInt() throws IOException {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int c = nextByte();
            if (c < 0) {
                throw fail(Reason.TRUNCATED, "the data ends inside the trailer of member " + members
                        + " (its data was returned but could not be checked)", null);
            }
            v |= (long) c << (8 * i);
        }
        return v;
    }

    private int headerByte() throws IOException {
        int c = nextByte();
        if (c < 0) {
            throw fail(Reason.TRUNCATED, "the data ends inside the header of member " + members, null);
        }
        return c;
    }

    private boolean restIsZero() throws IOException {
        while (true) {
            int c = nextByte();
            if (c < 0) {
                return true;
            }
            if (c != 0) {
                inPos--;
                return false;
            }
        }
    }

    private int nextByte() throws IOException {
        if (inPos == inLen && !fill()) {
            return -1;
        }
        return inBuf[inPos++] & 0xff;
    }

    /** Reads more input into an empty buffer. @return false at the end of the input */
    private boolean fill() throws IOException {
        if (inEof) {
            return false;
        }
        int n;
        do {
            n = in.read(inBuf, 0, IN_SIZE);
        } while (n == 0);
        if (n < 0) {
            inEof = true;
            return false;
        }
        inBase += inLen;
        inPos = 0;
        inLen = n;
        return true;
    }

    private SegmentCorruptException fail(Reason reason, String detail, Throwable cause) {
        state = State.FAILED;
        failure = new SegmentCorruptException(name, SegmentFormat.GZIP, reason, position, compressedPosition(), detail,
                cause);
        return failure;
    }
}
