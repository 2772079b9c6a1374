package dev.ferry.outputs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.outputs.Sections;
import dev.ferry.outputs.TestRecords;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden files for the bulk NDJSON: {@code src/test/resources/elasticsearch/NAME.ndjson}. Run with
 * {@code -Dferry.golden.update=true} to rewrite them after an intended change (then review the diff).
 */
class EsEncoderTest {

    /** 2024-01-01T10:00:00.123456789Z. */
    private static final long T1 = TestRecords.TIME;
    /** 2024-01-02T23:59:59.999000001Z: another day. */
    private static final long T2 = 1_704_239_999_999_000_001L;

    private static final RecordOrigin ORIGIN = TestRecords.origin("/var/log/app.log", "fp-6fc6ca04320260b8-1024");

    private static EsConfig config(String... keyValues) {
        String[] all = new String[keyValues.length + 2];
        all[0] = "Name";
        all[1] = "es";
        System.arraycopy(keyValues, 0, all, 2, keyValues.length);
        return EsConfig.from(Sections.bind(EsConfig.OPTIONS, all));
    }

    private static LogRecord withOrigin(LogRecord r, long offset) {
        r.origin(ORIGIN, offset, offset + 100);
        return r;
    }

    private static List<LogRecord> records() {
        return List.of(
                withOrigin(TestRecords.json("app.a", T1, "{\"log\":\"hi\",\"n\":1}"), 0),
                withOrigin(TestRecords.json("app.b", T2, "{\"log\":\"x\\\"y\",\"service\":\"pay\",\"a.b\":{\"c.d\":2}}"), 4096),
                TestRecords.fields("app.c", T1, "msg", "no origin", "id", "doc-7"));
    }

    private static String encode(EsConfig config, List<LogRecord> records) {
        EsEncoder e = new EsEncoder(config);
        ByteSink out = new ByteSink(256);
        for (LogRecord r : records) {
            e.encode(r, out);
        }
        return out.toString();
    }

