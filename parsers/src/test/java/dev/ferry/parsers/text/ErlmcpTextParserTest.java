package dev.ferry.parsers.text;

import static dev.ferry.parsers.Records.READ_TIME;
import static dev.ferry.parsers.Records.json;
import static dev.ferry.parsers.Records.nanos;
import static dev.ferry.parsers.Records.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.record.LogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErlmcpTextParserTest {

    private final ErlmcpTextParser parser = new ErlmcpTextParser("erlmcp");

    private LogRecord parsed(String line) {
        LogRecord r = record(line);
        assertThat(parser.parse(r)).as(r.parseError()).isTrue();
        return r;
    }

    @Test
    void readsTheConsoleTemplate() {
        LogRecord r = parsed("[2024-01-01T10:00:00.123456+00:00] info pid=<0.123.0> module=erlmcp_server line=42 "
                + "Tool call failed: timeout");
        assertThat(json(r)).isEqualTo("{\"time\":\"2024-01-01T10:00:00.123456+00:00\",\"level\":\"info\","
                + "\"metadata\":{\"pid\":\"<0.123.0>\",\"module\":\"erlmcp_server\",\"line\":\"42\"},"
                + "\"message\":\"Tool call failed: timeout\"}");
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00.123456Z"));
        assertThat(r.timeFromLog()).isTrue();
    }

    @Test
    void readsQuotedMetadataAndAnEmptyMessage() {
        LogRecord r = parsed("[2024-01-01T12:00:00+02:00] warning request_id=\"a \\\"b\\\" c\" session=s-1");
        assertThat(json(r)).isEqualTo("{\"time\":\"2024-01-01T12:00:00+02:00\",\"level\":\"warning\","
                + "\"metadata\":{\"request_id\":\"a \\\"b\\\" c\",\"session\":\"s-1\"},\"message\":\"\"}");
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
    }

    @Test
    void startsTheMessageAtTheFirstWordThatIsNotAPair() {
        LogRecord r = parsed("[2024-01-01T10:00:00Z] error pid=<0.9.0> {badmatch,{error,x=1}} at key=value");
        assertThat(json(r)).isEqualTo("{\"time\":\"2024-01-01T10:00:00Z\",\"level\":\"error\","
                + "\"metadata\":{\"pid\":\"<0.9.0>\"},\"message\":\"{badmatch,{error,x=1}} at key=value\"}");
        LogRecord plain = parsed("[2024-01-01T10:00:00Z] debug started");
        assertThat(json(plain)).isEqualTo("{\"time\":\"2024-01-01T10:00:00Z\",\"level\":\"debug\",\"message\":\"started\"}");
        LogRecord bare = parsed("[2024-01-01T10:00:00Z] notice");
        assertThat(json(bare)).isEqualTo("{\"time\":\"2024-01-01T10:00:00Z\",\"level\":\"notice\",\"message\":\"\"}");
    }

    @Test
    void readsOtpsDefaultTemplate() {
        LogRecord r = parsed("2024-01-01T10:00:00.123456+00:00 info: Application erlmcp started on node nonode@nohost");
        assertThat(json(r)).isEqualTo("{\"time\":\"2024-01-01T10:00:00.123456+00:00\",\"level\":\"info\","
                + "\"message\":\"Application erlmcp started on node nonode@nohost\"}");
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00.123456Z"));
    }

    @Test
    void readsRealErlmcpLines() throws IOException {
        for (String line : lines()) {
            LogRecord r = parsed(line);
            assertThat(r.fields().has("metadata")).isTrue();
            assertThat(r.fields().text("level")).isIn("info", "error", "warning");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[2024-01-01T10:00:00Z info x                 | no ']' after the time",
        "[yesterday] info x                          | 'yesterday' is not an ISO-8601 time",
        "[2024-01-01T10:00:00Z]info x                | no level after the time",
        "[2024-01-01T10:00:00Z] INFO x               | unknown level 'INFO'",
        "[2024-01-01T10:00:00Z] verbose x            | unknown level 'verbose'",
        "hello world                                 | expected '[time] level ...' or 'time level: ...'",
        "2024-01-01T10:00:00Z info message           | expected 'level:' after the time",
        "''                                          | expected '[time] level ...' or 'time level: ...'",
    })
    void rejectsOtherLines(String line, String why) {
        LogRecord r = record(line);
        assertThat(parser.parse(r)).isFalse();
        assertThat(r.parseError()).isEqualTo("line does not match the erlmcp text format: " + why);
        assertThat(r.fields().size()).isZero();
        assertThat(r.timeNanos()).isEqualTo(READ_TIME);
    }

    static List<String> lines() throws IOException {
        try (InputStream in = ErlmcpTextParserTest.class.getResourceAsStream("/erlmcp-console.log")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void countsTheInvalidUtf8BytesOfTheMetadataValuesItDecodes() {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        line.writeBytes("[2024-01-01T10:00:00Z] info user=jo".getBytes(StandardCharsets.UTF_8));
        line.writeBytes(new byte[] {(byte) 0xEB, ' ', 'q', '=', '"', (byte) 0xFF, '"'}); // Latin-1 ë, a stray byte
        LogRecord r = record(line.toByteArray());
        assertThat(parser.parse(r)).isTrue();
        assertThat(r.fields().invalidUtf8()).isEqualTo(2);
        assertThat(json(r)).isEqualTo("{\"time\":\"2024-01-01T10:00:00Z\",\"level\":\"info\","
                + "\"metadata\":{\"user\":\"jo\uFFFD\",\"q\":\"\uFFFD\"},\"message\":\"\"}");
    }
}
