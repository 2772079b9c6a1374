package dev.ferry.parsers.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.parsers.time.TimeField;
import dev.ferry.parsers.time.TimeFormat;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonParserTest {

    private final JsonParser json = new JsonParser("json", null);

    private static LogRecord record(String line) {
        return record(line.getBytes(StandardCharsets.UTF_8));
    }

    private static LogRecord record(byte[] line) {
        LogRecord r = new LogRecord();
        r.reset(line, 0, line.length);
        r.readTime(42);
        return r;
    }

    private static String written(LogRecord r) {
        ByteSink sink = new ByteSink(64);
        r.fields().writeJson(sink);
        return sink.toString();
    }

    private static long nanos(String iso) {
        Instant i = Instant.parse(iso);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Test
    void recordsEachMemberAsTheExactBytesOfItsValue() {
        LogRecord r = record("{\"s\":\"x\",\"n\": -12.5e3 ,\"t\":true,\"z\":null,\"o\":{\"a\":[1,{\"b\":2}]},\"a\":[ ]}");
        assertThat(json.parse(r)).isTrue();
        var f = r.fields();
        assertThat(f.size()).isEqualTo(6);
        ByteSink sink = new ByteSink(16);
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < f.size(); i++) {
            sink.reset();
            f.writeValue(i, sink);
            values.append(f.key(i)).append('=').append(sink).append('|');
        }
        assertThat(values).hasToString("s=\"x\"|n=-12.5e3|t=true|z=null|o={\"a\":[1,{\"b\":2}]}|a=[ ]|");
        assertThat(f.rawPrefix()).isEqualTo(6);
    }

    @Test
    void writesAnUntouchedObjectBackByteForByte() {
        String line = "{ \"a\" : \"q\\\"uo\\\\te\\u00e9\" , \"ü\":\"日本語 ✓ 😀\",\"n\":1}";
        LogRecord r = record(line);
        assertThat(json.parse(r)).isTrue();
        assertThat(written(r)).isEqualTo(line);
        assertThat(r.fields().get("a")).isEqualTo("q\"uo\\teé");
        assertThat(r.fields().get("ü")).isEqualTo("日本語 ✓ 😀");
    }

    @Test
    void dropsOnlyTheWhitespaceBeforeTheClosingBrace() {
        // RecordFields writes the raw prefix up to the end of the last value, then its own '}'.
        LogRecord r = record("{\"a\" : [1, 2] \n}");
        assertThat(json.parse(r)).isTrue();
        assertThat(written(r)).isEqualTo("{\"a\" : [1, 2]}");
    }

    @Test
    void appendsAnAddedFieldAfterTheOriginalBytes() {
        String line = "{\"msg\":\"héllo \\\"x\\\"\",\"nested\":{\"k\":[1,2]}}";
        LogRecord r = record(line);
        assertThat(json.parse(r)).isTrue();
        r.fields().put("host", "h");
        assertThat(written(r)).isEqualTo(line.substring(0, line.length() - 1) + ",\"host\":\"h\"}");
    }

    @Test
    void reproducesRealErlmcpLines() throws IOException {
        for (String line : erlmcpLines()) {
            LogRecord r = record(line);
            assertThat(json.parse(r)).as(line).isTrue();
            assertThat(written(r)).isEqualTo(line);
            assertThat(r.fields().size()).isEqualTo(6);
            assertThat(r.timeFromLog()).isTrue();
        }
        LogRecord r = record(erlmcpLines().get(1));
        json.parse(r);
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00.001Z"));
        assertThat(r.fields().text("level")).isEqualTo("info");
        assertThat(asMap(r.fields().get("metadata"))).containsEntry("pid", "<0.1.0>").containsEntry("line", 101L);
    }

    @Test
    void allowsWhitespaceAroundTheObject() {
        String line = "  \t{\"a\":1}  \r";
        LogRecord r = record(line);
        assertThat(json.parse(r)).isTrue();
        assertThat(written(r)).isEqualTo("{\"a\":1}");
    }

    @Test
    void acceptsAnEmptyObject() {
        LogRecord r = record("{}");
        assertThat(json.parse(r)).isTrue();
        assertThat(r.fields().size()).isZero();
        assertThat(written(r)).isEqualTo("{}");
    }

    @Test
    void rejectsATruncatedObject() {
        assertRejected("{\"a\":1,\"b\":\"tru", "invalid JSON at byte 15: unexpected end of line in a string");
        assertRejected("{\"a\":1", "invalid JSON at byte 6: unexpected end of line where ',' or '}' was expected");
    }

    @Test
    void rejectsDataAfterTheObject() {
        assertRejected("{\"a\":1}x", "invalid JSON at byte 7: data after the object");
        assertRejected("{\"a\":1} {}", "invalid JSON at byte 8: data after the object");
    }

    @Test
    void rejectsValuesThatAreNotObjects() {
        assertRejected("[1,2]", "invalid JSON at byte 0: expected an object, found an array");
        assertRejected(" \"s\"", "invalid JSON at byte 1: expected an object, found a string");
        assertRejected("12", "invalid JSON at byte 0: expected an object, found a number");
        assertRejected("null", "invalid JSON at byte 0: expected an object, found null");
        assertRejected("true", "invalid JSON at byte 0: expected an object, found a boolean");
        // plain text that merely starts like a literal is named by its first character, not as null or a boolean
        assertRejected("not json at all", "invalid JSON at byte 0: expected an object, found 'n'");
        assertRejected("failed to start", "invalid JSON at byte 0: expected an object, found 'f'");
    }

    @Test
    void rejectsBlankLines() {
        assertRejected("", "invalid JSON at byte 0: blank line");
        assertRejected("   ", "invalid JSON at byte 0: blank line");
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] line = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'};
        LogRecord r = record(line);
        assertThat(json.parse(r)).isFalse();
        assertThat(r.parseError()).isEqualTo("invalid JSON at byte 7: invalid UTF-8 middle byte 0x28");
        assertThat(r.fields().size()).isZero();
    }

    @Test
    void rejectsMalformedMembers() {
        assertRejected("{\"a\" 1}", "invalid JSON at byte 5: unexpected '1' where ':' was expected");
        assertRejected("{a:1}", "invalid JSON at byte 1: unexpected 'a' where a string key was expected");
        assertRejected("{\"a\":1,}", "invalid JSON at byte 7: unexpected '}' where a string key was expected");
        assertRejected("{\"a\":}", "invalid JSON at byte 5: unexpected '}' where a value was expected");
        assertRejected("{\"a\":1 \"b\":2}", "invalid JSON at byte 7: unexpected '\"' where ',' or '}' was expected");
    }

    @Test
    void rejectsMalformedNestedValues() {
        assertRejected("{\"a\":{\"b\":[1,2,]}}", "invalid JSON at byte 15: unexpected ']' where a value was expected");
        assertRejected("{\"a\":{\"b\" 1}}", "invalid JSON at byte 10: unexpected '1' where ':' was expected");
        assertRejected("{\"a\":[1 2]}", "invalid JSON at byte 8: unexpected '2' where ',' or ']' was expected");
        assertRejected("{\"a\":{\"b\":1}", "invalid JSON at byte 12: unexpected end of line where ',' or '}' was expected");
        assertRejected("{\"a\":[tru]}", "invalid JSON at byte 6: unrecognized token (expected 'true')");
        assertRejected("{\"a\":nul}", "invalid JSON at byte 5: unrecognized token (expected 'null')");
        assertRejected("{\"a\":[\"x\\q\"]}", "invalid JSON at byte 9: bad escape \\'q' in a string");
        assertRejected("{\"a\":\"\\u12G4\"}", "invalid JSON at byte 6: bad \\u escape in a string");
        assertRejected("{\"a\":\"tab\there\"}", "invalid JSON at byte 9: raw control character 0x09 in a string");
    }

    @Test
    void rejectsMalformedNumbers() {
        assertRejected("{\"a\":01}", "invalid JSON at byte 5: bad number: leading zero");
        assertRejected("{\"a\":-}", "invalid JSON at byte 6: bad number: no digits");
        assertRejected("{\"a\":1.}", "invalid JSON at byte 7: bad number: no digits after '.'");
        assertRejected("{\"a\":1e+}", "invalid JSON at byte 8: bad number: no digits in the exponent");
        assertRejected("{\"a\":+1}", "invalid JSON at byte 5: unexpected '+' where a value was expected");
        assertRejected("{\"a\":[NaN]}", "invalid JSON at byte 6: unexpected 'N' where a value was expected");
    }

    @Test
    void rejectsInvalidUtf8InKeysAndNestedStrings() {
        byte[] overlong = {'{', '"', (byte) 0xC0, (byte) 0x80, '"', ':', '1', '}'};
        LogRecord r = record(overlong);
        assertThat(json.parse(r)).isFalse();
        assertThat(r.parseError()).isEqualTo("invalid JSON at byte 2: invalid UTF-8 start byte 0xC0");
        byte[] surrogate = "{\"a\":{\"b\":\"\u0000\u0000\u0000\"}}".getBytes(StandardCharsets.UTF_8);
        surrogate[11] = (byte) 0xED;
        surrogate[12] = (byte) 0xA0;
        surrogate[13] = (byte) 0x80;
        LogRecord s = record(surrogate);
        assertThat(json.parse(s)).isFalse();
        assertThat(s.parseError()).isEqualTo("invalid JSON at byte 11: invalid UTF-8 sequence starting with 0xED");
        byte[] cut = {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x9C};
        LogRecord c = record(cut);
        assertThat(json.parse(c)).isFalse();
        assertThat(c.parseError()).isEqualTo("invalid JSON at byte 8: unexpected end of line in a string");
    }

    @Test
    void rejectsNestingDeeperThanJacksonAllows() {
        String deep = "{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}";
        assertThat(json.parse(record(deep))).isTrue();
        String tooDeep = "{\"a\":" + "[".repeat(1001) + "]".repeat(1001) + "}";
        assertRejected(tooDeep, "invalid JSON at byte 1006: nesting deeper than 1000");
    }

    private void assertRejected(String line, String error) {
        LogRecord r = record(line);
        assertThat(json.parse(r)).as(line).isFalse();
        assertThat(r.parseError()).isEqualTo(error);
        assertThat(r.fields().size()).isZero();
        assertThat(r.timeFromLog()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"timestamp\":\"2024-01-01T10:00:00.000Z\"}",
        "{\"time\":\"2024-01-01T12:00:00+02:00\"}",
        "{\"@timestamp\":\"2024-01-01T10:00:00Z\"}",
        "{\"time\":1704103200}",
        "{\"time\":1704103200000}",
        "{\"time\":1704103200.0}",
        "{\"timestamp\":\"bad\",\"time\":\"2024-01-01T05:00:00-05:00\"}",
        "{\"msg\":\"x\",\"@timestamp\":\"2024-01-01T10:00:00.000000000Z\",\"time\":{}}",
    })
    void autoDetectsTheTimeAndKeepsTheKey(String line) {
        LogRecord r = record(line);
        assertThat(json.parse(r)).isTrue();
        assertThat(r.timeFromLog()).isTrue();
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        assertThat(written(r)).isEqualTo(line);
    }

    @Test
    void prefersTimestampOverTimeOverAtTimestamp() {
        LogRecord r = record("{\"@timestamp\":\"2024-01-01T03:00:00Z\",\"time\":\"2024-01-01T02:00:00Z\","
                + "\"timestamp\":\"2024-01-01T01:00:00Z\"}");
        json.parse(r);
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T01:00:00Z"));
    }

    @Test
    void fieldsOnlyCutsTheLineAndLeavesTheTimeAlone() {
        // A spooled record read back: its time is known, the timestamp member is a field like any other.
        String line = "{\"timestamp\":\"2024-01-01T01:00:00Z\",\"level\":\"info\",\"n\":1}";
        LogRecord r = record(line);
        assertThat(JsonParser.fieldsOnly("json").parse(r)).isTrue();
        assertThat(r.timeFromLog()).isFalse();
        assertThat(r.timeNanos()).isEqualTo(42);
        assertThat(r.fields().text("level")).isEqualTo("info");
        assertThat(r.fields().text("timestamp")).isEqualTo("2024-01-01T01:00:00Z");
        assertThat(written(r)).isEqualTo(line);

        LogRecord bad = record("{\"timestamp\":\"2024-01-01T01:00:00Z\",");
        assertThat(JsonParser.fieldsOnly("json").parse(bad)).isFalse();
        assertThat(bad.parseError()).isEqualTo("invalid JSON at byte 36: unexpected end of line where a string key was expected");
    }

    @Test
    void leavesTheReadTimeWhenNoTimeIsFound() {
        LogRecord r = record("{\"ts\":\"2024-01-01T10:00:00Z\",\"time\":\"yesterday\",\"timestamp\":true}");
        assertThat(json.parse(r)).isTrue();
        assertThat(r.timeFromLog()).isFalse();
        assertThat(r.timeNanos()).isEqualTo(42);
    }

    @Test
    void readsAnEscapedTimeString() {
        LogRecord r = record("{\"time\":\"2024-01-01T10:00:00\\u002e5Z\"}");
        assertThat(json.parse(r)).isTrue();
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00.5Z"));
    }

    @Test
    void removesTheConfiguredTimeKeyUnlessKept() {
        TimeFormat docker = TimeFormat.compile("%Y-%m-%dT%H:%M:%S.%L");
        String line = "{\"log\":\"hi\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T10:00:00.123456789Z\"}";

        LogRecord r = record(line);
        assertThat(new JsonParser("d", new TimeField("time", docker, false, 0)).parse(r)).isTrue();
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00.123456789Z"));
        assertThat(written(r)).isEqualTo("{\"log\":\"hi\\n\",\"stream\":\"stdout\"}");

        LogRecord kept = record(line);
        assertThat(new JsonParser("d", new TimeField("time", docker, true, 0)).parse(kept)).isTrue();
        assertThat(kept.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00.123456789Z"));
        assertThat(written(kept)).isEqualTo(line);
    }

    @Test
    void keepsTheTimeKeyWhenItsValueIsNotATime() {
        String line = "{\"when\":\"01/02/2024\",\"a\":1}";
        LogRecord r = record(line);
        JsonParser p = new JsonParser("p", new TimeField("when", TimeFormat.compile("%d/%b/%Y"), false, 0));
        assertThat(p.parse(r)).isTrue();
        assertThat(r.timeFromLog()).isFalse();
        assertThat(written(r)).isEqualTo(line);
    }

    @Test
    void readsATimeKeyWithoutFormatAsIsoOrEpochAtTheOffsetAndKeepsIt() {
        JsonParser p = new JsonParser("p", new TimeField("at", null, false, 3600));
        LogRecord r = record("{\"at\":\"2024-01-01T11:00:00\"}");
        assertThat(p.parse(r)).isTrue();
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        LogRecord e = record("{\"at\":1704103200123}");
        assertThat(p.parse(e)).isTrue();
        assertThat(e.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00.123Z"));
        assertThat(written(e)).isEqualTo("{\"at\":1704103200123}");
    }

    @Test
    void reusesOneRecordForManyLines() throws IOException {
        LogRecord r = new LogRecord();
        for (String line : erlmcpLines()) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            r.reset(b, 0, b.length);
            assertThat(json.parse(r)).isTrue();
            assertThat(written(r)).isEqualTo(line);
        }
        byte[] bad = "{\"a\":".getBytes(StandardCharsets.UTF_8);
        r.reset(bad, 0, bad.length);
        assertThat(json.parse(r)).isFalse();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    static List<String> erlmcpLines() throws IOException {
        try (InputStream in = JsonParserTest.class.getResourceAsStream("/erlmcp-v3.log")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