    private static void assertGolden(String name, String actual) throws IOException {
        String resource = "/elasticsearch/" + name + ".ndjson";
        if (Boolean.getBoolean("ferry.golden.update")) {
            Path p = Path.of("src/test/resources" + resource);
            Files.writeString(p, actual);
        }
        try (InputStream in = EsEncoderTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void defaultsCreateWithOriginIdsAndTimestamp() throws IOException {
        assertGolden("defaults", encode(config(), records()));
    }

    @Test
    void logstashIndexFollowsTheRecordTimeAndPrefixKey() throws IOException {
        assertGolden("logstash", encode(config("Logstash_Format", "On", "Logstash_Prefix", "logs",
                "Logstash_Prefix_Key", "service", "Logstash_DateFormat", "%Y.%m.%d"), records()));
    }

    @Test
    void tagKeyNanosAndReplaceDots() throws IOException {
        assertGolden("tag-nanos-dots", encode(config("Include_Tag_Key", "On", "Tag_Key", "tag",
                "Time_Key_Nanos", "On", "Replace_Dots", "On", "Time_Key", "ts",
                "Time_Key_Format", "%Y-%m-%d %H:%M:%S"), records()));
    }

    @Test
    void generateIdHashesTheContentAndIdKeyWins() throws IOException {
        assertGolden("ids", encode(config("Generate_ID", "On", "Id_Key", "id", "Write_Operation", "index",
                "Pipeline", "p1"), records()));
    }

    @Test
    void updateAndUpsertWrapTheDocument() throws IOException {
        String update = encode(config("Write_Operation", "update", "Id_Key", "id"), records());
        String upsert = encode(config("Write_Operation", "upsert", "Id_Key", "id"), records());
        assertGolden("update-upsert", update + upsert);
    }

    @Test
    void theIdOfAHashedLineEndsInItsHash() {
        // Two files that begin with the same line share the origin id; their lines at offset 7 differ in the hash.
        LogRecord a = withOrigin(TestRecords.json("t", T1, "{\"m\":1}"), 7);
        a.hashLine();
        LogRecord b = withOrigin(TestRecords.json("t", T1, "{\"m\":2}"), 7);
        b.lineHash(0x0000beefL);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update("{\"m\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(encode(config(), List.of(a, b))).isEqualTo(
                "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-6fc6ca04320260b8-1024:7:"
                        + String.format("%08x", crc.getValue()) + "\"}}\n{\"@timestamp\":\"2024-01-01T10:00:00.123Z\",\"m\":1}\n"
                        + "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-6fc6ca04320260b8-1024:7:0000beef\"}}\n"
                        + "{\"@timestamp\":\"2024-01-01T10:00:00.123Z\",\"m\":2}\n");
    }

    @Test
    void anExistingTimeKeyIsNotAddedTwice() {
        LogRecord r = withOrigin(TestRecords.json("t", T1, "{\"@timestamp\":\"mine\",\"m\":1}"), 7);
        assertThat(encode(config(), List.of(r))).isEqualTo(
                "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-6fc6ca04320260b8-1024:7\"}}\n"
                        + "{\"@timestamp\":\"mine\",\"m\":1}\n");
    }

    @Test
    void theFieldsAreCopiedOnceWhateverComesBeforeThem() {
        // Origin ids: the fields' JSON is written straight into the bulk body, its '{' turned into a comma.
        LogRecord empty = withOrigin(TestRecords.json("t", T1, "{}"), 1);
        LogRecord spaced = withOrigin(TestRecords.json("t", T1, "{ \"m\" : 1 }"), 2);
        assertThat(encode(config(), List.of(empty, spaced))).isEqualTo(
                "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-6fc6ca04320260b8-1024:1\"}}\n"
                        + "{\"@timestamp\":\"2024-01-01T10:00:00.123Z\"}\n"
                        + "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-6fc6ca04320260b8-1024:2\"}}\n"
                        + "{\"@timestamp\":\"2024-01-01T10:00:00.123Z\", \"m\" : 1 }\n");
        // No key of ours: the fields' JSON is the document, as it came.
        assertThat(encode(config("Time_Key", "m"), List.of(empty, spaced))).isEqualTo(
                "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-6fc6ca04320260b8-1024:1\"}}\n"
                        + "{\"m\":\"2024-01-01T10:00:00.123Z\"}\n"
                        + "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-6fc6ca04320260b8-1024:2\"}}\n"
                        + "{ \"m\" : 1 }\n");
        // Time and tag keys before an empty record.
        assertThat(encode(config("Time_Key", "m", "Include_Tag_Key", "On"), List.of(empty))).endsWith(
                "\n{\"m\":\"2024-01-01T10:00:00.123Z\",\"flb-key\":\"t\"}\n");
    }

    private static String action(String bulk) {
        return bulk.substring(0, bulk.indexOf('\n'));
    }

    @Test
    void generatedIdsHashTheDocumentWithItsTimeAsFluentBitDoes() {
        EsConfig c = config("Generate_ID", "On");
        // A resend of the same record (same content, same time) is the same document, whatever its tag...
        assertThat(action(encode(c, List.of(TestRecords.json("t", T1, "{\"log\":\"disk full\"}")))))
                .isEqualTo(action(encode(c, List.of(TestRecords.json("other", T1, "{\"log\":\"disk full\"}")))));
        // ...but the same line logged at another time is another document, not a 409 that drops it.
        List<LogRecord> twice = List.of(withOrigin(TestRecords.json("t", T1, "{\"log\":\"disk full\"}"), 0),
                withOrigin(TestRecords.json("t", T2, "{\"log\":\"disk full\"}"), 100));
        List<String> ids = encode(c, twice).lines().filter(l -> l.startsWith("{\"create\"")).toList();
        assertThat(ids).hasSize(2);
        assertThat(ids.get(0)).isNotEqualTo(ids.get(1));
        // With Include_Tag_Key the tag is part of the document, so of the hash, as in Fluent Bit.
        EsConfig tagged = config("Generate_ID", "On", "Include_Tag_Key", "On");
        assertThat(action(encode(tagged, List.of(TestRecords.json("a", T1, "{\"m\":1}")))))
                .isNotEqualTo(action(encode(tagged, List.of(TestRecords.json("b", T1, "{\"m\":1}")))));
    }

    @Test
    void logstashPrefixKeyIsARecordAccessorWithThePrefixAsFallback() {
        EsConfig c = config("Logstash_Format", "On", "Logstash_Prefix", "logs",
                "Logstash_Prefix_Key", "$kubernetes['namespace_name']");
        List<LogRecord> records = List.of(
                TestRecords.json("t", T1, "{\"kubernetes\":{\"namespace_name\":\"payments\"},\"m\":1}"),
                TestRecords.json("t", T1, "{\"kubernetes\":{\"pod_name\":\"p\"},\"m\":2}"),
                TestRecords.json("t", T1, "{\"kubernetes\":{\"namespace_name\":\"\"},\"m\":3}"),
                TestRecords.json("t", T1, "{\"kubernetes\":{\"namespace_name\":{\"x\":1}},\"m\":4}"),
                TestRecords.json("t", T1, "{\"kubernetes\":{\"namespace_name\":null},\"m\":5}"),
                TestRecords.json("t", T1, "{\"kubernetes\":{\"namespace_name\":42},\"m\":6}"),
                TestRecords.json("t", T1, "{\"m\":7}"));
        List<String> indices = encode(c, records).lines().filter(l -> l.startsWith("{\"create\""))
                .map(l -> l.substring(l.indexOf("_index\":\"") + 9, l.indexOf("\",\"_id"))).toList();
        assertThat(indices).containsExactly("payments-2024.01.01", "logs-2024.01.01", "logs-2024.01.01",
                "logs-2024.01.01", "logs-2024.01.01", "42-2024.01.01", "logs-2024.01.01");
        // A key without '$' is a top-level key (Fluent Bit prepends the '$'); values past 128 characters are cut.
        EsConfig plain = config("Logstash_Format", "On", "Logstash_Prefix_Key", "app");
        String longName = "a".repeat(130);
        assertThat(encode(plain, List.of(TestRecords.json("t", T1, "{\"app\":\"" + longName + "\"}"))))
                .startsWith("{\"create\":{\"_index\":\"" + "a".repeat(128) + "-2024.01.01\"");
    }

    @Test
    void indexAndTimeChangeAtTheEdgesOfWhatTheirFormatsShow() {
        long hour = 1_704_103_200L * 1_000_000_000L; // 2024-01-01T10:00:00Z
        long[] times = {hour, hour + 3_599_999_999_999L, hour + 3_600_000_000_000L, hour + 3_600_000_000_000L,
                hour + 14 * 3_600_000_000_000L - 1, hour + 14 * 3_600_000_000_000L, hour - 1};
        List<LogRecord> records = new java.util.ArrayList<>();
        for (long t : times) {
            records.add(TestRecords.json("t", t, "{\"m\":1}"));
        }
        List<String> hourly = encode(config("Logstash_Format", "On", "Logstash_DateFormat", "%Y.%m.%d.%H"), records)
                .lines().filter(l -> l.startsWith("{\"create\"")).map(l -> l.substring(l.indexOf("_index\":\"") + 9,
                        l.indexOf("\",\"_id"))).toList();
        assertThat(hourly).containsExactly("logstash-2024.01.01.10", "logstash-2024.01.01.10", "logstash-2024.01.01.11",
                "logstash-2024.01.01.11", "logstash-2024.01.01.23", "logstash-2024.01.02.00", "logstash-2024.01.01.09");
        List<String> daily = encode(config("Logstash_Format", "On", "Time_Key_Format", "%Y-%m-%dT%H:%M"), records)
                .lines().filter(l -> !l.startsWith("{\"create\"")).toList();
        assertThat(daily).containsExactly("{\"@timestamp\":\"2024-01-01T10:00.000Z\",\"m\":1}",
                "{\"@timestamp\":\"2024-01-01T10:59.999Z\",\"m\":1}", "{\"@timestamp\":\"2024-01-01T11:00.000Z\",\"m\":1}",
                "{\"@timestamp\":\"2024-01-01T11:00.000Z\",\"m\":1}", "{\"@timestamp\":\"2024-01-01T23:59.999Z\",\"m\":1}",
                "{\"@timestamp\":\"2024-01-02T00:00.000Z\",\"m\":1}", "{\"@timestamp\":\"2024-01-01T09:59.999Z\",\"m\":1}");
    }

    @Test
    void idKeyIsARecordAccessor() {
        EsConfig c = config("Id_Key", "$meta['id']", "Write_Operation", "update");
        LogRecord r = withOrigin(TestRecords.json("t", T1, "{\"meta\":{\"id\":\"order-17\"},\"state\":\"paid\"}"), 3);
        assertThat(action(encode(c, List.of(r))))
                .isEqualTo("{\"update\":{\"_index\":\"fluent-bit\",\"_id\":\"order-17\"}}");
        // $id is the top-level id, as in Fluent Bit; an empty value is no id (origin id instead).
        EsConfig dollar = config("Id_Key", "$id");
        assertThat(action(encode(dollar, List.of(withOrigin(TestRecords.json("t", T1, "{\"id\":\"x1\"}"), 3)))))
                .isEqualTo("{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"x1\"}}");
        assertThat(action(encode(dollar, List.of(withOrigin(TestRecords.json("t", T1, "{\"id\":\"\"}"), 3)))))
                .isEqualTo("{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-6fc6ca04320260b8-1024:3\"}}");
    }

    @Test
    void indexIsAStrftimePatternOfTheRecordTime() {
        EsConfig c = config("Index", "app-%Y.%m.%d");
        assertThat(encode(c, records()).lines().filter(l -> l.startsWith("{\"create\"")).toList()).containsExactly(
                "{\"create\":{\"_index\":\"app-2024.01.01\",\"_id\":\"fp-6fc6ca04320260b8-1024:0\"}}",
                "{\"create\":{\"_index\":\"app-2024.01.02\",\"_id\":\"fp-6fc6ca04320260b8-1024:4096\"}}",
                "{\"create\":{\"_index\":\"app-2024.01.01\",\"_id\":\"a7b560a6-76e5-de26-25ad-f855c89fd835\"}}");
        EsEncoder e = new EsEncoder(c);
        e.encode(records().get(1), new ByteSink(256));
        assertThat(e.lastIndex()).isEqualTo("app-2024.01.02");
    }

    @Test
    void anExistingTagKeyIsNotAddedTwice() {
        LogRecord r = withOrigin(TestRecords.json("app.a", T1, "{\"tag\":\"mine\",\"m\":1}"), 7);
        assertThat(encode(config("Include_Tag_Key", "On", "Tag_Key", "tag"), List.of(r))).isEqualTo(
                "{\"create\":{\"_index\":\"fluent-bit\",\"_id\":\"fp-6fc6ca04320260b8-1024:7\"}}\n"
                        + "{\"@timestamp\":\"2024-01-01T10:00:00.123Z\",\"tag\":\"mine\",\"m\":1}\n");
    }

    @Test
    void longOriginIdsAreHashed() {
        RecordOrigin weird = TestRecords.origin("p", "path:/var/log/with space.log");
        LogRecord r = TestRecords.json("t", T1, "{\"m\":1}");
        r.origin(weird, 5, 10);
        String action = encode(config(), List.of(r)).lines().findFirst().orElseThrow();
        assertThat(action).matches("\\{\"create\":\\{\"_index\":\"fluent-bit\",\"_id\":\"[A-Za-z0-9_-]{22}:5\"}}");
    }
}
