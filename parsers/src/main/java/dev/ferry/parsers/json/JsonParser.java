package dev.ferry.parsers.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.ferry.parsers.time.TimeField;
import dev.ferry.parsers.time.TimeFormat;
import dev.ferry.pipeline.record.JsonText;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.spi.Parser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The {@code Format json} parser: a line must be exactly one JSON object (whitespace around it is
 * allowed), whose top-level members become the record's fields as raw spans of the line.
 *
 * <p>It streams the line with jackson-core and never builds a tree: nested objects and arrays are
 * skipped and kept as spans, strings are not decoded. Each member is recorded with
 * {@link RecordFields#appendRaw} after {@link RecordFields#beginRawObject}, so a record whose fields were
 * only added to is written out as the original bytes. A span is exactly the value's JSON text: a string
 * with its quotes and escapes, a number as written, an object or array from its bracket to the matching
 * one.
 *
 * <p>Time: with a {@link TimeField} (a configured {@code Time_Key}), that member's value is read with its
 * {@code Time_Format} (or as ISO-8601 / epoch number if none) and the member removed unless
 * {@code Time_Keep}. Without one (the built-in {@code json} parser) the first of {@code timestamp},
 * {@code time}, {@code @timestamp} whose value is an ISO-8601 string or an epoch number sets the time and
 * stays in the record. A value that is not a time leaves the record's read time and the member alone.
 *
 * <p>Failure (malformed JSON, a value that is not an object, data after the object, bytes that are not
 * UTF-8 where jackson checks them, a blank line): returns false, sets
 * {@code parseError("invalid JSON at byte N: reason")} and clears the fields. {@code N} is where jackson
 * stopped: for a bad byte, just after it; for a truncated line, its length; the reason is jackson's own,
 * without the location it repeats.
 *
 * <p>Written back with {@link RecordFields#writeJson}, an untouched line comes out byte for byte, except
 * for whitespace between the last value and the closing brace, which is not kept.
 *
 * <p>Thread-safe: all state of one call lives on the stack (the jackson factory is shared, as jackson
 * intends; it recycles its buffers per thread and canonicalizes keys, so known keys are not
 * allocated again).
 */
public final class JsonParser implements Parser {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final String name;
    private final TimeField time;

    /**
     * @param name the parser's name
     * @param time how to read the record time, or null to auto-detect it
     */
    public JsonParser(String name, TimeField time) {
        this.name = name;
        this.time = time;
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
        // index, start and length of the time member (or of the three auto-detected candidates)
        int timeIdx = -1;
        int timeStart = 0;
        int timeLen = 0;
        int tsIdx = -1;
        int tsStart = 0;
        int tsLen = 0;
        int tIdx = -1;
        int tStart = 0;
        int tLen = 0;
        int atIdx = -1;
        int atStart = 0;
        int atLen = 0;
        String timeKey = time == null ? null : time.key();
        try (com.fasterxml.jackson.core.JsonParser p = FACTORY.createParser(line, 0, len)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                return t == null
                        ? fail(record, 0, "blank line")
                        : fail(record, tokenStart(p), "expected an object, found " + describe(t));
            }
            f.beginRawObject(tokenStart(p));
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                t = p.nextToken();
                int start = tokenStart(p);
                int end;
                if (t == JsonToken.VALUE_STRING) {
                    end = stringEnd(line, start + 1, len);
                } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    p.skipChildren();
                    end = position(p);
                } else {
                    end = position(p);
                }
                int index = f.size();
                int valueLen = end - start;
                f.appendRaw(key, start, valueLen);
                if (timeKey != null) {
                    if (timeIdx < 0 && timeKey.equals(key)) {
                        timeIdx = index;
                        timeStart = start;
                        timeLen = valueLen;
                    }
                } else if (tsIdx < 0 && "timestamp".equals(key)) {
                    tsIdx = index;
                    tsStart = start;
                    tsLen = valueLen;
                } else if (tIdx < 0 && "time".equals(key)) {
                    tIdx = index;
                    tStart = start;
                    tLen = valueLen;
                } else if (atIdx < 0 && "@timestamp".equals(key)) {
                    atIdx = index;
                    atStart = start;
                    atLen = valueLen;
                }
            }
            if ((t = p.nextToken()) != null) {
                return fail(record, tokenStart(p), "data after the object (" + describe(t) + ")");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            return fail(record, at == null ? 0 : Math.max(0, at.getByteOffset()), shortReason(e.getOriginalMessage()));
        } catch (IOException e) {
            return fail(record, 0, shortReason(e.getMessage()));
        }
        if (timeKey != null) {
            if (timeIdx >= 0) {
                long nanos = readTime(line, timeStart, timeLen, time, 0);
                if (nanos != TimeFormat.NO_TIME) {
                    record.logTime(nanos);
                    if (!time.keep()) {
                        f.removeAt(timeIdx);
                    }
                }
            }
        } else {
            long nanos = TimeFormat.NO_TIME;
            if (tsIdx >= 0) {
                nanos = readTime(line, tsStart, tsLen, null, 0);
            }
            if (nanos == TimeFormat.NO_TIME && tIdx >= 0) {
                nanos = readTime(line, tStart, tLen, null, 0);
            }
            if (nanos == TimeFormat.NO_TIME && atIdx >= 0) {
                nanos = readTime(line, atStart, atLen, null, 0);
            }
            if (nanos != TimeFormat.NO_TIME) {
                record.logTime(nanos);
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "JsonParser[" + name + (time == null ? ", time auto" : ", " + time) + "]";
    }

    /**
     * Reads the raw JSON value {@code line[start, start+len)} as a time: a string's content, or a number.
     * Objects, arrays, booleans and null are no time.
     */
    static long readTime(byte[] line, int start, int len, TimeField time, int autoOffset) {
        byte first = line[start];
        if (first == '"') {
            int inner = start + 1;
            int innerLen = len - 2;
            for (int i = inner; i < inner + innerLen; i++) {
                if (line[i] == '\\') {
                    byte[] decoded = JsonText.decodeString(line, start, len).getBytes(StandardCharsets.UTF_8);
                    return read(decoded, 0, decoded.length, time, autoOffset);
                }
            }
            return read(line, inner, innerLen, time, autoOffset);
        }
        if (first == '-' || (first >= '0' && first <= '9')) {
            return read(line, start, len, time, autoOffset);
        }
        return TimeFormat.NO_TIME;
    }

    private static long read(byte[] s, int off, int len, TimeField time, int autoOffset) {
        if (len <= 0) {
            return TimeFormat.NO_TIME;
        }
        return time != null ? time.read(s, off, len) : TimeField.readAuto(s, off, len, autoOffset);
    }

    /** The index just after the closing quote of the string whose content starts at {@code i}. */
    private static int stringEnd(byte[] line, int i, int len) {
        while (i < len) {
            byte b = line[i];
            if (b == '"') {
                return i + 1;
            }
            i += b == '\\' ? 2 : 1;
        }
        return len; // unterminated: jackson reports it when it skips the string
    }

    private static int tokenStart(com.fasterxml.jackson.core.JsonParser p) {
        return (int) p.currentTokenLocation().getByteOffset();
    }

    private static int position(com.fasterxml.jackson.core.JsonParser p) {
        return (int) p.currentLocation().getByteOffset();
    }

    private static boolean fail(LogRecord record, long at, String reason) {
        record.fields().clear();
        record.parseError("invalid JSON at byte " + at + ": " + reason);
        return false;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() != null ? "'" + t.asString() + "'" : t.name();
        };
    }

    /** Jackson's message without the parts that repeat the location or the source. */
    static String shortReason(String message) {
        if (message == null) {
            return "unreadable input";
        }
        String m = message;
        for (String cut : new String[] {"\n", " (start marker at", " at [Source"}) {
            int i = m.indexOf(cut);
            if (i > 0) {
                m = m.substring(0, i);
            }
        }
        return m.trim();
    }
}
