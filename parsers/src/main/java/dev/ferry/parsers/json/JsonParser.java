package dev.ferry.parsers.json;

import dev.ferry.parsers.time.TimeField;
import dev.ferry.parsers.time.TimeFormat;
import dev.ferry.pipeline.record.JsonKeyCache;
import dev.ferry.pipeline.record.JsonText;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.spi.Parser;
import java.nio.charset.StandardCharsets;

/**
 * The {@code Format json} parser: a line must be exactly one JSON object (whitespace around it is
 * allowed), whose top-level members become the record's fields as raw spans of the line.
 *
 * <p>Each member is recorded with {@link RecordFields#appendRaw} after
 * {@link RecordFields#beginRawObject}, so a record whose fields were only added to is written out as the
 * original bytes. A span is exactly the value's JSON text: a string with its quotes and escapes, a
 * number as written, an object or array from its bracket to the matching one. Nothing is decoded and no
 * tree is built; keys come from a {@link JsonKeyCache}, so a known key allocates nothing.
 *
 * <p>The line is checked and cut by {@link JsonValueScanner}, a single validating pass over the bytes,
 * not by jackson: jackson's own token walk over a 425-byte erlmcp line costs more than the whole
 * per-line budget (see {@code JsonParserBenchmark.jacksonTokensOnly}), mostly in name look-ups and
 * {@code skipChildren()}. The scanner accepts exactly RFC 8259 JSON, as jackson's defaults do.
 *
 * <p>Time: with a {@link TimeField} (a configured {@code Time_Key}), that member's value is read with its
 * {@code Time_Format} and the member removed unless {@code Time_Keep}; with no {@code Time_Format} it
 * is read as ISO-8601 / epoch number and the member always stays ({@link TimeField#removesField}). Without one (the built-in {@code json} parser) the first of {@code timestamp},
 * {@code time}, {@code @timestamp} whose value is an ISO-8601 string or an epoch number sets the time and
 * stays in the record. A value that is not a time leaves the record's read time and the member alone.
 * {@link #fieldsOnly} reads no time at all.
 *
 * <p>Failure (malformed JSON, a value that is not an object, data after the object, bytes that are not
 * UTF-8 inside strings, a blank line): returns false, sets
 * {@code parseError("invalid JSON at byte N: reason")} with {@code N} the offset of the offending byte
 * (the line's length when it is cut short), and clears the fields.
 *
 * <p>Written back with {@link RecordFields#writeJson}, an untouched line comes out byte for byte, except
 * for whitespace between the last value and the closing brace, which is not kept.
 *
 * <p>Thread-safe: the state of one call lives on the stack; the key cache is lock-free.
 */
public final class JsonParser implements Parser {

    private final String name;
    private final TimeField time;
    private final boolean readsTime;

    /**
     * @param name the parser's name
     * @param time how to read the record time, or null to auto-detect it
     */
    public JsonParser(String name, TimeField time) {
        this(name, time, true);
    }

    private JsonParser(String name, TimeField time, boolean readsTime) {
        this.name = name;
        this.time = time;
        this.readsTime = readsTime;
    }

