package dev.ferry.agent.source.segment;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.ClosedByInterruptException;

/**
 * One member's data as stored. A failure to read it (the archive cut short or damaged inside it)
 * becomes a {@link SegmentCorruptException} naming {@code archive!member}; {@code atEnd}, if not
 * null, is thrown instead of the end of the data (a spooled copy of a member that was cut short).
 *
 * <p>Not thread-safe: read by the one thread that walks. Closing it closes the stream beneath only if it
 * owns it (a spooled copy), never the archive, which stays open for the next member.
 */
final class TarMemberStream extends FilterInputStream {

    private final boolean ownsStream;
    private final String name;
    private final SegmentCorruptException atEnd;
    private final Runnable onFailure;
    private long read;

    TarMemberStream(InputStream in, boolean ownsStream, String name, SegmentCorruptException atEnd, Runnable onFailure) {
        super(in);
        this.ownsStream = ownsStream;
        this.name = name;
        this.atEnd = atEnd;
        this.onFailure = onFailure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (InterruptedIOException | ClosedByInterruptException e) {
            throw e;
        } catch (IOException e) {
            onFailure.run();
            throw new SegmentCorruptException(name, SegmentFormat.TAR, TarArchives.reason(e), read, -1,
                    "the archive ends or is damaged after " + read + " bytes of this member as stored ("
                            + e.getMessage() + "); nothing after it in the archive can be read", e);
        }
        if (n < 0 && atEnd != null && len > 0) {
            onFailure.run();
            throw atEnd;
        }
        if (n > 0) {
            read += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(8192, Math.max(1, n))];
        long done = 0;
        while (done < n) {
            int k = read(scratch, 0, (int) Math.min(scratch.length, n - done));
            if (k < 0) {
                break;
            }
            done += k;
        }
        return done;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long done = 0;
        for (int n; (n = read(buf, 0, buf.length)) >= 0; ) {
            out.write(buf, 0, n);
            done += n;
        }
        return done;
    }

    /**
     * Always 0: a {@link java.io.BufferedInputStream} reads on within one call while the stream says
     * more is available, and drops the bytes it has when a later read in that call throws, so the
     * bytes before a damaged part would be lost instead of shipped.
     */
    @Override
    public int available() {
        return 0;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        if (ownsStream) {
            in.close(); // the archive itself stays open for the next member
        }
    }
}
