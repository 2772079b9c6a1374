package dev.ferry.pipeline.record;

/**
 * UTF-8 validation of one multi-byte sequence (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF), shared by the JSON scanner and the JSON writer, and the count of invalid bytes in a
 * span (for {@link RecordFields#decodeText}). Stateless and thread-safe.
 */
public final class Utf8 {

    private Utf8() {
    }

    /** How many bytes a sequence starting with {@code first} has (2 to 4), or 0 if it cannot start one. */
    public static int expectedLength(int first) {
        if (first >= 0xC2 && first <= 0xDF) {
            return 2;
        }
        if (first >= 0xE0 && first <= 0xEF) {
            return 3;
        }
        if (first >= 0xF0 && first <= 0xF4) {
            return 4;
        }
        return 0;
    }

    /**
     * How many bytes of {@code s[off, end)} are not part of a valid UTF-8 sequence: the number of U+FFFD
     * that {@link JsonText#writeText} writes for them (one per byte).
     */
    public static int invalidBytes(byte[] s, int off, int end) {
        int invalid = 0;
        int i = off;
        while (i < end) {
            if (s[i] >= 0) {
                i++;
                continue;
            }
            int n = sequenceLength(s, i, end);
            if (n > 0) {
                i += n;
            } else {
                invalid++;
                i++;
            }
        }
        return invalid;
    }

    /** Length of the valid multi-byte sequence at {@code s[i]} (ending before {@code end}), or 0 if invalid. */
    public static int sequenceLength(byte[] s, int i, int end) {
        int b = s[i] & 0xFF;
        int n = expectedLength(b);
        if (n == 0 || i + n > end) {
            return 0;
        }
        int cp = b & (0xFF >> (n + 1));
        for (int k = 1; k < n; k++) {
            int c = s[i + k] & 0xFF;
            if ((c & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (c & 0x3F);
        }
        int min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        return n;
    }
}
