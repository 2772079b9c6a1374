package dev.ferry.parsers.json;

import dev.ferry.pipeline.record.JsonText;
import dev.ferry.pipeline.record.Utf8;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A validating JSON scanner that finds where one value ends: it checks the value as strictly as jackson
 * does (RFC 8259 grammar, string escapes, UTF-8, no raw control characters, nesting at most
 * {@value #MAX_DEPTH} deep) but produces no tokens, decodes nothing and looks up no names. Strings, most
 * of a log line's bytes, are scanned eight bytes at a time (SWAR: one 64-bit load tells whether any of
 * the eight is a quote, a backslash, a control character or a non-ASCII byte).
 *
 * <p>Stateless and thread-safe. Malformed input is reported with a {@link MalformedJsonException} that
 * carries the byte offset and a short reason; it has no stack trace, so only bad lines pay for it.
 */
final class JsonValueScanner {

    /** Deepest nesting accepted, as jackson's default {@code StreamReadConstraints}. */
    static final int MAX_DEPTH = 1000;

    private JsonValueScanner() {
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * Scans the value that starts at {@code s[i]} (no whitespace before it).
     *
     * @param depth the nesting depth of the value (1 for a top-level member's value)
     * @return the offset just after the value
     * @throws MalformedJsonException where the value is not valid JSON (or {@code end} cuts it short)
     */
    static int value(byte[] s, int i, int end, int depth) throws MalformedJsonException {
        if (i >= end) {
            throw new MalformedJsonException(i, "unexpected end of line in a value");
        }
        switch (s[i]) {
            case '{' -> {
                return object(s, i + 1, end, depth);
            }
            case '[' -> {
                return array(s, i + 1, end, depth);
            }
            case '"' -> {
                return string(s, i + 1, end);
            }
            case 't' -> {
                return literal(s, i, end, "true");
            }
            case 'f' -> {
                return literal(s, i, end, "false");
            }
            case 'n' -> {
                return literal(s, i, end, "null");
            }
            default -> {
                byte b = s[i];
                if (b == '-' || (b >= '0' && b <= '9')) {
                    return number(s, i, end);
                }
                throw unexpected(s, i, end, "a value");
            }
        }
    }

    private static int object(byte[] s, int i, int end, int depth) throws MalformedJsonException {
        if (depth > MAX_DEPTH) {
            throw new MalformedJsonException(i, "nesting deeper than " + MAX_DEPTH);
        }
        i = space(s, i, end);
        if (i < end && s[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= end || s[i] != '"') {
                throw unexpected(s, i, end, "a string key");
            }
            i = space(s, string(s, i + 1, end), end);
            if (i >= end || s[i] != ':') {
                throw unexpected(s, i, end, "':'");
            }
            i = space(s, value(s, space(s, i + 1, end), end, depth + 1), end);
            if (i < end && s[i] == ',') {
                i = space(s, i + 1, end);
            } else if (i < end && s[i] == '}') {
                return i + 1;
            } else {
                throw unexpected(s, i, end, "',' or '}'");
            }
        }
    }

    private static int array(byte[] s, int i, int end, int depth) throws MalformedJsonException {
        if (depth > MAX_DEPTH) {
            throw new MalformedJsonException(i, "nesting deeper than " + MAX_DEPTH);
        }
        i = space(s, i, end);
        if (i < end && s[i] == ']') {
            return i + 1;
        }
        while (true) {
            i = space(s, value(s, i, end, depth + 1), end);
            if (i < end && s[i] == ',') {
                i = space(s, i + 1, end);
            } else if (i < end && s[i] == ']') {
                return i + 1;
            } else {
                throw unexpected(s, i, end, "',' or ']'");
            }
        }
    }

    /** Scans a string whose content starts at {@code i}; returns the offset after its closing quote. */
    static int string(byte[] s, int i, int end) throws MalformedJsonException {
        while (true) {
            while (i + 8 <= end) {
                long special = special((long) LONGS.get(s, i));
                if (special != 0) {
                    i += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                i += 8;
            }
            if (i >= end) {
                throw new MalformedJsonException(end, "unexpected end of line in a string");
            }
            byte b = s[i];
            if (b == '"') {
                return i + 1;
            }
            i = b >= 0x20 && b != '\\' ? i + 1 : oddByte(s, i, end);
        }
    }

    /** Checks the escape, multi-byte UTF-8 sequence or control byte at {@code i}; returns the offset after it. */
    private static int oddByte(byte[] s, int i, int end) throws MalformedJsonException {
        byte b = s[i];
        if (b == '\\') {
            if (i + 1 >= end) {
                throw new MalformedJsonException(end, "unexpected end of line in a string");
            }
            switch (s[i + 1]) {
                case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                    return i + 2;
                }
                case 'u' -> {
                    for (int k = 2; k < 6; k++) {
                        if (i + k >= end || !isHex(s[i + k])) {
                            throw new MalformedJsonException(i, "bad \\u escape in a string");
                        }
                    }
                    return i + 6;
                }
                default -> throw new MalformedJsonException(i + 1, "bad escape \\" + show(s[i + 1]) + " in a string");
            }
        }
        if (b >= 0) {
            throw new MalformedJsonException(i, "raw control character " + show(b) + " in a string");
        }
        return utf8(s, i, end);
    }

    /** Checks the multi-byte UTF-8 sequence at {@code i}; returns the offset after it. */
    private static int utf8(byte[] s, int i, int end) throws MalformedJsonException {
        int n = Utf8.sequenceLength(s, i, end);
        if (n > 0) {
            return i + n;
        }
        int b = s[i] & 0xFF;
        int expected = Utf8.expectedLength(b);
        if (expected == 0) {
            throw new MalformedJsonException(i, "invalid UTF-8 start byte " + hex(b));
        }
        for (int k = 1; k < expected; k++) {
            int c = i + k < end ? s[i + k] & 0xFF : -1;
            if ((c & 0xC0) != 0x80) {
                throw new MalformedJsonException(i + k, c < 0 ? "unexpected end of line in a string"
                        : "invalid UTF-8 middle byte " + hex(c));
            }
        }
        throw new MalformedJsonException(i, "invalid UTF-8 sequence starting with " + hex(b));
    }

    private static int number(byte[] s, int i, int end) throws MalformedJsonException {
        int start = i;
        byte b = s[i];
        if (b == '-') {
            if (++i == end) {
                throw new MalformedJsonException(i, "bad number: no digits");
            }
            b = s[i];
        }
        if (b == '0') {
            i++;
        } else if (b >= '1' && b <= '9') {
            i++;
            while (i < end && (b = s[i]) >= '0' && b <= '9') {
                i++;
            }
        } else {
            throw new MalformedJsonException(i, "bad number: no digits");
        }
        if (i == end) {
            return i;
        }
        b = s[i];
        if (b == '.') {
            int d = ++i;
            while (i < end && (b = s[i]) >= '0' && b <= '9') {
                i++;
            }
            if (i == d) {
                throw new MalformedJsonException(i, "bad number: no digits after '.'");
            }
            if (i == end) {
                return i;
            }
            b = s[i];
        }
        if (b == 'e' || b == 'E') {
            if (++i < end && (s[i] == '+' || s[i] == '-')) {
                i++;
            }
            int d = i;
            while (i < end && (b = s[i]) >= '0' && b <= '9') {
                i++;
            }
            if (i == d) {
                throw new MalformedJsonException(i, "bad number: no digits in the exponent");
            }
            if (i == end) {
                return i;
            }
            b = s[i];
        }
        if (b >= '0' && b <= '9') {
            throw new MalformedJsonException(start, "bad number: leading zero");
        }
        return i;
    }

    private static int literal(byte[] s, int i, int end, String word) throws MalformedJsonException {
        int n = word.length();
        if (end - i < n) {
            throw new MalformedJsonException(i, "unrecognized token (expected '" + word + "')");
        }
        for (int k = 0; k < n; k++) {
            if (s[i + k] != word.charAt(k)) {
                throw new MalformedJsonException(i, "unrecognized token (expected '" + word + "')");
            }
        }
        return i + n;
    }

    /**
     * A mask whose lowest set bit lies in the first of the eight bytes (little-endian) that needs a
     * closer look: {@code '"'}, {@code '\\'}, below 0x20 or from 0x80. Bytes before it are plain ASCII
     * string content; bits above it may be spurious (borrows), which is why only the lowest one is used.
     */
    private static long special(long x) {
        long quote = x ^ 0x2222222222222222L;
        long backslash = x ^ 0x5C5C5C5C5C5C5C5CL;
        return (x | ((x - 0x2020202020202020L) & ~x) | ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash))
                & HIGHS;
    }

    static int space(byte[] s, int i, int end) {
        return JsonText.skipSpace(s, i, end);
    }

    static MalformedJsonException unexpected(byte[] s, int i, int end, String expected) {
        return new MalformedJsonException(i, i >= end
                ? "unexpected end of line where " + expected + " was expected"
                : "unexpected " + show(s[i]) + " where " + expected + " was expected");
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isHex(byte b) {
        return (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'f');
    }

    static String show(byte b) {
        int c = b & 0xFF;
        return c >= 0x20 && c < 0x7F ? "'" + (char) c + "'" : hex(c);
    }

    private static String hex(int c) {
        return String.format("0x%02X", c);
    }

    /** Where and why a value is not valid JSON. Carries no stack trace. */
    static final class MalformedJsonException extends Exception {

        private static final long serialVersionUID = 1L;

        private final int offset;

        MalformedJsonException(int offset, String reason) {
            super(reason, null, false, false);
            this.offset = offset;
        }

        /** The byte offset in the line where the problem is. */
        int offset() {
            return offset;
        }
    }
}
