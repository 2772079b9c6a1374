package dev.ferry.parsers.multiline;

import static dev.ferry.parsers.Records.READ_TIME;
import static dev.ferry.parsers.Records.json;
import static dev.ferry.parsers.Records.nanos;
import static dev.ferry.parsers.Records.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.parsers.BuiltinParsers;
import dev.ferry.parsers.ParserConfig;
import dev.ferry.parsers.ParserFactory;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Parser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The erlang_report parser on reports joined by the erlang multiline parser from real OTP 25 output.
 * (In the multiline package because it reads the multiline test resources and assembler.)
 */
class ErlangReportParserTest {

    private final Parser parser = BuiltinParsers.get("erlang_report");

    private static List<Collected.Out> reports(String resource) {
        Collected out = new Collected();
        MultilineAssembler a = MultilineAssembler.create(BuiltinMultilineParsers.find("erlang").orElseThrow());
        Collected.feed(a, Collected.resource(resource), 0, 0, out);
        a.flush(0, true, out);
        return out.records;
    }

    private LogRecord parsed(String text) {
        LogRecord r = record(text);
        assertThat(parser.parse(r)).as(r.parseError()).isTrue();
        return r;
    }

    /** The record's JSON without the message field (checked on its own). */
    private static String fields(LogRecord r) {
        String j = json(r);
        return j.substring(0, j.indexOf(",\"message\":")) + "}";
    }

    @Test
    void readsACrashReport() {
        String text = reports("otp-legacy-header.log").get(2).text();
        LogRecord r = parsed(text);
        assertThat(fields(r)).isEqualTo("{\"report_type\":\"crash\",\"level\":\"error\","
                + "\"time\":\"22-Nov-2026::03:42:38.070914\",\"pid\":\"<0.85.0>\",\"registered_name\":\"crash_srv\","
                + "\"initial_call\":\"crash_srv:init/1\","
                + "\"reason\":\"error: no match of right hand side value {error,enoent}\"}");
        assertThat(r.timeNanos()).isEqualTo(nanos("2026-11-22T03:42:38.070914Z"));
        assertThat(r.timeFromLog()).isTrue();
        assertThat(r.fields().text("message")).isEqualTo(text.stripTrailing()).endsWith("\n  neighbours:");
    }

    @Test
    void readsASupervisorReportWithItsMultiLineReason() {
        LogRecord r = parsed(reports("otp-legacy-header.log").get(3).text());
        assertThat(fields(r)).isEqualTo("{\"report_type\":\"supervisor\",\"level\":\"error\","
                + "\"time\":\"22-Nov-2026::03:42:38.072676\",\"pid\":\"<0.85.0>\",\"mfa\":\"crash_srv:start_link/0\","
                + "\"supervisor\":\"crash_sup\",\"child\":\"crash_srv\",\"error_context\":\"child_terminated\","
                + "\"reason\":\"{{badmatch,{error,enoent}},\\n"
                + "             [{crash_srv,handle_call,3,[{file,\\\"crash_srv.erl\\\"},{line,6}]},\\n"
                + "              {gen_server,try_handle_call,4,\\n"
                + "                          [{file,\\\"gen_server.erl\\\"},{line,1149}]},\\n"
                + "              {gen_server,handle_msg,6,[{file,\\\"gen_server.erl\\\"},{line,1178}]},\\n"
                + "              {proc_lib,init_p_do_apply,3,\\n"
                + "                        [{file,\\\"proc_lib.erl\\\"},{line,240}]}]}\"}");
    }

    @Test
    void readsProgressAndGenServerErrorReports() {
        List<Collected.Out> reports = reports("otp-legacy-header.log");
        assertThat(fields(parsed(reports.get(0).text()))).isEqualTo("{\"report_type\":\"progress\",\"level\":\"info\","
                + "\"time\":\"22-Nov-2026::03:42:38.046381\",\"pid\":\"<0.85.0>\",\"mfa\":\"crash_srv:start_link/0\","
                + "\"supervisor\":\"crash_sup\",\"child\":\"crash_srv\"}");
        assertThat(fields(parsed(reports.get(1).text()))).isEqualTo("{\"report_type\":\"error\",\"level\":\"error\","
                + "\"time\":\"22-Nov-2026::03:42:38.054822\",\"reason\":\"{{badmatch,{error,enoent}},\\n"
                + "    [{crash_srv,handle_call,3,[{file,\\\"crash_srv.erl\\\"},{line,6}]},\\n"
                + "     {gen_server,try_handle_call,4,[{file,\\\"gen_server.erl\\\"},{line,1149}]},\\n"
                + "     {gen_server,handle_msg,6,[{file,\\\"gen_server.erl\\\"},{line,1178}]},\\n"
                + "     {proc_lib,init_p_do_apply,3,[{file,\\\"proc_lib.erl\\\"},{line,240}]}]}\"}");
    }

