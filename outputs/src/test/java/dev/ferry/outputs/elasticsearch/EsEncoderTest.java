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
                "\n{\"m\":\"2024-01-01T10:00:00.123Z\",\"_flb-key\":\"t\"}\n");
    }

    @Test
    void theSameContentGetsTheSameGeneratedId() {
        EsConfig c = config("Generate_ID", "On");
        String a = encode(c, List.of(TestRecords.json("t", T1, "{\"m\":1}")));
        String b = encode(c, List.of(TestRecords.json("other", T2, "{\"m\":1}")));
        assertThat(a.substring(0, a.indexOf('\n'))).isEqualTo(b.substring(0, b.indexOf('\n')));
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
