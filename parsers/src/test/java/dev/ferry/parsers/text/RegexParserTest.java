package dev.ferry.parsers.text;

import static dev.ferry.parsers.Records.json;
import static dev.ferry.parsers.Records.nanos;
import static dev.ferry.parsers.Records.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.parsers.time.TimeField;
import dev.ferry.parsers.time.TimeFormat;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.regex.RubyRegex;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegexParserTest {

    private static final String APACHE = "^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] \"(?<method>\\S+)"
            + "(?: +(?<path>[^\\\"]*?)(?: +\\S*)?)?\" (?<code>[^ ]*) (?<size>[^ ]*)"
            + "(?: \"(?<referer>[^\\\"]*)\" \"(?<agent>[^\\\"]*)\")?$";
    private static final String APACHE_LINE = "192.168.0.1 - alice [10/Oct/2000:13:55:36 -0700] "
            + "\"GET /apache_pb.gif HTTP/1.0\" 200 2326 \"http://example.com/\" \"Mozilla/4.08\"";

    private static RegexParser parser(String regex, Map<String, FieldType> types, TimeField time, boolean skipEmpty) {
        return new RegexParser("p", RubyRegex.compile(regex), types, time, skipEmpty);
    }

    @Test
    void turnsNamedGroupsIntoFieldsInOrder() {
        TimeField time = new TimeField("time", TimeFormat.compile("%d/%b/%Y:%H:%M:%S %z"), false, 0);
        LogRecord r = record(APACHE_LINE);
        assertThat(parser(APACHE, Map.of(), time, true).parse(r)).isTrue();
        assertThat(json(r)).isEqualTo("{\"host\":\"192.168.0.1\",\"user\":\"alice\",\"method\":\"GET\","
                + "\"path\":\"/apache_pb.gif\",\"code\":\"200\",\"size\":\"2326\",\"referer\":\"http://example.com/\","
                + "\"agent\":\"Mozilla/4.08\"}");
        assertThat(r.timeNanos()).isEqualTo(nanos("2000-10-10T20:55:36Z"));
        assertThat(r.timeFromLog()).isTrue();
    }

    @Test
    void keepsTheTimeGroupWhenAskedOrWhenItIsNoTime() {
        TimeField keep = new TimeField("time", TimeFormat.compile("%d/%b/%Y:%H:%M:%S %z"), true, 0);
        LogRecord kept = record(APACHE_LINE);
        parser(APACHE, Map.of(), keep, true).parse(kept);
        assertThat(kept.fields().text("time")).isEqualTo("10/Oct/2000:13:55:36 -0700");
        assertThat(kept.fields().key(2)).isEqualTo("time");

        TimeField wrong = new TimeField("time", TimeFormat.compile("%Y-%m-%d"), false, 0);
        LogRecord r = record(APACHE_LINE);
        assertThat(parser(APACHE, Map.of(), wrong, true).parse(r)).isTrue();
        assertThat(r.fields().text("time")).isEqualTo("10/Oct/2000:13:55:36 -0700");
        assertThat(r.timeFromLog()).isFalse();
    }

    @Test
    void convertsTypes() {
        Map<String, FieldType> types = FieldType.parseTypes("code:integer size:integer took:float ok:bool id:hex s:string");
        RegexParser p = parser("^(?<code>\\S+) (?<size>\\S+) (?<took>\\S+) (?<ok>\\S+) (?<id>\\S+) (?<s>\\S+)$",
                types, null, true);
        LogRecord r = record("200 -17 0.25 TRUE 0xff 12");
        assertThat(p.parse(r)).isTrue();
        assertThat(json(r)).isEqualTo("{\"code\":200,\"size\":-17,\"took\":0.25,\"ok\":true,\"id\":255,\"s\":\"12\"}");
        LogRecord bad = record("2x 99999999999999999999 fast maybe zz 1");
        assertThat(p.parse(bad)).isTrue();
        assertThat(json(bad)).isEqualTo("{\"code\":\"2x\",\"size\":\"99999999999999999999\",\"took\":\"fast\","
                + "\"ok\":\"maybe\",\"id\":\"zz\",\"s\":\"1\"}");
    }

    @Test
    void skipsEmptyAndMissingGroupsUnlessToldNotTo() {
        String regex = "^(?<a>[a-z]*):(?<b>[0-9]*)(?: (?<c>.+))?$";
        LogRecord skipped = record(":5");
        assertThat(parser(regex, Map.of(), null, true).parse(skipped)).isTrue();
        assertThat(json(skipped)).isEqualTo("{\"b\":\"5\"}");
        LogRecord kept = record(":5");
        assertThat(parser(regex, Map.of(), null, false).parse(kept)).isTrue();
        assertThat(json(kept)).isEqualTo("{\"a\":\"\",\"b\":\"5\",\"c\":\"\"}");
    }

    @Test
    void searchesRatherThanMatchesTheWholeLine() {
        LogRecord r = record("noise level=warn more");
        assertThat(parser("level=(?<level>\\w+)", Map.of(), null, true).parse(r)).isTrue();
        assertThat(json(r)).isEqualTo("{\"level\":\"warn\"}");
    }

    @Test
    void rejectsLinesThatDoNotMatch() {
        LogRecord r = record("not an access log line");
        assertThat(new RegexParser("apache", RubyRegex.compile(APACHE), Map.of(), null, true).parse(r)).isFalse();
        assertThat(r.parseError()).isEqualTo("line does not match regex of parser apache");
        assertThat(r.fields().size()).isZero();
    }

    @Test
    void matchesLinesWithMultiByteCharacters() {
        RegexParser p = parser("^(?<user>\\S+) says (?<msg>.{5})(?<rest>.*)$", Map.of(), null, true);
        LogRecord r = record("zoë says héllo wörld ✓");
        assertThat(p.parse(r)).isTrue();
        assertThat(json(r)).isEqualTo("{\"user\":\"zoë\",\"msg\":\"héllo\",\"rest\":\" wörld ✓\"}");
        assertThat(r.fields().invalidUtf8()).isZero();
    }

    @Test
    void notesTheInvalidUtf8BytesItsStringsHoldAsReplacementCharacters() {
        RegexParser p = parser("^(?<level>[A-Z]+) (?<msg>.*)$", Map.of(), null, true);
        // Latin-1 "café" and a stray byte: the groups are strings, so the record's writer cannot see the bytes
        LogRecord r = record(new byte[] {'E', ' ', 'c', 'a', 'f', (byte) 0xE9, ' ', (byte) 0x80});
        assertThat(p.parse(r)).isTrue();
        assertThat(json(r)).isEqualTo("{\"level\":\"E\",\"msg\":\"caf\uFFFD \uFFFD\"}");
        assertThat(r.fields().invalidUtf8()).isEqualTo(2);
        // a line that does not match is kept whole by the caller, whose writer counts the bytes itself
        LogRecord unmatched = record(new byte[] {'e', ' ', (byte) 0xE9});
        assertThat(p.parse(unmatched)).isFalse();
        assertThat(unmatched.fields().invalidUtf8()).isZero();
    }

    @Test
    void inlineMKeepsAJoinedRecordsContinuationLinesInTheField() {
        // Onigmo's (?m) is dot-matches-newline (parsers audit L4); as Java's (?m) the stack lines fell out of msg
        RegexParser p = parser("(?m)^(?<level>[A-Z]+) (?<msg>.*)$", Map.of(), null, true);
        LogRecord r = record("ERROR boom\n    at a.b(C.java:1)\n    at c.d(E.java:2)");
        assertThat(p.parse(r)).isTrue();
        assertThat(json(r)).isEqualTo("{\"level\":\"ERROR\",\"msg\":\"boom\\n    at a.b(C.java:1)\\n    at c.d(E.java:2)\"}");
    }

    @Test
    void translatesOnigmoGroupNamesAndHexClasses() {
        RubyRegex re = RubyRegex.compile("^(?<user_agent>[^ ]+) (?<log-level>\\h+) (?<same>\\w)\\k<same> (?<=x)?(?<tail>[\\h_]+)$");
        assertThat(re.names()).containsExactly("user_agent", "log-level", "same", "tail");
        RegexParser p = new RegexParser("p", re, Map.of(), null, true);
        LogRecord r = record("curl/8 dead aa beef_01");
        assertThat(p.parse(r)).isTrue();
        assertThat(json(r)).isEqualTo("{\"user_agent\":\"curl/8\",\"log-level\":\"dead\",\"same\":\"a\",\"tail\":\"beef_01\"}");
        assertThat(p.parse(record("curl/8 xyz aa beef"))).isFalse();
        assertThat(RubyRegex.compile("[(?<notagroup>x)]").names()).isEmpty();
        assertThat(RubyRegex.compile("\\(?<a>x\\)").names()).isEmpty();
    }
}