    @Test
    void readsPlainErrorInfoAndWarningReports() {
        List<Collected.Out> reports = reports("otp-legacy-header.log");
        LogRecord kv = parsed(reports.get(5).text());
        assertThat(json(kv)).isEqualTo("{\"report_type\":\"error\",\"level\":\"error\","
                + "\"time\":\"22-Nov-2026::03:42:38.274743\",\"reason\":\"disk_full\","
                + "\"message\":\"=ERROR REPORT==== 22-Nov-2026::03:42:38.274743 ===\\n    module: demo\\n"
                + "    reason: disk_full\\n    free_bytes: 0\"}");
        assertThat(json(parsed(reports.get(6).text()))).isEqualTo("{\"report_type\":\"info\",\"level\":\"info\","
                + "\"time\":\"22-Nov-2026::03:42:38.274862\","
                + "\"message\":\"=INFO REPORT==== 22-Nov-2026::03:42:38.274862 ===\\nlistener started on port 8080\"}");
        assertThat(fields(parsed(reports.get(8).text()))).isEqualTo("{\"report_type\":\"warning\",\"level\":\"warning\","
                + "\"time\":\"22-Nov-2026::03:42:38.274933\"}");
    }

    @Test
    void readsLoggerFormatterReportsWithoutTheLegacyHeader() {
        List<Collected.Out> reports = reports("otp-logger-formatter.log");
        LogRecord crash = parsed(reports.get(2).text());
        assertThat(fields(crash)).isEqualTo("{\"report_type\":\"crash\",\"level\":\"error\","
                + "\"time\":\"2026-11-22T03:42:39.883708+00:00\",\"pid\":\"<0.85.0>\",\"registered_name\":\"crash_srv\","
                + "\"initial_call\":\"crash_srv:init/1\","
                + "\"reason\":\"error: no match of right hand side value {error,enoent}\"}");
        assertThat(crash.timeNanos()).isEqualTo(nanos("2026-11-22T03:42:39.883708Z"));
        assertThat(parsed(reports.get(3).text()).fields().text("report_type")).isEqualTo("supervisor");
        assertThat(parsed(reports.get(4).text()).fields().text("report_type")).isEqualTo("progress");
        assertThat(json(parsed(reports.get(6).text()))).isEqualTo("{\"report_type\":\"notice\",\"level\":\"notice\","
                + "\"time\":\"2026-11-22T03:42:40.104755+00:00\","
                + "\"message\":\"2026-11-22T03:42:40.104755+00:00 notice:\\nlistener started on port 8080\"}");
    }

    @Test
    void readsOldErrorLoggerTermsAndHeadersWithoutFractions() {
        LogRecord r = parsed("=CRASH REPORT==== 1-Jan-2024::10:00:00 ===\n"
                + "  crasher:\n"
                + "    initial call: my_server:init/1\n"
                + "    pid: <0.120.0>\n"
                + "    exception exit: {timeout,{gen_server,call,[db,get]}}\n");
        assertThat(fields(r)).isEqualTo("{\"report_type\":\"crash\",\"level\":\"error\",\"time\":\"1-Jan-2024::10:00:00\","
                + "\"pid\":\"<0.120.0>\",\"initial_call\":\"my_server:init/1\","
                + "\"reason\":\"exit: {timeout,{gen_server,call,[db,get]}}\"}");
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        LogRecord old = parsed("=CRASH REPORT==== 1-Jan-2024::10:00:00.5 ===\n"
                + "  crasher:\n    initial call: {my_server,init,['Argument__1']}\n    pid: <0.121.0>\n");
        assertThat(old.fields().text("initial_call")).isEqualTo("my_server:init/1");
        assertThat(old.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00.5Z"));
    }

    @Test
    void readsLegacyTimesInTheConfiguredZone() {
        ParserConfig c = ParserConfig.from(new ConfigSection("PARSER", new SourceLocation("p.conf", 1), List.of(
                new ConfigEntry("Name", "otp", new SourceLocation("p.conf", 2)),
                new ConfigEntry("Format", "erlang_report", new SourceLocation("p.conf", 3)),
                new ConfigEntry("Time_Offset", "+0200", new SourceLocation("p.conf", 4)))));
        LogRecord r = record("=INFO REPORT==== 1-Jan-2024::12:00:00.000001 ===\nhello\n");
        assertThat(ParserFactory.create(c).parse(r)).isTrue();
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00.000001Z"));
    }

    @Test
    void aTextThatIsNoReportIsAParseError() {
        LogRecord r = record("java.lang.RuntimeException: boom\n\tat X.y(X.java:1)");
        assertThat(parser.parse(r)).isFalse();
        assertThat(r.parseError()).isEqualTo("not an OTP report: expected a '=... REPORT==== date ===' header or a "
                + "'time level:' first line");
        assertThat(r.fields().size()).isZero();
        assertThat(r.timeNanos()).isEqualTo(READ_TIME);
        LogRecord badDate = parsed("=INFO REPORT==== 31-Feb-2024::10:00:00 ===\nx");
        assertThat(badDate.timeFromLog()).isFalse();
        assertThat(badDate.fields().text("time")).isEqualTo("31-Feb-2024::10:00:00");
    }

    @Test
    void countsTheInvalidUtf8BytesOfTheReportItDecodes() {
        byte[] head = "=INFO REPORT==== 1-Jan-2024::10:00:00 ===\ncaf".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] text = java.util.Arrays.copyOf(head, head.length + 1);
        text[head.length] = (byte) 0xE9; // Latin-1 é
        LogRecord r = record(text);
        assertThat(parser.parse(r)).as(r.parseError()).isTrue();
        assertThat(r.fields().invalidUtf8()).isEqualTo(1);
        assertThat(json(r)).contains("caf\uFFFD");
    }
}
