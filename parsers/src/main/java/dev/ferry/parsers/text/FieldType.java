package dev.ferry.parsers.text;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A value type from a parser's {@code Types} option ({@code Types status:integer took:float ok:bool}),
 * as in Fluent Bit: {@code string}, {@code integer}, {@code float}, {@code bool}, {@code hex}.
 *
 * <p>A value that does not convert stays text (Fluent Bit would write 0 or false; keeping the text loses
 * nothing). {@code bool} is true for {@code true} and false for {@code false}, any case. Immutable.
 */
public enum FieldType {
    STRING, INTEGER, FLOAT, BOOL, HEX;

    /**
     * Parses a {@code Types} value: whitespace-separated {@code key:type} items.
     *
     * @throws IllegalArgumentException naming the bad item
     */
    public static Map<String, FieldType> parseTypes(String types) {
        Map<String, FieldType> out = new LinkedHashMap<>();
        if (types == null) {
            return out;
        }
        for (String item : types.trim().split("\\s+")) {
            if (item.isEmpty()) {
                continue;
            }
            int colon = item.lastIndexOf(':');
            if (colon <= 0 || colon == item.length() - 1) {
                throw new IllegalArgumentException("'" + item + "' in Types is not key:type");
            }
            String type = item.substring(colon + 1).toLowerCase(Locale.ROOT);
            FieldType t = switch (type) {
                case "string" -> STRING;
                case "integer" -> INTEGER;
                case "float" -> FLOAT;
                case "bool" -> BOOL;
                case "hex" -> HEX;
                default -> throw new IllegalArgumentException("unknown type '" + item.substring(colon + 1)
                        + "' for key '" + item.substring(0, colon) + "' in Types; allowed: string, integer, float, bool, hex");
            };
            out.put(item.substring(0, colon), t);
        }
        return out;
    }

    /**
     * Converts the text {@code s[off, off+len)}.
     *
     * @return the value ({@code Long}, {@code Double}, {@code Boolean}), or null to keep it as text
     */
    public Object convert(byte[] s, int off, int len) {
        switch (this) {
            case INTEGER -> {
                return integer(s, off, len, 10);
            }
            case HEX -> {
                int o = off;
                int n = len;
                if (n > 2 && s[o] == '0' && (s[o + 1] | 0x20) == 'x') {
                    o += 2;
                    n -= 2;
                }
                return integer(s, o, n, 16);
            }
            case FLOAT -> {
                if (len == 0 || len > 64) {
                    return null;
                }
                String t = new String(s, off, len, StandardCharsets.US_ASCII).trim();
                try {
                    double d = Double.parseDouble(t);
                    return Double.isFinite(d) && !t.endsWith("d") && !t.endsWith("f") && !t.endsWith("D")
                            && !t.endsWith("F") ? d : null;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            case BOOL -> {
                if (len == 4 && (s[off] | 0x20) == 't' && (s[off + 1] | 0x20) == 'r' && (s[off + 2] | 0x20) == 'u'
                        && (s[off + 3] | 0x20) == 'e') {
                    return Boolean.TRUE;
                }
                if (len == 5 && new String(s, off, 5, StandardCharsets.US_ASCII).equalsIgnoreCase("false")) {
                    return Boolean.FALSE;
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Converts {@code text}; see {@link #convert(byte[], int, int)}. */
    public Object convert(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return convert(b, 0, b.length);
    }

    private static Long integer(byte[] s, int off, int len, int radix) {
        int i = off;
        int end = off + len;
        boolean neg = false;
        if (i < end && (s[i] == '-' || s[i] == '+')) {
            neg = s[i] == '-';
            i++;
        }
        if (i == end || end - i > (radix == 10 ? 19 : 16)) {
            return null;
        }
        long v = 0;
        for (; i < end; i++) {
            int d = Character.digit(s[i], radix);
            if (d < 0) {
                return null;
            }
            if (radix == 10) {
                try {
                    v = Math.addExact(Math.multiplyExact(v, 10), d);
                } catch (ArithmeticException e) {
                    return null;
                }
            } else {
                v = v * 16 + d; // up to 16 hex digits, read as unsigned like strtoull
            }
        }
        return neg ? -v : v;
    }
}
