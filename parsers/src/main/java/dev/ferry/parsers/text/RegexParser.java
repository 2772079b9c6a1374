package dev.ferry.parsers.text;

import dev.ferry.parsers.time.TimeField;
import dev.ferry.parsers.time.TimeFormat;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.regex.RubyRegex;
import dev.ferry.pipeline.spi.Parser;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * The {@code Format regex} parser: Fluent Bit's regex parser, one field per named group.
 *
 * <p>The pattern is searched for in the line (not anchored unless it says {@code ^...$}, as in Fluent
 * Bit). Each named group, in the order the groups open, becomes a text field, or a typed one where
 * {@code Types} names it. With {@code Skip_Empty_Values} (the default) a group that matched nothing or
 * took no part is left out; otherwise it is an empty string. The {@code Time_Key} group sets the record
 * time ({@link TimeField}) and is left out when {@link TimeField#removesField} says so; if it does not
 * read as a time it stays, and the record keeps its read time.
 *
 * <p>An ASCII line is matched through a byte view, so groups are spans of the line and nothing is
 * decoded; a line with other bytes is decoded as UTF-8 first and its groups are strings. Bytes that are
 * not valid UTF-8 become U+FFFD there and are noted in the fields ({@link RecordFields#decodeText}), so the
 * ring counts and reports the record.
 *
 * <p>A line the pattern does not match: false, with
 * {@code parseError("line does not match regex of parser NAME")}.
 *
 * <p>Thread-safe: each thread reuses its own matcher.
 */
public final class RegexParser implements Parser {

    private final String name;
    private final RubyRegex regex;
    private final String[] keys;
    private final String[] groups;
    private final FieldType[] types;
    private final TimeField time;
    private final int timeGroup;
    private final boolean skipEmpty;
    private final String noMatch;
    private final ThreadLocal<State> state;

    /**
     * @param name the parser's name
     * @param regex the compiled pattern
     * @param types value types by key ({@code Types}); keys not in it are text
     * @param time how to read the record time from a group, or null for none
     * @param skipEmpty {@code Skip_Empty_Values}
     */
    public RegexParser(String name, RubyRegex regex, Map<String, FieldType> types, TimeField time, boolean skipEmpty) {
        this.name = name;
        this.regex = regex;
        this.keys = regex.names().toArray(new String[0]);
        this.groups = regex.javaNames().toArray(new String[0]);
        this.types = new FieldType[keys.length];
        int tg = -1;
        for (int i = 0; i < keys.length; i++) {
            FieldType t = types.get(keys[i]);
            this.types[i] = t == FieldType.STRING ? null : t;
            if (tg < 0 && time != null && keys[i].equals(time.key())) {
                tg = i;
            }
        }
        this.time = time;
        this.timeGroup = tg;
        this.skipEmpty = skipEmpty;
        this.noMatch = "line does not match regex of parser " + name;
        this.state = ThreadLocal.withInitial(() -> new State(regex));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean parse(LogRecord record) {
        byte[] line = record.line();
        int len = record.lineLength();
        RecordFields f = record.fields();
        State st = state.get();
        boolean ascii = AsciiChars.isAscii(line, len);
        String decoded = ascii ? null : f.decodeText(0, len);
        Matcher m = st.matcher.reset(ascii ? st.chars.reset(line, len) : decoded);
        if (!m.find()) {
            f.clear();
            record.parseError(noMatch);
            return false;
        }
        for (int g = 0; g < keys.length; g++) {
            int start = m.start(groups[g]);
            int end = m.end(groups[g]);
            if (start < 0) {
                start = 0;
                end = 0;
            }
            if (skipEmpty && start == end) {
                continue;
            }
            if (g == timeGroup) {
                long nanos;
                if (ascii) {
                    nanos = time.read(line, start, end - start);
                } else {
                    byte[] b = decoded.substring(start, end).getBytes(StandardCharsets.UTF_8);
                    nanos = time.read(b, 0, b.length);
                }
                if (nanos != TimeFormat.NO_TIME) {
                    record.logTime(nanos);
                    if (time.removesField()) {
                        continue;
                    }
                }
            }
            if (ascii) {
                TextFields.add(f, keys[g], line, start, end - start, types[g]);
            } else {
                TextFields.add(f, keys[g], decoded.substring(start, end), types[g]);
            }
        }
        st.chars.reset(EMPTY, 0); // do not hold on to the record's line
        return true;
    }

    /** The pattern as configured. */
    public RubyRegex regex() {
        return regex;
    }

    @Override
    public String toString() {
        return "RegexParser[" + name + ", " + regex.source() + "]";
    }

    private static final byte[] EMPTY = new byte[0];

    /** One thread's matcher and byte view. */
    private static final class State {
        final AsciiChars chars = new AsciiChars();
        final Matcher matcher;

        State(RubyRegex regex) {
            matcher = regex.pattern().matcher("");
        }
    }
}
