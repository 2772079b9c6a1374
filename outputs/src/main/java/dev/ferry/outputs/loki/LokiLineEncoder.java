package dev.ferry.outputs.loki;

import dev.ferry.pipeline.filter.RecordAccessor;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.JsonText;
import dev.ferry.pipeline.record.JsonValues;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a record into the log line of its Loki entry, as Fluent Bit's {@code loki} output does:
 * {@code Remove_Keys} (and the keys labels were taken from) removed, then {@code Line_Format} and
 * {@code Drop_Single_Key}. Pure; one instance per thread (it keeps scratch space).
 *
 * <p>Line formats:
 * <ul>
 *   <li>{@code json}: the record as one JSON object. Unchanged fields are copied as the original bytes (with
 *       top-level keys removed, the kept ones too, keys and separators as they were).</li>
 *   <li>{@code key_value}: {@code key=value} separated by one space; strings in double quotes as they are
 *       (not escaped), numbers, {@code true}/{@code false}/{@code null} bare, integral doubles with one
 *       decimal ({@code 2.0}), arrays as {@code "[a b]"} and maps as {@code "map[k:v]"} (Fluent Bit's
 *       {@code pack_format_line_value}).</li>
 * </ul>
 * {@code Drop_Single_Key on}: when one key is left, the line is its value alone (a string as a JSON string
 * in {@code json}, as is in {@code key_value}); {@code raw}: a string value is sent as is in {@code json}
 * too.
 */
public final class LokiLineEncoder {

    /** {@code Line_Format}. */
    public enum LineFormat {
        JSON, KEY_VALUE
    }

    /** {@code Drop_Single_Key}. */
    public enum DropSingleKey {
        OFF, ON, RAW
    }

    private final LineFormat format;
    private final DropSingleKey drop;
    private final Set<String> topLevel = new HashSet<>();
    private final Map<String, List<Object[]>> nested = new HashMap<>();
    private boolean[] skip = new boolean[32];
    private Object[] replaced = new Object[32];

    /** @param remove the record keys to leave out of the line (top-level or nested accessors) */
    public LokiLineEncoder(LineFormat format, DropSingleKey drop, List<RecordAccessor> remove) {
        this.format = format;
        this.drop = drop;
        for (RecordAccessor a : remove) {
            if (!a.nested()) {
                topLevel.add(a.key());
            } else {
                nested.computeIfAbsent(a.key(), k -> new ArrayList<>()).add(path(a.toString()));
            }
        }
    }

    /** Writes the line of {@code record} to {@code out}. */
    public void encode(LogRecord record, ByteSink out) {
        RecordFields f = record.fields();
        if (nested.isEmpty() && format == LineFormat.JSON && drop == DropSingleKey.OFF) {
            if (topLevel.isEmpty()) {
                f.writeJson(out);
            } else {
                f.writeJsonWithout(topLevel, out);
            }
            return;
        }
        int n = f.size();
        if (skip.length < n) {
            skip = new boolean[n * 2];
            replaced = new Object[n * 2];
        }
        int kept = 0;
        int last = -1;
        for (int i = 0; i < n; i++) {
            String key = f.key(i);
            replaced[i] = null;
            skip[i] = topLevel.contains(key);
            if (!skip[i]) {
                List<Object[]> paths = nested.get(key);
                if (paths != null) {
                    replaced[i] = without(f.value(i), paths);
                }
                kept++;
                last = i;
            }
        }
        if (drop != DropSingleKey.OFF && kept == 1) {
            Object v = replaced[last] != null ? replaced[last] : null;
            boolean isString = replaced[last] == null ? isStringValue(f, last) : v instanceof String;
            if (isString && (format == LineFormat.KEY_VALUE || drop == DropSingleKey.RAW)) {
                String s = replaced[last] != null ? (String) v : f.text(last);
                out.writeUtf8(s);
            } else if (format == LineFormat.JSON) {
                writeJsonValue(f, last, out);
            } else {
                writeKv(out, replaced[last] != null ? v : f.value(last));
            }
            clear(n);
            return;
        }
        if (format == LineFormat.JSON) {
            out.write('{');
            boolean first = true;
            for (int i = 0; i < n; i++) {
                if (skip[i]) {
                    continue;
                }
                if (!first) {
                    out.write(',');
                }
                first = false;
                JsonText.writeString(out, f.key(i));
                out.write(':');
                writeJsonValue(f, i, out);
            }
            out.write('}');
        } else {
            boolean first = true;
            for (int i = 0; i < n; i++) {
                if (skip[i]) {
                    continue;
                }
                if (!first) {
                    out.write(' ');
                }
                first = false;
                out.writeUtf8(f.key(i));
                out.write('=');
                writeKv(out, replaced[i] != null ? replaced[i] : f.value(i));
            }
        }
        clear(n);
    }

