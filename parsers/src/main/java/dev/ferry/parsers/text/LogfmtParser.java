package dev.ferry.parsers.text;

import dev.ferry.parsers.time.TimeField;
import dev.ferry.parsers.time.TimeFormat;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.spi.Parser;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The {@code Format logfmt} parser, with Fluent Bit's grammar:
 * <pre>
 *  line  = { garbage, pair }, garbage
 *  pair  = key '=' value | key '=' | key
 *  key   = 1*( any byte above 0x20 except '=' and '"' )
 *  value = key-like bytes | '"' { any byte but '"' or '\', or '\' byte } '"'
 * </pre>
 * A key alone or {@code key=} gives null; {@code key=""} gives an empty string. Quoted values with
 * backslash escapes ({@code \" \\ \n \t \r}) are decoded; all others stay spans of the line. Types
 * apply; {@code Time_Key} works as in {@link RegexParser}. {@code Skip_Empty_Values} does not apply
 * (Fluent Bit's logfmt keeps empty values).
 *
 * <p>A line with no pair at all: false, with {@code parseError("no key=value pairs in line (parser NAME)")}.
 * With {@code Logfmt_No_Bare_Keys}, a line with a key alone (no {@code =}; {@code key=} is fine) is false
 * too, with {@code parseError("key 'KEY' has no value and Logfmt_No_Bare_Keys is on (parser NAME)")}, as
 * Fluent Bit's parser then does not parse the line.
 *
 * <p>Stateless and thread-safe.
 */
public final class LogfmtParser implements Parser {

    private final String name;
    private final Map<String, FieldType> types;
    private final TimeField time;
    private final String noPairs;
    private final boolean noBareKeys;

    public LogfmtParser(String name, Map<String, FieldType> types, TimeField time) {
        this(name, types, time, false);
    }

    /** @param noBareKeys {@code Logfmt_No_Bare_Keys}: a key without {@code =} fails the line */
    public LogfmtParser(String name, Map<String, FieldType> types, TimeField time, boolean noBareKeys) {
        this.name = name;
        this.types = Map.copyOf(types);
        this.time = time;
        this.noPairs = "no key=value pairs in line (parser " + name + ")";
        this.noBareKeys = noBareKeys;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean parse(LogRecord record) {
        byte[] s = record.line();
        int end = record.lineLength();
        RecordFields f = record.fields();
        int i = 0;
        int pairs = 0;
        while (i < end) {
            while (i < end && !ident(s[i])) {
                i++;
            }
            if (i == end) {
                break;
            }
            int keyStart = i;
            while (i < end && ident(s[i])) {
                i++;
            }
            String key = f.decodeText(keyStart, i - keyStart);
            pairs++;
            if (i >= end || s[i] != '=') {
                if (noBareKeys) {
                    f.clear();
                    record.parseError("key '" + key + "' has no value and Logfmt_No_Bare_Keys is on (parser "
                            + name + ")");
                    return false;
                }
                f.append(key, null);
                continue;
            }
            i++;
            if (i < end && s[i] == '"') {
                int start = ++i;
                boolean escaped = false;
                while (i < end && s[i] != '"') {
                    if (s[i] == '\\' && i + 1 < end) {
                        escaped = true;
                        i++;
                    }
                    i++;
                }
                int vEnd = i;
                if (i < end) {
                    i++;
                }
                add(record, f, key, s, start, vEnd - start, escaped);
            } else {
                int start = i;
                while (i < end && ident(s[i])) {
                    i++;
                }
                if (i == start) {
                    f.append(key, null);
                } else {
                    add(record, f, key, s, start, i - start, false);
                }
            }
        }
        if (pairs == 0) {
            f.clear();
            record.parseError(noPairs);
            return false;
        }
        return true;
    }

    private void add(LogRecord record, RecordFields f, String key, byte[] s, int start, int len, boolean escaped) {
        byte[] src = s;
        int off = start;
        int n = len;
        String text = null;
        if (escaped) {
            text = unescape(f, start, len);
            src = text.getBytes(StandardCharsets.UTF_8);
            off = 0;
            n = src.length;
        }
        if (time != null && key.equals(time.key()) && n > 0) {
            long nanos = time.read(src, off, n);
            if (nanos != TimeFormat.NO_TIME) {
                record.logTime(nanos);
                if (time.removesField()) {
                    return;
                }
            }
        }
        FieldType type = types.get(key);
        if (text != null) {
            TextFields.add(f, key, text, type);
        } else {
            TextFields.add(f, key, s, start, len, type);
        }
    }

    private static boolean ident(byte b) {
        return (b < 0 || b > 0x20) && b != '=' && b != '"';
    }

    private static String unescape(RecordFields f, int start, int len) {
        StringBuilder sb = new StringBuilder(len);
        String raw = f.decodeText(start, len);
        for (int k = 0; k < raw.length(); k++) {
            char c = raw.charAt(k);
            if (c == '\\' && k + 1 < raw.length()) {
                char e = raw.charAt(++k);
                sb.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> e;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
