package dev.ferry.outputs;

import dev.ferry.pipeline.record.ByteSink;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Rewrites JSON into the text msgpack-c's {@code msgpack_object_print} produces, which is what Fluent
 * Bit's stdout (format msgpack) and file (csv, ltsv, template) outputs print for record values:
 *
 * <pre>
 *  {"log":"a \"b\"","n":1,"f":1.5,"x":null,"l":[1,true]}
 *  {"log"=>"a "b"", "n"=>1, "f"=>1.500000, "x"=>nil, "l"=>[1, true]}
 * </pre>
 *
 * Maps use {@code =>} and {@code ", "}, strings are printed quoted but unescaped (as msgpack-c does),
 * floats with C's {@code %f}, null as {@code nil}.
 *
 * <p>Stateless and thread-safe. The input must be valid JSON, as record fields always are; on
 * malformed input the output is undefined but nothing is thrown beyond an index error.
 */
public final class MsgpackText {

    private MsgpackText() {
    }

    /** Rewrites the JSON value {@code json[off, off+len)} into {@code out}. */
    public static void write(ByteSink out, byte[] json, int off, int len) {
        value(out, json, skip(json, off, off + len), off + len);
    }

    /** Rewrites the JSON value held in {@code json} (all of it). */
    public static void write(ByteSink out, ByteSink json) {
        write(out, json.array(), 0, json.length());
    }

    /**
     * Writes a JSON string token's content without quotes or escapes (the raw UTF-8 text).
     *
     * @return the index after the closing quote
     */
    public static int writeStringContent(ByteSink out, byte[] b, int i, int end) {
        i++; // opening quote
        int run = i;
        while (i < end) {
            byte c = b[i];
            if (c == '"') {
                out.write(b, run, i - run);
                return i + 1;
            }
            if (c != '\\') {
                i++;
                continue;
            }
            out.write(b, run, i - run);
            byte e = b[i + 1];
            switch (e) {
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'r' -> out.write('\r');
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'u' -> {
                    int cp = hex4(b, i + 2);
                    i += 4;
                    if (Character.isHighSurrogate((char) cp) && i + 7 < end && b[i + 2] == '\\' && b[i + 3] == 'u') {
                        int lo = hex4(b, i + 4);
                        if (Character.isLowSurrogate((char) lo)) {
                            cp = Character.toCodePoint((char) cp, (char) lo);
                            i += 6;
                        }
                    }
                    writeCodePoint(out, cp);
                }
                default -> out.write(e);
            }
            i += 2;
            run = i;
        }
        out.write(b, run, end - run);
        return end;
    }

    private static int value(ByteSink out, byte[] b, int i, int end) {
        if (i >= end) {
            return i;
        }
        switch (b[i]) {
            case '{' -> {
                out.write('{');
                i = skip(b, i + 1, end);
                if (i < end && b[i] == '}') {
                    out.write('}');
                    return i + 1;
                }
                while (i < end) {
                    out.write('"');
                    i = writeStringContent(out, b, i, end);
                    out.write('"');
                    i = skip(b, i, end) + 1; // ':'
                    out.write('=');
                    out.write('>');
                    i = skip(b, value(out, b, skip(b, i, end), end), end);
                    if (i < end && b[i] == ',') {
                        out.write(',');
                        out.write(' ');
                        i = skip(b, i + 1, end);
                    } else {
                        out.write('}');
                        return i + 1;
                    }
                }
                return i;
            }
            case '[' -> {
                out.write('[');
                i = skip(b, i + 1, end);
                if (i < end && b[i] == ']') {
                    out.write(']');
                    return i + 1;
                }
                while (i < end) {
                    i = skip(b, value(out, b, i, end), end);
                    if (i < end && b[i] == ',') {
                        out.write(',');
                        out.write(' ');
                        i = skip(b, i + 1, end);
                    } else {
                        out.write(']');
                        return i + 1;
                    }
                }
                return i;
            }
            case '"' -> {
                out.write('"');
                i = writeStringContent(out, b, i, end);
                out.write('"');
                return i;
            }
            case 'n' -> {
                out.writeAscii("nil");
                return i + 4;
            }
            case 't' -> {
                out.writeAscii("true");
                return i + 4;
            }
            case 'f' -> {
                out.writeAscii("false");
                return i + 5;
            }
            default -> {
                return number(out, b, i, end);
            }
        }
    }

    private static int number(ByteSink out, byte[] b, int i, int end) {
        int start = i;
        boolean fraction = false;
        while (i < end) {
            byte c = b[i];
            if (c == '.' || c == 'e' || c == 'E') {
                fraction = true;
            } else if (!(c == '-' || c == '+' || (c >= '0' && c <= '9'))) {
                break;
            }
            i++;
        }
        if (!fraction) {
            out.write(b, start, i - start);
        } else {
            // C's %f: the double's exact value rounded half-even to six decimals.
            double d = Double.parseDouble(new String(b, start, i - start, java.nio.charset.StandardCharsets.US_ASCII));
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                out.writeAscii(Double.toString(d));
            } else {
                out.writeAscii(new BigDecimal(d).setScale(6, RoundingMode.HALF_EVEN).toPlainString());
            }
        }
        return i;
    }

    private static int skip(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    private static int hex4(byte[] b, int i) {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            v = (v << 4) | Character.digit(b[i + k], 16);
        }
        return v;
    }

    private static void writeCodePoint(ByteSink out, int cp) {
        if (cp < 0x80) {
            out.write(cp);
        } else if (cp < 0x800) {
            out.write(0xC0 | (cp >> 6));
            out.write(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            if (Character.isSurrogate((char) cp)) {
                out.write(0xEF);
                out.write(0xBF);
                out.write(0xBD);
                return;
            }
            out.write(0xE0 | (cp >> 12));
            out.write(0x80 | ((cp >> 6) & 0x3F));
            out.write(0x80 | (cp & 0x3F));
        } else {
            out.write(0xF0 | (cp >> 18));
            out.write(0x80 | ((cp >> 12) & 0x3F));
            out.write(0x80 | ((cp >> 6) & 0x3F));
            out.write(0x80 | (cp & 0x3F));
        }
    }
}
