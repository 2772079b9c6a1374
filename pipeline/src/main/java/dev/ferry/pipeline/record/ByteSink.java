package dev.ferry.pipeline.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that encoders write into and outputs drain, reused from batch to batch.
 *
 * <p>Not thread-safe: one encoder thread owns an instance. {@link #array()} exposes the backing array
 * (valid up to {@link #length()}) until the next write; callers copy what they need to keep.
 */
public final class ByteSink {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int len;
    /** Growth by doubling stops here once, so a buffer filled to a known size is not left up to twice as big. */
    private final int fullCapacity;

    public ByteSink(int initialCapacity) {
        this(initialCapacity, 0);
    }

    /**
     * A sink that usually fills to about {@code fullCapacity} bytes (a bulk request's size limit plus one record):
     * it starts at {@code initialCapacity} and doubles, but to no more than {@code fullCapacity} while it is
     * smaller; past that it doubles again.
     */
    public ByteSink(int initialCapacity, int fullCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
        this.fullCapacity = fullCapacity;
    }

    public byte[] array() {
        return buf;
    }

    public int length() {
        return len;
    }

    public void reset() {
        len = 0;
    }

    /**
     * Writes the content to {@code channel} and empties the sink. If the channel fails part-way (a full
     * disk, a closed pipe), the bytes it took are dropped from the front and the rest stays, so the next
     * call writes exactly what is missing: nothing twice, nothing lost.
     *
     * @throws IOException from the channel; the sink then holds the bytes not written yet
     */
    public void drainTo(WritableByteChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(buf, 0, len);
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } finally {
            int written = bytes.position();
            System.arraycopy(buf, written, buf, 0, len - written);
            len -= written;
        }
    }

    /** Cuts the content back to {@code length} bytes (to undo a partly written record). */
    public void truncate(int length) {
        len = length;
    }

    public void write(int b) {
        if (len == buf.length) {
            grow(1);
        }
        buf[len++] = (byte) b;
    }

    public void write(byte[] src, int off, int n) {
        if (len + n > buf.length) {
            grow(n);
        }
        System.arraycopy(src, off, buf, len, n);
        len += n;
    }

    public void write(byte[] src) {
        write(src, 0, src.length);
    }

    /** Writes a string that is known to be ASCII (keys of the agent's own, numbers). */
    public void writeAscii(String s) {
        int n = s.length();
        if (len + n > buf.length) {
            grow(n);
        }
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    /** Writes {@code v} as a base-128 varint (protobuf's: seven bits a byte, low first; negative: ten bytes). */
    public void writeVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        write((int) v);
    }

    /** Writes the low {@code digits} hex digits of {@code v}, lower-case, most significant first (at most 16). */
    public void writeHex(long v, int digits) {
        if (len + digits > buf.length) {
            grow(digits);
        }
        for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
            buf[len++] = HEX[(int) (v >>> shift) & 0xf];
        }
    }

    public void writeUtf8(String s) {
        write(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Ensures room for {@code n} more bytes without growing during the next writes. */
    public void ensure(int n) {
        if (len + n > buf.length) {
            grow(n);
        }
    }

    /**
     * Reserves {@code n} bytes at the end, to be filled in later through {@link #array()} (a length field
     * written before what it measures).
     *
     * @return the offset of the first reserved byte
     */
    public int reserve(int n) {
        ensure(n);
        int at = len;
        len += n;
        return at;
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    private void grow(int need) {
        int doubled = buf.length * 2;
        int next = buf.length < fullCapacity ? Math.min(doubled, fullCapacity) : doubled;
        buf = Arrays.copyOf(buf, Math.max(next, len + need));
    }
}
