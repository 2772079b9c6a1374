package dev.ferry.pipeline.record;

import java.nio.charset.StandardCharsets;

/**
 * JSON string escaping (RFC 8259) straight into UTF-8 bytes, for Java strings and for raw text bytes.
 *
 * <p>Stateless and thread-safe. Raw text is treated as UTF-8: a byte sequence that is not valid UTF-8 is
 * written as U+FFFD, so the output is always valid JSON; {@link #writeText} reports how many such
 * replacements it made so callers can count them.
 */
public final class JsonText {

    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    private JsonText() {
    }

    /** Writes {@code s} as a quoted JSON string. */
    public static void writeString(ByteSink out, String s) {
        out.write('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                writeAsciiEscaped(out, c);
            } else if (c < 0x800) {
                out.write(0xC0 | (c >> 6));
                out.write(0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out.write(0xF0 | (cp >> 18));
                out.write(0x80 | ((cp >> 12) & 0x3F));
                out.write(0x80 | ((cp >> 6) & 0x3F));
                out.write(0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out.write(REPLACEMENT, 0, 3);
            } else {
                out.write(0xE0 | (c >> 12));
                out.write(0x80 | ((c >> 6) & 0x3F));
                out.write(0x80 | (c & 0x3F));
            }
        }
        out.write('"');
    }

    /**
     * Writes the UTF-8 bytes {@code src[off, off+len)} as a quoted JSON string.
     *
     * @return how many invalid UTF-8 sequences were replaced by U+FFFD
     */
    public static int writeText(ByteSink out, byte[] src, int off, int len) {
        out.ensure(len + 2);
        out.write('"');
        int invalid = 0;
        int end = off + len;
        int runStart = off;
        int i = off;
        while (i < end) {
            int b = src[i] & 0xFF;
            if (b >= 0x20 && b != '"' && b != '\\' && b < 0x80) {
                i++;
                continue;
            }
            if (b >= 0x80) {
                int n = Utf8.sequenceLength(src, i, end);
                if (n > 0) {
                    i += n;
                    continue;
                }
                out.write(src, runStart, i - runStart);
                out.write(REPLACEMENT, 0, 3);
                invalid++;
                i++;
                runStart = i;
                continue;
            }
            out.write(src, runStart, i - runStart);
            writeAsciiEscaped(out, (char) b);
            i++;
            runStart = i;
        }
        out.write(src, runStart, end - runStart);
        out.write('"');
        return invalid;
    }

    /** Whether {@code b} is JSON whitespace (space, tab, line feed, carriage return). */
    public static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** The offset of the first byte of {@code s[i, end)} that is not JSON whitespace, or {@code end}. */
    public static int skipSpace(byte[] s, int i, int end) {
        while (i < end && isSpace(s[i])) {
            i++;
        }
        return i;
    }

    /** Decodes UTF-8 text bytes to a String (invalid sequences become U+FFFD, as the JDK does). */
    public static String decodeText(byte[] src, int off, int len) {
        return new String(src, off, len, StandardCharsets.UTF_8);
    }

    /**
     * Decodes a quoted JSON string token {@code src[off, off+len)} (quotes included) to its value.
     * The token must be valid JSON, as the parsers that record such spans guarantee.
     */
    public static String decodeString(byte[] src, int off, int len) {
        int start = off + 1;
        int end = off + len - 1;
        int i = start;
        while (i < end && src[i] != '\\') {
            i++;
        }
        if (i == end) {
            return new String(src, start, end - start, StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder(len);
        sb.append(new String(src, start, i - start, StandardCharsets.UTF_8));
        while (i < end) {
            byte b = src[i];
            if (b != '\\') {
                int j = i;
                while (j < end && src[j] != '\\') {
                    j++;
                }
                sb.append(new String(src, i, j - i, StandardCharsets.UTF_8));
                i = j;
                continue;
            }
            byte e = src[i + 1];
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(new String(src, i + 2, 4, StandardCharsets.US_ASCII), 16));
                    i += 4;
                }
                default -> sb.append((char) e);
            }
            i += 2;
        }
        return sb.toString();
    }

    private static void writeAsciiEscaped(ByteSink out, char c) {
        switch (c) {
            case '"' -> { out.write('\\'); out.write('"'); }
            case '\\' -> { out.write('\\'); out.write('\\'); }
            case '\n' -> { out.write('\\'); out.write('n'); }
            case '\r' -> { out.write('\\'); out.write('r'); }
            case '\t' -> { out.write('\\'); out.write('t'); }
            default -> {
                if (c < 0x20) {
                    out.write('\\');
                    out.write('u');
                    out.write('0');
                    out.write('0');
                    out.writeHex(c, 2);
                } else {
                    out.write(c);
                }
            }
        }
    }
}
