package dev.ferry.parsers.text;

import dev.ferry.parsers.time.IsoTime;
import dev.ferry.parsers.time.TimeFormat;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.spi.Parser;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The erlmcp console format: OTP {@code logger_formatter} with the template
 * {@code "[$time] $level $metadata $message"}, and OTP's default single-line template as a fallback.
 *
 * <p>Accepted, exactly:
 * <pre>
 *  '[' time ']' ' ' level [ ' ' { key '=' value ' ' } message ]     (erlmcp template)
 *  time ' ' level ':' [ ' ' message ]                                (OTP default)
 *
 *  time    = ISO-8601 / RFC 3339 as {@link IsoTime} reads it: 2024-01-01T10:00:00.123456+00:00
 *  level   = emergency | alert | critical | error | warning | notice | info | debug
 *  key     = 1*( letter | digit | '_' | '.' | '-' | '@' )
 *  value   = '&lt;' ... '&gt;'        (pid, port or reference: &lt;0.123.0&gt;, kept with its brackets)
 *          | '"' ... '"'         (quoted, with \" and \\ escapes; the quotes are removed)
 *          | 1*( any byte but ' ' ) (bare token)
 * </pre>
 * Metadata pairs are read from left to right for as long as the next word has the {@code key=} shape;
 * the first word that does not starts the message, which runs to the end of the line and may be
 * empty. (So a message that itself begins with {@code word=...} is read as metadata: the format
 * cannot tell them apart.)
 *
 * <p>Fields, in order: {@code time} (the text in the brackets), {@code level}, {@code metadata} (a map of
 * string values, only when the line has any) and {@code message}. The record time is the bracketed
 * time. A line that does not have this shape, an unknown level or a time that does not read: false, with
 * {@code parseError("line does not match the erlmcp text format: <why>")}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ErlmcpTextParser implements Parser {

    private static final String PREFIX = "line does not match the erlmcp text format: ";
    private static final String[] LEVELS = {"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"};

    private final String name;

    public ErlmcpTextParser(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean parse(LogRecord record) {
        byte[] s = record.line();
        int end = record.lineLength();
        return end > 0 && s[0] == '[' ? parseTemplate(record, s, end) : parseDefault(record, s, end);
    }

    private boolean parseTemplate(LogRecord record, byte[] s, int end) {
        int close = indexOf(s, 1, end, (byte) ']');
        if (close < 0) {
            return fail(record, "no ']' after the time");
        }
        long nanos = IsoTime.parse(s, 1, close - 1, 0);
        if (nanos == TimeFormat.NO_TIME) {
            return fail(record, "'" + new String(s, 1, close - 1, StandardCharsets.UTF_8) + "' is not an ISO-8601 time");
        }
        if (close + 1 >= end || s[close + 1] != ' ') {
            return fail(record, "no level after the time");
        }
        int levelStart = close + 2;
        int levelEnd = levelStart;
        while (levelEnd < end && s[levelEnd] != ' ') {
            levelEnd++;
        }
        String level = level(s, levelStart, levelEnd);
        if (level == null) {
            return fail(record, "unknown level '" + new String(s, levelStart, levelEnd - levelStart, StandardCharsets.UTF_8) + "'");
        }
        RecordFields f = record.fields();
        f.appendText("time", 1, close - 1);
        f.appendText("level", levelStart, levelEnd - levelStart);
        int i = levelEnd < end ? levelEnd + 1 : end;
        Map<String, Object> metadata = null;
        while (i < end) {
            int keyEnd = i;
            while (keyEnd < end && isKeyByte(s[keyEnd])) {
                keyEnd++;
            }
            if (keyEnd == i || keyEnd >= end || s[keyEnd] != '=') {
                break;
            }
            int v = keyEnd + 1;
            int vEnd;
            boolean quoted = false;
            if (v < end && s[v] == '"' && (vEnd = quotedEnd(s, v + 1, end)) > 0) {
                quoted = true;
            } else if (v < end && s[v] == '<' && (vEnd = indexOf(s, v, end, (byte) '>') + 1) > 0
                    && (vEnd == end || s[vEnd] == ' ')) {
                // a pid or ref: taken as it is
            } else {
                vEnd = v;
                while (vEnd < end && s[vEnd] != ' ') {
                    vEnd++;
                }
            }
            if (vEnd < end && s[vEnd] != ' ') {
                break; // "a"b: not a pair after all; the message starts here
            }
            // decoded only once it is a pair, so the bytes of a message are counted once, when it is written
            String value = quoted ? unquote(f, v + 1, vEnd - 1) : f.decodeText(v, vEnd - v);
            if (metadata == null) {
                metadata = new LinkedHashMap<>();
            }
            metadata.put(f.decodeText(i, keyEnd - i), value);
            i = vEnd < end ? vEnd + 1 : end;
        }
        if (metadata != null) {
            f.append("metadata", metadata);
        }
        f.appendText("message", i, end - i);
        record.logTime(nanos);
        return true;
    }

    private boolean parseDefault(LogRecord record, byte[] s, int end) {
        int sp = indexOf(s, 0, end, (byte) ' ');
        if (sp <= 0) {
            return fail(record, "expected '[time] level ...' or 'time level: ...'");
        }
        long nanos = IsoTime.parse(s, 0, sp, 0);
        if (nanos == TimeFormat.NO_TIME) {
            return fail(record, "expected '[time] level ...' or 'time level: ...'");
        }
        int levelStart = sp + 1;
        int colon = indexOf(s, levelStart, end, (byte) ':');
        String level = colon < 0 ? null : level(s, levelStart, colon);
        if (level == null) {
            return fail(record, "expected 'level:' after the time");
        }
        RecordFields f = record.fields();
        f.appendText("time", 0, sp);
        f.appendText("level", levelStart, colon - levelStart);
        int m = colon + 1 < end && s[colon + 1] == ' ' ? colon + 2 : colon + 1;
        f.appendText("message", m, end - m);
        record.logTime(nanos);
        return true;
    }

    private static String level(byte[] s, int start, int end) {
        for (String l : LEVELS) {
            if (l.length() == end - start) {
                boolean same = true;
                for (int k = 0; k < l.length() && same; k++) {
                    same = s[start + k] == l.charAt(k);
                }
                if (same) {
                    return l;
                }
            }
        }
        return null;
    }

    private static boolean isKeyByte(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || b == '_' || b == '.' || b == '-' || b == '@';
    }

    /** The offset after the closing quote of a quoted value whose content starts at {@code i}, or -1. */
    private static int quotedEnd(byte[] s, int i, int end) {
        while (i < end) {
            if (s[i] == '\\') {
                i += 2;
            } else if (s[i] == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        return -1;
    }

    private static String unquote(RecordFields f, int start, int end) {
        String raw = f.decodeText(start, end - start);
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder sb = new StringBuilder(raw.length());
        for (int k = 0; k < raw.length(); k++) {
            char c = raw.charAt(k);
            if (c == '\\' && k + 1 < raw.length()) {
                c = raw.charAt(++k);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static int indexOf(byte[] s, int from, int end, byte b) {
        for (int i = from; i < end; i++) {
            if (s[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean fail(LogRecord record, String why) {
        record.fields().clear();
        record.parseError(PREFIX + why);
        return false;
    }
}
