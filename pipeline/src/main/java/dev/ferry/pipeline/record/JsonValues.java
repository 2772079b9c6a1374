package dev.ferry.pipeline.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversions between JSON text and the Java values records hold ({@code String}, {@code Long},
 * {@code Integer}, {@code Double}, {@code BigInteger}, {@code BigDecimal}, {@code Boolean}, {@code null},
 * {@code Map<String,Object>}, {@code List<Object>}). This is the slow path, used when a filter looks
 * inside a value; the hot path copies raw JSON bytes.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonValues {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonValues() {
    }

    /** Parses the single JSON value {@code src[off, off+len)}; the span must be valid JSON. */
    public static Object parse(byte[] src, int off, int len) {
        byte first = src[off];
        if (first == '"') {
            return JsonText.decodeString(src, off, len);
        }
        try (JsonParser p = FACTORY.createParser(src, off, len)) {
            return read(p, p.nextToken());
        } catch (IOException e) {
            throw new UncheckedIOException("invalid JSON value in record: " + e.getMessage(), e);
        }
    }

    /** Parses JSON text (for configuration values such as {@code record_modifier}'s). */
    public static Object parse(String json) {
        byte[] b = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return parse(b, 0, b.length);
    }

    /** Reads the value whose first token is {@code t} from {@code p}. */
    public static Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    m.put(k, read(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    l.add(read(p, n));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT, LONG -> p.getLongValue();
                    default -> p.getBigIntegerValue();
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected token " + t);
        }
    }

    /** Writes a Java value as JSON; unknown types are written as their {@code toString()} text. */
    public static void write(ByteSink out, Object v) {
        if (v == null) {
            out.writeAscii("null");
        } else if (v instanceof String s) {
            JsonText.writeString(out, s);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof BigInteger) {
            out.writeAscii(v.toString());
        } else if (v instanceof Double d) {
            out.writeAscii(d.isNaN() || d.isInfinite() ? "null" : d.toString());
        } else if (v instanceof Float f) {
            out.writeAscii(f.isNaN() || f.isInfinite() ? "null" : f.toString());
        } else if (v instanceof BigDecimal bd) {
            out.writeAscii(bd.toString());
        } else if (v instanceof Boolean b) {
            out.writeAscii(b ? "true" : "false");
        } else if (v instanceof Map<?, ?> m) {
            out.write('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                JsonText.writeString(out, String.valueOf(e.getKey()));
                out.write(':');
                write(out, e.getValue());
            }
            out.write('}');
        } else if (v instanceof List<?> l) {
            out.write('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                write(out, l.get(i));
            }
            out.write(']');
        } else {
            JsonText.writeString(out, v.toString());
        }
    }
}
