package dev.ferry.parsers.text;

/**
 * A {@link CharSequence} view of ASCII bytes, one char per byte, so a regex can run over a line without
 * decoding it and its group offsets are byte offsets. Only for lines known to be ASCII.
 *
 * <p>Not thread-safe: reused by one thread, line after line.
 */
final class AsciiChars implements CharSequence {

    private byte[] bytes = new byte[0];
    private int start;
    private int length;

    AsciiChars() {
    }

    private AsciiChars(byte[] bytes, int start, int length) {
        this.bytes = bytes;
        this.start = start;
        this.length = length;
    }

    /** Points the view at {@code bytes[0, length)}. */
    AsciiChars reset(byte[] bytes, int length) {
        this.bytes = bytes;
        this.start = 0;
        this.length = length;
        return this;
    }

    /** Whether {@code s[0, len)} is all ASCII. */
    static boolean isAscii(byte[] s, int len) {
        for (int i = 0; i < len; i++) {
            if (s[i] < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        return (char) bytes[start + index];
    }

    @Override
    public CharSequence subSequence(int from, int to) {
        return new AsciiChars(bytes, start + from, to - from);
    }

    @Override
    public String toString() {
        return new String(bytes, start, length, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