    /**
     * A parser that only cuts the line into fields and leaves the record's time alone: for a line whose time is
     * known already (a spooled record read back: its time was read when it was first parsed, and is in the spool).
     */
    public static JsonParser fieldsOnly(String name) {
        return new JsonParser(name, null, false);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Whether {@code line[0, len)} starts with {@code {} after JSON whitespace: the first check {@link #parse}
     * makes, for a caller that asks other formats first and wants no error message built for a line that is
     * not an object.
     */
    public static boolean startsWithObject(byte[] line, int len) {
        int i = JsonValueScanner.space(line, 0, len);
        return i < len && line[i] == '{';
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
        boolean autoTime = readsTime && time == null;
        int i = JsonValueScanner.space(line, 0, len);
        try {
            if (i == len) {
                return fail(record, 0, "blank line");
            }
            if (line[i] != '{') {
                return fail(record, i, "expected an object, found " + describe(line, i, len));
            }
            f.beginRawObject(i);
            i = JsonValueScanner.space(line, i + 1, len);
            if (i < len && line[i] == '}') {
                i++;
            } else {
                while (true) {
                    if (i >= len || line[i] != '"') {
                        throw JsonValueScanner.unexpected(line, i, len, "a string key");
                    }
                    int keyEnd = JsonValueScanner.string(line, i + 1, len);
                    String key = JsonKeyCache.quoted(line, i, keyEnd);
                    i = JsonValueScanner.space(line, keyEnd, len);
                    if (i >= len || line[i] != ':') {
                        throw JsonValueScanner.unexpected(line, i, len, "':'");
                    }
                    int start = JsonValueScanner.space(line, i + 1, len);
                    int end = JsonValueScanner.value(line, start, len, 1);
                    int index = f.size();
                    int valueLen = end - start;
                    f.appendRaw(key, start, valueLen);
                    if (timeKey != null) {
                        if (timeIdx < 0 && timeKey.equals(key)) {
                            timeIdx = index;
                            timeStart = start;
                            timeLen = valueLen;
                        }
                    } else if (autoTime && tsIdx < 0 && "timestamp".equals(key)) {
                        tsIdx = index;
                        tsStart = start;
                        tsLen = valueLen;
                    } else if (autoTime && tIdx < 0 && "time".equals(key)) {
                        tIdx = index;
                        tStart = start;
                        tLen = valueLen;
                    } else if (autoTime && atIdx < 0 && "@timestamp".equals(key)) {
                        atIdx = index;
                        atStart = start;
                        atLen = valueLen;
                    }
                    i = JsonValueScanner.space(line, end, len);
                    if (i < len && line[i] == ',') {
                        i = JsonValueScanner.space(line, i + 1, len);
                    } else if (i < len && line[i] == '}') {
                        i++;
                        break;
                    } else {
                        throw JsonValueScanner.unexpected(line, i, len, "',' or '}'");
                    }
                }
            }
            i = JsonValueScanner.space(line, i, len);
            if (i < len) {
                return fail(record, i, "data after the object");
            }
        } catch (JsonValueScanner.MalformedJsonException e) {
            return fail(record, e.offset(), e.getMessage());
        }
        if (!readsTime) {
            return true;
        }
        if (timeKey != null) {
            if (timeIdx >= 0) {
                long nanos = readTime(line, timeStart, timeLen, time);
                if (nanos != TimeFormat.NO_TIME) {
                    record.logTime(nanos);
                    if (time.removesField()) {
                        f.removeAt(timeIdx);
                    }
                }
            }
        } else {
            long nanos = TimeFormat.NO_TIME;
            if (tsIdx >= 0) {
                nanos = readTime(line, tsStart, tsLen, null);
            }
            if (nanos == TimeFormat.NO_TIME && tIdx >= 0) {
                nanos = readTime(line, tStart, tLen, null);
            }
            if (nanos == TimeFormat.NO_TIME && atIdx >= 0) {
                nanos = readTime(line, atStart, atLen, null);
            }
            if (nanos != TimeFormat.NO_TIME) {
                record.logTime(nanos);
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "JsonParser[" + name + (!readsTime ? ", fields only" : time == null ? ", time auto" : ", " + time) + "]";
    }

    /**
     * Reads the raw JSON value {@code line[start, start+len)} as a time: a string's content, or a number.
     * Objects, arrays, booleans and null are no time.
     *
     * @param time how to read it, or null for ISO-8601 / epoch number at UTC
     */
    static long readTime(byte[] line, int start, int len, TimeField time) {
        byte first = line[start];
        if (first == '"') {
            int inner = start + 1;
            int innerLen = len - 2;
            for (int i = inner; i < inner + innerLen; i++) {
                if (line[i] == '\\') {
                    byte[] decoded = JsonText.decodeString(line, start, len).getBytes(StandardCharsets.UTF_8);
                    return read(decoded, 0, decoded.length, time);
                }
            }
            return read(line, inner, innerLen, time);
        }
        if (first == '-' || (first >= '0' && first <= '9')) {
            return read(line, start, len, time);
        }
        return TimeFormat.NO_TIME;
    }

    private static long read(byte[] s, int off, int len, TimeField time) {
        if (len <= 0) {
            return TimeFormat.NO_TIME;
        }
        return time != null ? time.read(s, off, len) : TimeField.readAuto(s, off, len, 0);
    }

    private static boolean fail(LogRecord record, long at, String reason) {
        record.fields().clear();
        record.parseError("invalid JSON at byte " + at + ": " + reason);
        return false;
    }

    /** What the line holds at {@code i} instead of an object, for the parse error. */
    private static String describe(byte[] line, int i, int end) {
        byte b = line[i];
        return switch (b) {
            case '[' -> "an array";
            case '"' -> "a string";
            case 't' -> literalAt(line, i, end, "true") ? "a boolean" : JsonValueScanner.show(b);
            case 'f' -> literalAt(line, i, end, "false") ? "a boolean" : JsonValueScanner.show(b);
            case 'n' -> literalAt(line, i, end, "null") ? "null" : JsonValueScanner.show(b);
            default -> b == '-' || (b >= '0' && b <= '9') ? "a number" : JsonValueScanner.show(b);
        };
    }

    /** Whether {@code line[i, end)} starts with the JSON literal {@code word} (ASCII). */
    private static boolean literalAt(byte[] line, int i, int end, String word) {
        if (end - i < word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (line[i + k] != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
