package dev.ferry.parsers.multiline;

import java.nio.charset.StandardCharsets;

/**
 * A line as text for the rules' regexes: a char-per-byte view when the line is ASCII (no decoding, no
 * copy), the UTF-8 decoded string otherwise.
 *
 * <p>Not thread-safe; one per assembler, reset line after line.
 */
final class LineText implements CharSequence {

    private byte[] bytes = new byte[0];
    private int start;
    private int length;

    /** The text of {@code b[off, off+len)}: this view, or a decoded string. */
    CharSequence of(byte[] b, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            if (b[i] < 0) {
                release();
                return new String(b, off, len, StandardCharsets.UTF_8);
            }
        }
        bytes = b;
        start = off;
        length = len;
        return this;
    }

    /** Drops the reference to the caller's line. */
    void release() {
        bytes = EMPTY;
        start = 0;
        length = 0;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return (char) bytes[start + index];
    }

    @Override
    public CharSequence subSequence(int from, int to) {
        return toString().substring(from, to);
    }

    @Override
    public String toString() {
        return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
    }

    private static final byte[] EMPTY = new byte[0];
}
