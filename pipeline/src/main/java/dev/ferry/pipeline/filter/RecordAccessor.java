package dev.ferry.pipeline.filter;

import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.JsonValues;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A compiled Fluent Bit record accessor: {@code $key}, {@code $key['sub']['subsub']}, {@code $key[0]},
 * or a plain {@code key} (no {@code $}), which names a top-level key verbatim.
 *
 * <p>Subscripts are single- or double-quoted map keys or non-negative array indexes. A top-level lookup
 * with no subscripts reads the field directly and decodes nothing but the value asked for; a nested
 * lookup decodes the top-level value into Java maps and lists (the slow path).
 *
 * <p>Immutable and thread-safe. Lookups never throw for record content: a key that is absent, or a path
 * through something that is not a map or list, is simply absent.
 */
public final class RecordAccessor {

    private final String text;
    private final String key;
    /** Each element is a {@code String} (map key) or an {@code Integer} (array index). */
    private final Object[] path;

    private RecordAccessor(String text, String key, Object[] path) {
        this.text = text;
        this.key = key;
        this.path = path;
    }

    /**
     * Compiles {@code text}, the record accessor a plugin's configuration key {@code key} gives; bad syntax is an
     * error at that key, {@code invalid record accessor 'WRITTEN' in KEY: REASON}.
     *
     * @param written the value as the user wrote it, for the message ({@code text} may add to it, as the es
     *     output prepends {@code $} to a plain {@code Logstash_Prefix_Key})
     */
    public static RecordAccessor compileOption(Options o, String key, String written, String text) {
        try {
            return compile(text);
        } catch (IllegalArgumentException e) {
            throw o.error(key, "invalid record accessor '" + written + "' in " + key + ": " + e.getMessage());
        }
    }

    /**
     * Compiles an accessor.
     *
     * @throws IllegalArgumentException if {@code text} starts with {@code $} and is not valid accessor
     *     syntax; the message says what is wrong and where (0-based character position)
     */
    public static RecordAccessor compile(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty key");
        }
        if (text.charAt(0) != '$') {
            return new RecordAccessor(text, text, new Object[0]);
        }
        int i = 1;
        while (i < text.length() && text.charAt(i) != '[') {
            i++;
        }
        String key = text.substring(1, i);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("no key after '$'");
        }
        List<Object> path = new ArrayList<>();
        while (i < text.length()) {
            if (text.charAt(i) != '[') {
                throw new IllegalArgumentException("expected '[' at position " + i);
            }
            i++;
            if (i >= text.length()) {
                throw new IllegalArgumentException("unclosed '[' at end");
            }
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                int close = text.indexOf(c, i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed quote at position " + i);
                }
                path.add(text.substring(i + 1, close));
                i = close + 1;
            } else {
                int start = i;
                while (i < text.length() && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    throw new IllegalArgumentException(
                            "expected a quoted key or an array index at position " + start);
                }
                try {
                    path.add(Integer.parseInt(text.substring(start, i)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("array index too large at position " + start);
                }
            }
            if (i >= text.length() || text.charAt(i) != ']') {
                throw new IllegalArgumentException("expected ']' at position " + i);
            }
            i++;
        }
        return new RecordAccessor(text, key, path.toArray());
    }

    /** The top-level key the accessor starts from. */
    public String key() {
        return key;
    }

    /** Whether the accessor looks inside the top-level value ({@code $a['b']}, {@code $a[0]}). */
    public boolean nested() {
        return path.length > 0;
    }

    /** Whether the accessed value is present (a JSON {@code null} counts as present). */
    public boolean exists(LogRecord record) {
        RecordFields f = record.fields();
        int i = f.indexOf(key);
        if (i < 0) {
            return false;
        }
        return path.length == 0 || walk(f.value(i)) != MISSING;
    }

    /** The accessed value as a Java value, or null when absent (or JSON {@code null}; see {@link #exists}). */
    public Object get(LogRecord record) {
        RecordFields f = record.fields();
        int i = f.indexOf(key);
        if (i < 0) {
            return null;
        }
        if (path.length == 0) {
            return f.value(i);
        }
        Object v = walk(f.value(i));
        return v == MISSING ? null : v;
    }

    /**
     * The accessed value as text, the way filters match on it (see {@link RecordFields#text(int)}): a
     * string as itself, anything else as its JSON text; null only when absent.
     */
    public String text(LogRecord record) {
        RecordFields f = record.fields();
        int i = f.indexOf(key);
        if (i < 0) {
            return null;
        }
        if (path.length == 0) {
            return f.text(i);
        }
        Object v = walk(f.value(i));
        if (v == MISSING) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        ByteSink sink = new ByteSink(32);
        JsonValues.write(sink, v);
        return sink.toString();
    }

    @Override
    public String toString() {
        return text;
    }

    private static final Object MISSING = new Object();

    private Object walk(Object v) {
        for (Object step : path) {
            if (step instanceof String k && v instanceof Map<?, ?> m) {
                if (!m.containsKey(k)) {
                    return MISSING;
                }
                v = m.get(k);
            } else if (step instanceof Integer idx && v instanceof List<?> l) {
                if (idx >= l.size()) {
                    return MISSING;
                }
                v = l.get(idx);
            } else {
                return MISSING;
            }
        }
        return v;
    }
}
