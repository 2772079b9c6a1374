package dev.ferry.pipeline.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordFieldsTest {

    /** Loads {@code json} as a line and records its members as the JSON parser does (by hand here). */
    private static LogRecord rawObject(String json, String... keysAndValues) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        LogRecord r = new LogRecord();
        r.reset(b, 0, b.length);
        r.fields().beginRawObject(json.indexOf('{'));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            String valueText = keysAndValues[i + 1];
            int start = json.indexOf("\"" + keysAndValues[i] + "\":" + valueText) + keysAndValues[i].length() + 3;
            r.fields().appendRaw(keysAndValues[i], start, valueText.length());
        }
        return r;
    }

    @Test
    void anUntouchedObjectIsWrittenByteForByte() {
        String json = "{\"level\":\"info\", \"n\":42,\"m\":{\"a\":[1,2]}}";
        LogRecord r = rawObject(json, "level", "\"info\"", "n", "42", "m", "{\"a\":[1,2]}");
        assertThat(r.fields().toString()).isEqualTo(json);
        assertThat(r.fields().rawPrefix()).isEqualTo(3);
    }

    @Test
    void mayHaveAnswersFromADeferredObjectsBytesOnlyWhenTheyCannotHoldTheKey() {
        // key absent, no escapes: answered from the bytes, no split
        assertThat(mayHave("{\"level\":\"info\",\"msg\":\"a \\\"quoted\\\" word\"}", "@timestamp")).containsExactly(0, 0);
        // the quoted key present at the top level: the split tells (present)
        assertThat(mayHave("{\"@timestamp\":\"x\",\"level\":\"info\"}", "@timestamp")).containsExactly(1, 1);
        // present only nested: the bytes cannot tell, so the split does (absent at the top level)
        assertThat(mayHave("{\"fields\":{\"@timestamp\":1}}", "@timestamp")).containsExactly(0, 1);
        // a \\u escape could spell the key: the split tells
        assertThat(mayHave("{\"\\u0040timestamp\":\"x\"}", "@timestamp")).containsExactly(1, 1);
        // the key past the first eight bytes and at the very end, and a backslash-slash escape
        assertThat(mayHave("{\"level\":\"info\",\"message\":\"m\",\"@timestamp\":1}", "@timestamp")).containsExactly(1, 1);
        assertThat(mayHave("{\"a\":1,\"b\":{\"@timestamp\":1}}", "@timestamp")).containsExactly(0, 1);
        assertThat(mayHave("{\"p\":\"a\\/b\",\"level\":\"info\"}", "@timestamp")).containsExactly(0, 1);
        // '@' and quotes everywhere but never the quoted key: answered from the bytes
        assertThat(mayHave("{\"m\":\"@@ @time @timestam\",\"@timestampX\":1,\"x\":\"@\"}", "@timestamp")).containsExactly(0, 0);
    }

    /** {mayHave answer (1 = true), splits run} for a deferred object whose split parses {@code json}'s top level. */
    private static int[] mayHave(String json, String key) {
        return mayHave(json, RecordFields.UNKNOWN_KEYS, key);
    }

    private static int[] mayHave(String json, long keyMask, String key) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        LogRecord r = new LogRecord();
        r.reset(b, 0, b.length);
        int[] splits = {0};
        r.fields().defer(b.length, keyMask, () -> {
            splits[0]++;
            @SuppressWarnings("unchecked")
            Map<String, Object> top = (Map<String, Object>) JsonValues.parse(b, 0, b.length);
            top.forEach((k, v) -> r.fields().put(k, v));
        });
        boolean answer = r.fields().mayHave(key);
        return new int[] {answer ? 1 : 0, splits[0]};
    }

    @Test
    void aKeyMaskRulesOutNamesWithoutScanningOrSplittingAndNeverRulesOutAPresentOne() {
        LogRecord parsed = rawObject("{\"level\":\"info\",\"n\":42}", "level", "\"info\"", "n", "42");
        long mask = parsed.fields().keyMask();
        assertThat(mask).isEqualTo(RecordFields.keyBit("level") | RecordFields.keyBit("n"));
        // The erlmcp line's names (and the modify filter's host and cluster) leave @timestamp's bit clear, so
        // the es encoder learns "no @timestamp" from the mask alone on the reference workload.
        long erlmcp = 0;
        for (String k : List.of("timestamp", "level", "logger", "message", "metadata", "fields", "host", "cluster")) {
            erlmcp |= RecordFields.keyBit(k);
        }
        assertThat(erlmcp & RecordFields.keyBit("@timestamp")).isZero();

        // The mask rules the key out even where the bytes hold it (nested): no scan can be fooled, no split.
        assertThat(mayHave("{\"fields\":{\"@timestamp\":1}}", RecordFields.keyBit("fields"), "@timestamp"))
                .containsExactly(0, 0);
        // A bit that is set falls back to the bytes and the split: a present key is always found.
        assertThat(mayHave("{\"@timestamp\":\"x\",\"level\":\"info\"}",
                RecordFields.keyBit("@timestamp") | RecordFields.keyBit("level"), "@timestamp")).containsExactly(1, 1);
        // A deferred object reports the mask it was given without splitting.
        byte[] b = "{}".getBytes(StandardCharsets.UTF_8);
        LogRecord r = new LogRecord();
        r.reset(b, 0, b.length);
        int[] splits = {0};
        r.fields().defer(b.length, 0x5L, () -> splits[0]++);
        assertThat(r.fields().keyMask()).isEqualTo(0x5L);
        assertThat(splits[0]).isZero();
    }

    @Test
    void aDeferredObjectIsWrittenAsItIsAndSplitOnceOnItsFirstFieldUse() {
        String json = "{\"level\":\"info\",\"n\":42}";
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        LogRecord r = new LogRecord();
        r.reset(b, 0, b.length);
        int[] splits = {0};
        r.fields().defer(b.length, RecordFields.UNKNOWN_KEYS, () -> {
            splits[0]++;
            r.fields().beginRawObject(0);
            r.fields().appendRaw("level", 9, 6);
            r.fields().appendRaw("n", 20, 2);
        });
        assertThat(r.fields().toString()).isEqualTo(json);
        assertThat(splits[0]).as("writing the JSON needs no split").isZero();

        assertThat(r.fields().text("level")).isEqualTo("info");
        r.fields().put("host", "web-1");
        assertThat(r.fields().size()).isEqualTo(3);
        assertThat(splits[0]).isEqualTo(1);
        assertThat(r.fields().toString()).isEqualTo("{\"level\":\"info\",\"n\":42,\"host\":\"web-1\"}");

        r.reset(b, 0, b.length);
        r.fields().defer(b.length, RecordFields.UNKNOWN_KEYS, () -> splits[0]++);
        r.fields().clear();
        assertThat(r.fields().size()).as("clear drops the deferral").isZero();
        assertThat(splits[0]).isEqualTo(1);
    }

    @Test
    void addedFieldsAreAppendedAfterTheOriginalBytes() {
        String json = "{\"level\":\"info\", \"n\":42}";
        LogRecord r = rawObject(json, "level", "\"info\"", "n", "42");
        r.fields().put("host", "web-1");
        r.fields().put("cluster", "erlmcp-prod");
        assertThat(r.fields().toString())
                .isEqualTo("{\"level\":\"info\", \"n\":42,\"host\":\"web-1\",\"cluster\":\"erlmcp-prod\"}");
    }

    @Test
    void changingAnOriginalFieldRebuildsFromThatFieldOn() {
        String json = "{\"a\":1,\"b\":\"x\",\"c\":true}";
        LogRecord r = rawObject(json, "a", "1", "b", "\"x\"", "c", "true");
        r.fields().put("b", "y");
        assertThat(r.fields().rawPrefix()).isEqualTo(1);
        assertThat(r.fields().toString()).isEqualTo("{\"a\":1,\"b\":\"y\",\"c\":true}");
        r.fields().remove("a");
        assertThat(r.fields().toString()).isEqualTo("{\"b\":\"y\",\"c\":true}");
        r.fields().renameAt(1, "d");
        assertThat(r.fields().toString()).isEqualTo("{\"b\":\"y\",\"d\":true}");
    }

    @Test
    void leavingOutFieldsCopiesTheOthersAsTheirOriginalBytes() {
        String json = "{ \"level\":\"info\", \"n\":42,\"m\":{\"a\":[1,2]} ,\"k\":\"v\"}";
        LogRecord r = rawObject(json, "level", "\"info\"", "n", "42", "m", "{\"a\":[1,2]}", "k", "\"v\"");
        assertThat(without(r, "level")).isEqualTo("{\"n\":42,\"m\":{\"a\":[1,2]} ,\"k\":\"v\"}");
        assertThat(without(r, "m")).isEqualTo("{\"level\":\"info\", \"n\":42,\"k\":\"v\"}");
        assertThat(without(r, "k")).isEqualTo("{\"level\":\"info\", \"n\":42,\"m\":{\"a\":[1,2]}}");
        assertThat(without(r, "level", "n", "m", "k")).isEqualTo("{}");
        assertThat(without(r, "absent")).isEqualTo("{\"level\":\"info\", \"n\":42,\"m\":{\"a\":[1,2]} ,\"k\":\"v\"}");
        assertThat(r.fields().toString()).as("the fields themselves are unchanged").isEqualTo(json);
    }

    @Test
    void leavingOutFieldsWritesAddedAndChangedOnesAfterTheOriginalBytes() {
        String json = "{\"a\":1,\"level\":\"info\",\"b\":\"x\",\"c\":true}";
        LogRecord r = rawObject(json, "a", "1", "level", "\"info\"", "b", "\"x\"", "c", "true");
        r.fields().put("host", "web-1");
        assertThat(without(r, "level")).isEqualTo("{\"a\":1,\"b\":\"x\",\"c\":true,\"host\":\"web-1\"}");
        r.fields().put("b", "y");
        assertThat(without(r, "level", "host")).isEqualTo("{\"a\":1,\"b\":\"y\",\"c\":true}");
        assertThat(without(r, "a")).isEqualTo("{\"level\":\"info\",\"b\":\"y\",\"c\":true,\"host\":\"web-1\"}");
    }

    @Test
    void whatWriteJsonWritesIsCutAtTheSpansItReportsIntoTheSameFields() {
        String json = "{ \"level\":\"info\", \"m\":{\"a\":[1,\"}\"]},\"k\":-1.5e3 }";
        LogRecord r = rawObject(json, "level", "\"info\"", "m", "{\"a\":[1,\"}\"]}", "k", "-1.5e3");
        r.fields().put("host", "web \"1\"");
        r.fields().append("n", 7L);
        ByteSink out = new ByteSink(64);
        MemberSpans spans = new MemberSpans();
        assertThat(r.fields().writeJson(out, spans)).isTrue();
        assertThat(out.toString()).isEqualTo(r.fields().toString());
        assertThat(spans.count()).isEqualTo(5);

        LogRecord back = new LogRecord();
        back.reset(out.array(), 0, out.length());
        assertThat(back.fields().splitAt(spans, back.lineLength())).isTrue();
        assertThat(back.fields().toMap()).isEqualTo(r.fields().toMap());
        assertThat(back.fields().rawPrefix()).as("every field is the bytes it was written as").isEqualTo(5);
        assertThat(back.fields().toString()).isEqualTo(out.toString());
    }

    @Test
    void spansThatDoNotFitTheBytesCutNothing() {
        String json = "{\"a\":123,\"b\":\"x\"}";
        LogRecord r = rawObject(json, "a", "123", "b", "\"x\"");
        MemberSpans spans = new MemberSpans();
        r.fields().writeJson(new ByteSink(32), spans);
        MemberSpans[] wrong = {new MemberSpans(), new MemberSpans(), new MemberSpans(), new MemberSpans()};
        wrong[0].add(spans.start(0) + 1, spans.end(0)); // "23": a value that does not follow its key's colon
        wrong[0].add(spans.start(1), spans.end(1));
        wrong[1].add(spans.start(0), spans.end(0)); // the second member left out: the object does not close there
        wrong[2].add(spans.start(0), spans.end(0));
        wrong[2].add(spans.start(1), json.length() + 1); // past the line
        wrong[3].add(spans.start(1), spans.end(1)); // the first member left out: no key before the value
        for (MemberSpans w : wrong) {
            LogRecord back = new LogRecord();
            back.reset(json.getBytes(StandardCharsets.UTF_8), 0, json.length());
            assertThat(back.fields().splitAt(w, back.lineLength())).isFalse();
            assertThat(back.fields().size()).isZero();
        }
    }

    private static String without(LogRecord r, String... keys) {
        ByteSink out = new ByteSink(64);
        r.fields().writeJsonWithout(java.util.Set.of(keys), out);
        return out.toString();
    }

    @Test
    void valuesDecodeToJavaTypes() {
        String json = "{\"s\":\"a\\\"b\\u00e9\",\"i\":-7,\"d\":1.5,\"t\":true,\"z\":null,\"o\":{\"k\":[1,\"x\"]}}";
        LogRecord r = rawObject(json, "s", "\"a\\\"b\\u00e9\"", "i", "-7", "d", "1.5", "t", "true", "z", "null",
                "o", "{\"k\":[1,\"x\"]}");
        RecordFields f = r.fields();
        assertThat(f.get("s")).isEqualTo("a\"bé");
        assertThat(f.get("i")).isEqualTo(-7L);
        assertThat(f.get("d")).isEqualTo(1.5);
        assertThat(f.get("t")).isEqualTo(true);
        assertThat(f.has("z")).isTrue();
        assertThat(f.get("z")).isNull();
        assertThat(f.get("o")).isEqualTo(Map.of("k", List.of(1L, "x")));
        assertThat(f.text("i")).isEqualTo("-7");
        assertThat(f.text("o")).isEqualTo("{\"k\":[1,\"x\"]}");
    }

    @Test
    void textSpansAreEscapedAndInvalidUtf8BecomesTheReplacementCharacter() {
        byte[] line = {'a', '"', '\t', (byte) 0xC3, (byte) 0x28, 'z'};
        LogRecord r = new LogRecord();
        r.reset(line, 0, line.length);
        r.fields().appendText("log", 0, line.length);
        assertThat(r.fields().toString()).isEqualTo("{\"log\":\"a\\\"\\t\uFFFD(z\"}");
    }

    @Test
    void theInvalidUtf8BytesAWriteReplacedAreNotedOnceHoweverOftenTheFieldsAreWritten() {
        byte[] line = {'c', 'a', 'f', (byte) 0xE9, ' ', (byte) 0xFF, (byte) 0xFE, '!'};
        LogRecord r = new LogRecord();
        r.reset(line, 0, line.length);
        RecordFields f = r.fields();
        f.appendText("log", 0, line.length);
        f.append("n", 1L);
        assertThat(f.invalidUtf8()).isZero(); // found when written, not before
        assertThat(f.toString()).isEqualTo("{\"log\":\"caf\uFFFD \uFFFD\uFFFD!\",\"n\":1}");
        assertThat(f.invalidUtf8()).isEqualTo(3);
        f.toString(); // a second output writes the same fields
        f.writeValue(0, new ByteSink(16));
        assertThat(f.invalidUtf8()).isEqualTo(3);
        byte[] next = "caf\u00E9 \uFFFD".getBytes(StandardCharsets.UTF_8); // valid, a real U+FFFD included
        r.reset(next, 0, next.length);
        assertThat(f.invalidUtf8()).isZero();
        f.appendText("log", 0, next.length);
        assertThat(f.toString()).isEqualTo("{\"log\":\"caf\u00E9 \uFFFD\"}");
        assertThat(f.invalidUtf8()).isZero();
    }

    @Test
    void stringsAParserDecodesAddUpAndTextAFilterReadCountsOnceWithItsWrite() {
        byte[] line = {'a', (byte) 0xE9, 'b', ' ', (byte) 0xE2, (byte) 0x82, ' ', (byte) 0xE2, (byte) 0x82, (byte) 0xAC};
        LogRecord r = new LogRecord();
        r.reset(line, 0, line.length);
        RecordFields f = r.fields();
        // a parser makes strings of three spans: a valid one, then two with 1 and 2 invalid bytes
        assertThat(f.decodeText(7, 3)).isEqualTo("\u20AC");
        assertThat(f.invalidUtf8()).isZero();
        assertThat(f.decodeText(0, 3)).isEqualTo("a\uFFFDb");
        assertThat(f.decodeText(4, 2)).isEqualTo("\uFFFD"); // the JDK: one U+FFFD for the cut-short E2 82...
        assertThat(f.invalidUtf8()).isEqualTo(3); // ...but both of its bytes count, as the writer counts them
        f.clear();
        assertThat(f.invalidUtf8()).isZero();

        // a filter reads the text field (the parser filter, say), then it is written, once per output
        f.appendText("log", 0, line.length);
        assertThat(f.text("log")).isEqualTo("a\uFFFDb \uFFFD \u20AC");
        assertThat(f.invalidUtf8()).isEqualTo(3);
        assertThat(f.toString()).isEqualTo("{\"log\":\"a\uFFFDb \uFFFD\uFFFD \u20AC\"}");
        f.toString();
        assertThat(f.invalidUtf8()).isEqualTo(3);
        // read, then removed before the write (the parser filter replaces it with what it parsed): still counted
        f.removeAt(0);
        f.append("msg", "a\uFFFDb");
        f.toString();
        assertThat(f.invalidUtf8()).isEqualTo(3);
    }

    @Test
    void reusingTheSlotClearsEverything() {
        LogRecord r = rawObject("{\"a\":1}", "a", "1");
        r.fields().put("x", "y");
        r.drop();
        r.parseError("bad");
        byte[] next = "hello".getBytes(StandardCharsets.UTF_8);
        r.reset(next, 0, next.length);
        assertThat(r.fields().size()).isZero();
        assertThat(r.dropped()).isFalse();
        assertThat(r.parseError()).isNull();
        assertThat(r.fields().toString()).isEqualTo("{}");
    }
}
