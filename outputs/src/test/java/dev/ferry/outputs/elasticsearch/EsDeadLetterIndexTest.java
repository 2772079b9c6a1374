package dev.ferry.outputs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.outputs.DeadLetter;
import dev.ferry.outputs.Sections;
import dev.ferry.outputs.TestRecords;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The bulk lines of the dead-letter index: the dead-letter file's members, the record as one JSON string,
 * an id from the origin when there is one. (Delivery against a real node is in the agent's
 * ElasticsearchDeliveryIT.)
 */
class EsDeadLetterIndexTest {

    private static String encode(DeadLetter d) {
        ByteSink out = new ByteSink(256);
        EsDeadLetterIndex.encode("ferry-dead-letters", d, out);
        return new String(out.array(), 0, out.length(), StandardCharsets.UTF_8);
    }

    @Test
    void aLetterWithAnOriginIsCreatedUnderOriginAndOffsetWithTheRecordAsAString() {
        DeadLetter d = new DeadLetter("{\"n\":\"x\",\"msg\":\"a \\\"q\\\" é\"}".getBytes(StandardCharsets.UTF_8),
                "logs-2024.01.01", 400, "HTTP 400 document_parsing_exception: failed to parse field [n] of type [long]",
                1_704_103_200_123L, "app.log", "fp-6fc6ca04320260b8-1024", 4096, 0x5c1f09a2L);
        assertThat(encode(d)).isEqualTo(
                "{\"create\":{\"_index\":\"ferry-dead-letters\",\"_id\":\"fp-6fc6ca04320260b8-1024:4096:5c1f09a2\"}}\n"
                        + "{\"time\":\"2024-01-01T10:00:00.123Z\",\"tag\":\"app.log\",\"origin\":\"fp-6fc6ca04320260b8-1024\","
                        + "\"offset\":4096,\"line_hash\":\"5c1f09a2\",\"target\":\"logs-2024.01.01\",\"status\":400,\"reason\":\"HTTP 400 "
                        + "document_parsing_exception: failed to parse field [n] of type [long]\","
                        + "\"record\":\"{\\\"n\\\":\\\"x\\\",\\\"msg\\\":\\\"a \\\\\\\"q\\\\\\\" é\\\"}\"}\n");
    }

    @Test
    void aLetterWithoutOriginLetsElasticsearchPickTheId() {
        DeadLetter d = new DeadLetter("{}".getBytes(StandardCharsets.UTF_8), "fluent-bit", 0,
                "retry limit reached: 127.0.0.1:9: connection refused", 1_704_103_201_000L, "t", null, -1,
                LogRecord.NO_LINE_HASH);
        assertThat(encode(d)).isEqualTo("{\"create\":{\"_index\":\"ferry-dead-letters\"}}\n"
                + "{\"time\":\"2024-01-01T10:00:01Z\",\"tag\":\"t\",\"origin\":null,\"offset\":-1,\"line_hash\":null,\"target\":\"fluent-bit\","
                + "\"status\":0,\"reason\":\"retry limit reached: 127.0.0.1:9: connection refused\",\"record\":\"{}\"}\n");
    }

    @Test
    void aLetterWithAnOriginButNoLineHashKeepsTheOlderId() {
        // A record read back from a spool an earlier ferry wrote: its document id had no line hash either.
        DeadLetter d = new DeadLetter("{}".getBytes(StandardCharsets.UTF_8), "logs", 400, "r", 1_704_103_201_000L, "t",
                "fp-1", 30, LogRecord.NO_LINE_HASH);
        assertThat(encode(d)).startsWith("{\"create\":{\"_index\":\"ferry-dead-letters\",\"_id\":\"fp-1:30\"}}\n")
                .contains("\"offset\":30,\"line_hash\":null,");
    }

    @Test
    void aLetterFromAnUnusualOriginIdTakesTheIdItsDocumentHad() {
        // An origin id over 200 characters, with a space and a slash: EsEncoder hashes it into the document's id,
        // and the letter's id must be that id, not the raw origin (which could also pass Elasticsearch's 512 bytes).
        String origin = "path:/var/log/with space/" + "x".repeat(300) + ".log";
        LogRecord r = TestRecords.json("t", TestRecords.TIME, "{\"m\":1}");
        r.origin(TestRecords.origin("p", origin), 4096, 4200);
        r.lineHash(0x5c1f09a2L);
        ByteSink sent = new ByteSink(256);
        new EsEncoder(EsConfig.from(Sections.bind(EsConfig.OPTIONS, "Name", "es"))).encode(r, sent);
        Matcher documentId = Pattern.compile("\"_id\":\"([^\"]+)\"").matcher(sent.toString());
        assertThat(documentId.find()).isTrue();
        assertThat(documentId.group(1)).matches("[A-Za-z0-9_-]{22}:4096:5c1f09a2");

        DeadLetter d = new DeadLetter("{\"m\":1}".getBytes(StandardCharsets.UTF_8), "fluent-bit", 400, "r",
                1_704_103_201_000L, "t", origin, 4096, 0x5c1f09a2L);
        assertThat(encode(d)).startsWith("{\"create\":{\"_index\":\"ferry-dead-letters\",\"_id\":\""
                + documentId.group(1) + "\"}}\n").contains("\"origin\":\"" + origin + "\"");
    }
}