    private void clear(int n) {
        for (int i = 0; i < n; i++) {
            replaced[i] = null;
        }
    }

    private void writeJsonValue(RecordFields f, int i, ByteSink out) {
        if (replaced[i] != null) {
            JsonValues.write(out, replaced[i]);
        } else {
            f.writeValue(i, out);
        }
    }

    private static boolean isStringValue(RecordFields f, int i) {
        return f.value(i) instanceof String;
    }

    /** Fluent Bit's {@code pack_format_line_value}. */
    static void writeKv(ByteSink out, Object v) {
        if (v instanceof String s) {
            out.write('"');
            out.writeUtf8(s);
            out.write('"');
        } else if (v == null) {
            out.writeAscii("null");
        } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer
                || v instanceof java.math.BigInteger) {
            out.writeAscii(v.toString());
        } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            out.writeAscii(formatDouble(((Number) v).doubleValue()));
        } else if (v instanceof List<?> l) {
            out.writeAscii("\"[");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.write(' ');
                }
                writeKv(out, l.get(i));
            }
            out.writeAscii("]\"");
        } else if (v instanceof Map<?, ?> m) {
            out.writeAscii("\"map[");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    out.write(' ');
                }
                first = false;
                out.writeUtf8(String.valueOf(e.getKey()));
                out.write(':');
                writeKv(out, e.getValue());
            }
            out.writeAscii("]\"");
        } else {
            out.writeUtf8(v.toString());
        }
    }

    /** C's {@code %.1f} for integral values, else {@code %.16g} (trailing zeros dropped). */
    static String formatDouble(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.toString(d).toLowerCase(Locale.ROOT);
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", d);
        }
        BigDecimal b = new BigDecimal(d).round(new MathContext(16)).stripTrailingZeros();
        int exp = b.precision() - b.scale() - 1;
        return exp < -4 || exp >= 16 ? b.toString().replace("E", "e") : b.toPlainString();
    }

    /** A copy of {@code value} without the members at {@code paths} (each relative to the field). */
    @SuppressWarnings("unchecked")
    private static Object without(Object value, List<Object[]> paths) {
        Object copy = deepCopy(value);
        for (Object[] p : paths) {
            Object cur = copy;
            for (int i = 0; i < p.length - 1 && cur != null; i++) {
                cur = step(cur, p[i]);
            }
            Object lastStep = p[p.length - 1];
            if (cur instanceof Map<?, ?> m && lastStep instanceof String k) {
                ((Map<String, Object>) m).remove(k);
            } else if (cur instanceof List<?> l && lastStep instanceof Integer idx && idx < l.size()) {
                l.remove((int) idx);
            }
        }
        return copy;
    }

    private static Object step(Object cur, Object s) {
        if (cur instanceof Map<?, ?> m && s instanceof String k) {
            return m.get(k);
        }
        if (cur instanceof List<?> l && s instanceof Integer i && i < l.size()) {
            return l.get(i);
        }
        return null;
    }

    private static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                c.put((String) e.getKey(), deepCopy(e.getValue()));
            }
            return c;
        }
        if (v instanceof List<?> l) {
            List<Object> c = new ArrayList<>(l.size());
            for (Object o : l) {
                c.add(deepCopy(o));
            }
            return c;
        }
        return v;
    }

    /** The subscripts of an accessor {@code $k['a'][0]}: "a", 0. */
    private static Object[] path(String accessor) {
        List<Object> out = new ArrayList<>();
        int i = accessor.indexOf('[');
        while (i >= 0 && i < accessor.length()) {
            int close;
            char c = accessor.charAt(i + 1);
            if (c == '\'' || c == '"') {
                close = accessor.indexOf(c, i + 2);
                out.add(accessor.substring(i + 2, close));
                i = accessor.indexOf('[', close);
            } else {
                close = accessor.indexOf(']', i);
                out.add(Integer.parseInt(accessor.substring(i + 1, close)));
                i = accessor.indexOf('[', close);
            }
        }
        return out.toArray();
    }

    /** The line of {@code record} as a string (tests, dead letters). */
    public String encodeToString(LogRecord record) {
        ByteSink s = new ByteSink(256);
        encode(record, s);
        return new String(s.array(), 0, s.length(), StandardCharsets.UTF_8);
    }
}
