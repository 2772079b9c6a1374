package dev.ferry.outputs;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import java.nio.charset.StandardCharsets;

/** Builds records for output tests the way the ring hands them over. */
public final class TestRecords {

    /** 2024-01-01T10:00:00.123456789Z. */
    public static final long TIME = 1_704_103_200_123_456_789L;

    /** The origin of records read from {@code /x.log}, whose stable id is {@code fp-1}. */
    public static final RecordOrigin ORIGIN = origin("/x.log", "fp-1");

    private TestRecords() {
    }

    /** An origin with this path and stable id that acknowledges nothing. */
    public static RecordOrigin origin(String path, String id) {
        return new RecordOrigin() {
            @Override
            public String path() {
                return path;
            }

            @Override
            public String id() {
                return id;
            }

            @Override
            public void acknowledge(long nextOffset) {
            }
        };
    }

    /**
     * A record whose line is the flat-or-nested JSON object {@code json}, its top-level members added as
     * raw spans as the JSON parser does (so writing copies the original bytes).
     */
    public static LogRecord json(String tag, long timeNanos, String json) {
        byte[] line = json.getBytes(StandardCharsets.UTF_8);
        LogRecord r = new LogRecord();
        r.reset(line, 0, line.length);
        r.tag(tag);
        r.logTime(timeNanos);
        int i = skip(line, 0);
        r.fields().beginRawObject(i);
        i = skip(line, i + 1);
        while (line[i] != '}') {
            int keyEnd = endOfValue(line, i);
            String key = new String(line, i + 1, keyEnd - i - 2, StandardCharsets.UTF_8);
            int v = skip(line, skip(line, keyEnd) + 1);
            int vEnd = endOfValue(line, v);
            r.fields().appendRaw(key, v, vEnd - v);
            i = skip(line, vEnd);
            if (line[i] == ',') {
                i = skip(line, i + 1);
            }
        }
        return r;
    }

    /** A record with Java-valued fields given as key, value pairs. */
    public static LogRecord fields(String tag, long timeNanos, Object... keyValues) {
        LogRecord r = new LogRecord();
        byte[] line = "x".getBytes(StandardCharsets.UTF_8);
        r.reset(line, 0, line.length);
        r.tag(tag);
        r.logTime(timeNanos);
        for (int k = 0; k < keyValues.length; k += 2) {
            r.fields().append((String) keyValues[k], keyValues[k + 1]);
        }
        return r;
    }

    private static int skip(byte[] b, int i) {
        while (b[i] == ' ') {
            i++;
        }
        return i;
    }

    private static int endOfValue(byte[] b, int i) {
        if (b[i] == '"') {
            i++;
            while (b[i] != '"') {
                i += b[i] == '\\' ? 2 : 1;
            }
            return i + 1;
        }
        int depth = 0;
        boolean inString = false;
        for (; i < b.length; i++) {
            byte c = b[i];
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return i;
    }
}
