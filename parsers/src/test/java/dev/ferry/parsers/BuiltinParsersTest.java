package dev.ferry.parsers;

import static dev.ferry.parsers.Records.json;
import static dev.ferry.parsers.Records.nanos;
import static dev.ferry.parsers.Records.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Parser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuiltinParsersTest {

    private static LogRecord parsed(String parser, String line) {
        LogRecord r = record(line);
        assertThat(BuiltinParsers.get(parser).parse(r)).as(r.parseError()).isTrue();
        return r;
    }

    @Test
    void namesEveryBuiltin() {
        assertThat(BuiltinParsers.configs().keySet()).containsExactly("json", "erlmcp", "erlang_report", "docker", "cri", "apache",
                "apache2", "nginx", "syslog-rfc5424", "syslog-rfc3164", "logfmt");
        assertThatThrownBy(() -> BuiltinParsers.get("xml")).hasMessage("no built-in parser 'xml'; built-in parsers: "
                + "json, erlmcp, erlang_report, docker, cri, apache, apache2, nginx, syslog-rfc5424, syslog-rfc3164, logfmt");
        assertThat(BuiltinParsers.find("xml")).isEmpty();
    }

    @Test
    void jsonAutoDetectsTheTime() {
        LogRecord r = parsed("json", "{\"timestamp\":\"2024-01-01T10:00:00.000Z\",\"level\":\"info\"}");
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        assertThat(json(r)).isEqualTo("{\"timestamp\":\"2024-01-01T10:00:00.000Z\",\"level\":\"info\"}");
    }

    @Test
    void dockerReadsAndKeepsTime() {
        String line = "{\"log\":\"hello\\n\",\"stream\":\"stderr\",\"time\":\"2024-01-01T10:00:00.123456789Z\"}";
        LogRecord r = parsed("docker", line);
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00.123456789Z"));
        assertThat(json(r)).isEqualTo(line);
    }

    @Test
    void criSplitsTheLine() {
        LogRecord r = parsed("cri", "2024-01-01T10:00:00.5+00:00 stdout F {\"a\":1}");
        assertThat(json(r)).isEqualTo("{\"time\":\"2024-01-01T10:00:00.5+00:00\",\"stream\":\"stdout\","
                + "\"logtag\":\"F\",\"message\":\"{\\\"a\\\":1}\"}");
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00.5Z"));
    }

    @Test
    void apacheAndNginxReadAccessLogs() {
        String line = "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
                + "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"";
        LogRecord a = parsed("apache", line);
        assertThat(a.timeNanos()).isEqualTo(nanos("2000-10-10T20:55:36Z"));
        assertThat(a.fields().has("time")).isFalse();
        assertThat(a.fields().text("agent")).isEqualTo("Mozilla/4.08 [en] (Win98; I ;Nav)");
        assertThat(parsed("apache2", line).fields().text("path")).isEqualTo("/apache_pb.gif");
        LogRecord n = parsed("nginx", "10.0.0.1 example.com - [10/Oct/2000:13:55:36 +0000] \"POST /v3/x HTTP/1.1\" "
                + "500 12 \"-\" \"curl/8.0\"");
        assertThat(n.fields().text("code")).isEqualTo("500");
        assertThat(n.timeNanos()).isEqualTo(nanos("2000-10-10T13:55:36Z"));
    }

    @Test
    void syslogRfc5424() {
        LogRecord r = parsed("syslog-rfc5424", "<165>1 2024-01-01T10:00:00.003Z host app 1234 ID47 - started");
        assertThat(json(r)).isEqualTo("{\"pri\":\"165\",\"time\":\"2024-01-01T10:00:00.003Z\",\"host\":\"host\","
                + "\"ident\":\"app\",\"pid\":\"1234\",\"msgid\":\"ID47\",\"extradata\":\"-\",\"message\":\"started\"}");
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00.003Z"));
    }

    @Test
    void syslogRfc3164() {
        LogRecord r = parsed("syslog-rfc3164", "<34>Oct 11 22:14:15 mymachine su[42]: 'su root' failed");
        assertThat(r.fields().text("ident")).isEqualTo("su");
        assertThat(r.fields().text("pid")).isEqualTo("42");
        assertThat(r.fields().text("message")).isEqualTo("'su root' failed");
        assertThat(r.timeFromLog()).isTrue();
    }

    @Test
    void erlmcpAndLogfmt() {
        assertThat(parsed("erlmcp", "[2024-01-01T10:00:00Z] info hi").fields().text("message")).isEqualTo("hi");
        assertThat(parsed("logfmt", "a=1 b=2").fields().size()).isEqualTo(2);
    }

    @Test
    void aUserParserOverridesABuiltinOfTheSameName() {
        ParserConfig mine = ParserConfigTest.config("Name", "json", "Format", "regex", "Regex", "^(?<all>.*)$");
        Map<String, Parser> parsers = ParserFactory.createAll(List.of(mine));
        assertThat(parsers.keySet()).contains("json", "docker", "erlmcp");
        assertThat(parsers).hasSize(BuiltinParsers.configs().size());
        LogRecord r = record("{\"a\":1}");
        assertThat(parsers.get("json").parse(r)).isTrue();
        assertThat(json(r)).isEqualTo("{\"all\":\"{\\\"a\\\":1}\"}");
        assertThat(ParserFactory.createAll(List.of()).get("json").getClass().getSimpleName()).isEqualTo("JsonParser");
    }
}
