package dev.ferry.parsers;

import static dev.ferry.parsers.Records.json;
import static dev.ferry.parsers.Records.nanos;
import static dev.ferry.parsers.Records.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.parsers.text.FieldType;
import dev.ferry.parsers.time.TimeFormat;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.config.SourceLocation;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Parser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParserConfigTest {

    /** A [PARSER] section at parsers.conf:3 whose entries sit on the lines after it. */
    static ConfigSection section(String... keyValues) {
        List<ConfigEntry> entries = new ArrayList<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            entries.add(new ConfigEntry(keyValues[i], keyValues[i + 1], new SourceLocation("parsers.conf", 4 + i / 2)));
        }
        return new ConfigSection("PARSER", new SourceLocation("parsers.conf", 3), entries);
    }

    static ParserConfig config(String... keyValues) {
        return ParserConfig.from(section(keyValues));
    }

    @Test
    void timeSystemTimezoneReadsTimesWithoutAZoneInTheSystemZone() {
        ConfigSection s = section("Name", "nginx_error", "Format", "regex", "Regex", "^(?<time>[^ ]+ [^ ]+) (?<m>.*)$",
                "Time_Key", "time", "Time_Format", "%Y/%m/%d %H:%M:%S", "Time_Offset", "+0500",
                "Time_System_Timezone", "true");
        ParserConfig c = ParserConfig.from(ParserConfig.OPTIONS.bind(s), java.time.Clock.systemUTC(),
                java.time.ZoneId.of("America/New_York"));
        assertThat(c.timeSystemTimezone()).isTrue();
        LogRecord winter = record("2024/01/15 12:00:00 upstream timed out");
        assertThat(ParserFactory.create(c).parse(winter)).isTrue();
        assertThat(winter.timeNanos()).isEqualTo(nanos("2024-01-15T17:00:00Z"));
        LogRecord summer = record("2024/07/15 12:00:00 upstream timed out");
        assertThat(ParserFactory.create(c).parse(summer)).isTrue();
        assertThat(summer.timeNanos()).isEqualTo(nanos("2024-07-15T16:00:00Z"));
        assertThat(config("Name", "n", "Format", "json").timeSystemTimezone()).isFalse();
    }

    @Test
    void logfmtNoBareKeysRejectsALineWithAKeyAlone() {
        Parser p = ParserFactory.create(config("Name", "strict", "Format", "logfmt", "Logfmt_No_Bare_Keys", "true"));
        LogRecord r = record("key1=val1 key2=val2 key3");
        assertThat(p.parse(r)).isFalse();
        assertThat(r.parseError()).isEqualTo("key 'key3' has no value and Logfmt_No_Bare_Keys is on (parser strict)");
        LogRecord ok = record("key1=val1 key2=val2 key3");
        assertThat(ParserFactory.create(config("Name", "lf", "Format", "logfmt")).parse(ok)).isTrue();
    }

    @Test
    void readsEveryOption() {
        ParserConfig c = config("Name", "app", "Format", "regex", "Regex", "^(?<time>\\S+) (?<n>\\d+)$",
                "Time_Key", "time", "Time_Format", "%Y-%m-%dT%H:%M:%S", "Time_Keep", "on", "Time_Offset", "-05:00",
                "Time_Strict", "off", "Types", "n:integer", "Skip_Empty_Values", "off");
        assertThat(c.name()).isEqualTo("app");
        assertThat(c.format()).isEqualTo(ParserConfig.Format.REGEX);
        assertThat(c.regex().names()).containsExactly("time", "n");
        assertThat(c.timeKey()).isEqualTo("time");
        assertThat(c.timeFormat().pattern()).isEqualTo("%Y-%m-%dT%H:%M:%S");
        assertThat(c.timeKeep()).isTrue();
        assertThat(c.timeOffsetSeconds()).isEqualTo(-18000);
        assertThat(c.timeStrict()).isFalse();
        assertThat(c.types()).isEqualTo(Map.of("n", FieldType.INTEGER));
        assertThat(c.skipEmptyValues()).isFalse();

        LogRecord r = record("2024-01-01T05:00:00 7");
        assertThat(ParserFactory.create(c).parse(r)).isTrue();
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        assertThat(json(r)).isEqualTo("{\"time\":\"2024-01-01T05:00:00\",\"n\":7}");
    }

    @Test
    void hasFluentBitsDefaults() {
        ParserConfig c = config("Name", "j", "Format", "json");
        assertThat(c.timeKey()).isNull();
        assertThat(c.timeFormat()).isNull();
        assertThat(c.timeKeep()).isFalse();
        assertThat(c.timeStrict()).isTrue();
        assertThat(c.skipEmptyValues()).isTrue();
        assertThat(c.types()).isEmpty();
        assertThat(c.timeField()).isNull();
        assertThat(config("Name", "j", "Format", "json", "Time_Format", "%s").timeKey()).isEqualTo("time");
    }

    @Test
    void removesTheTimeKeyOfAJsonParserByDefault() {
        Parser p = ParserFactory.create(config("Name", "j", "Format", "json", "Time_Key", "ts", "Time_Format", "%s"));
        LogRecord r = record("{\"ts\":1704103200,\"msg\":\"x\"}");
        assertThat(p.parse(r)).isTrue();
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        assertThat(json(r)).isEqualTo("{\"msg\":\"x\"}");
    }

    /** audit W3: Fluent Bit reads no time without Time_Format and keeps the field; ferry must keep it too. */
    @Test
    void keepsTheTimeKeyFieldWhenThereIsNoTimeFormat() {
        Parser json = ParserFactory.create(config("Name", "j", "Format", "json", "Time_Key", "time"));
        LogRecord j = record("{\"time\":\"2024-01-01T10:00:00Z\",\"msg\":\"a\"}");
        assertThat(json.parse(j)).isTrue();
        assertThat(j.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        assertThat(json(j)).isEqualTo("{\"time\":\"2024-01-01T10:00:00Z\",\"msg\":\"a\"}");

        Parser regex = ParserFactory.create(config("Name", "r", "Format", "regex",
                "Regex", "^(?<time>\\S+) (?<msg>.*)$", "Time_Key", "time"));
        LogRecord r = record("2024-01-01T10:00:00Z a");
        assertThat(regex.parse(r)).isTrue();
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        assertThat(json(r)).isEqualTo("{\"time\":\"2024-01-01T10:00:00Z\",\"msg\":\"a\"}");

        Parser logfmt = ParserFactory.create(config("Name", "l", "Format", "logfmt", "Time_Key", "ts"));
        LogRecord l = record("ts=1704103200 msg=a");
        assertThat(logfmt.parse(l)).isTrue();
        assertThat(l.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        assertThat(json(l)).isEqualTo("{\"ts\":\"1704103200\",\"msg\":\"a\"}");

        Parser ltsv = ParserFactory.create(config("Name", "t", "Format", "ltsv", "Time_Key", "time"));
        LogRecord t = record("time:2024-01-01T10:00:00Z\tmsg:a");
        assertThat(ltsv.parse(t)).isTrue();
        assertThat(t.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        assertThat(json(t)).isEqualTo("{\"time\":\"2024-01-01T10:00:00Z\",\"msg\":\"a\"}");
    }

    @Test
    void makesEachFormat() {
        assertThat(ParserFactory.create(config("Name", "a", "Format", "json")).getClass().getSimpleName()).isEqualTo("JsonParser");
        assertThat(ParserFactory.create(config("Name", "b", "Format", "logfmt")).getClass().getSimpleName()).isEqualTo("LogfmtParser");
        assertThat(ParserFactory.create(config("Name", "c", "Format", "LTSV")).getClass().getSimpleName()).isEqualTo("LtsvParser");
        assertThat(ParserFactory.create(config("Name", "d", "Format", "erlmcp")).getClass().getSimpleName()).isEqualTo("ErlmcpTextParser");
        assertThat(ParserFactory.create(config("Name", "e", "Format", "regex", "Regex", "(?<a>.)")).name()).isEqualTo("e");
    }

    @Test
    void requiresAName() {
        assertThatThrownBy(() -> config("Format", "json"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("parsers.conf:3: [PARSER]: missing required key 'Name' "
                        + "(the parser's name, as inputs and filters refer to it)");
    }

    @Test
    void requiresAFormat() {
        assertThatThrownBy(() -> config("Name", "p"))
                .hasMessage("parsers.conf:3: [PARSER] p: missing required key 'Format' (how a line is read)");
    }

    @Test
    void rejectsAnUnknownFormat() {
        assertThatThrownBy(() -> config("Name", "p", "Format", "xml"))
                .hasMessage("parsers.conf:5: [PARSER] p: bad value 'xml' for key 'Format'; "
                        + "allowed: one of json, regex, logfmt, ltsv, erlmcp, erlang_report");
    }

    @Test
    void requiresARegexForFormatRegex() {
        assertThatThrownBy(() -> config("Name", "p", "Format", "regex"))
                .hasMessage("parsers.conf:3: [PARSER] p: Format regex needs the key 'Regex' "
                        + "(a pattern with named groups such as (?<message>.*))");
    }

    @Test
    void reportsAnInvalidRegexWithJavasDescription() {
        assertThatThrownBy(() -> config("Name", "p", "Format", "regex", "Regex", "^(?<log_level>[a-z]+ (?<msg>.*)$"))
                .hasMessage("parsers.conf:6: [PARSER] p: invalid Regex: Unclosed group near index 32 "
                        + "in '^(?<log_level>[a-z]+ (?<msg>.*)$'");
        assertThatThrownBy(() -> config("Name", "p", "Format", "regex", "Regex", "[a-"))
                .hasMessage("parsers.conf:6: [PARSER] p: invalid Regex: Illegal character range near index 3 in '[a-'");
    }

    /** audit W5: Fluent Bit strips the slashes of /pattern/ and applies the flags after them. */
    @Test
    void readsARegexWrittenBetweenSlashesWithItsFlags() {
        Parser slashed = ParserFactory.create(config("Name", "sl", "Format", "regex",
                "Regex", "/^(?<level>[A-Z]+) (?<msg>.*)$/"));
        LogRecord r = record("ERROR boom");
        assertThat(slashed.parse(r)).isTrue();
        assertThat(json(r)).isEqualTo("{\"level\":\"ERROR\",\"msg\":\"boom\"}");

        Parser flagged = ParserFactory.create(config("Name", "sl", "Format", "regex",
                "Regex", "/^(?<level>[a-z]+) (?<msg>.*)$/im"));
        LogRecord m = record("ERROR boom\n    at a.b(C.java:1)");
        assertThat(flagged.parse(m)).isTrue();
        assertThat(json(m)).isEqualTo("{\"level\":\"ERROR\",\"msg\":\"boom\\n    at a.b(C.java:1)\"}");

        assertThatThrownBy(() -> config("Name", "p", "Format", "regex", "Regex", "/^(?<a>x/i"))
                .hasMessage("parsers.conf:6: [PARSER] p: invalid Regex: Unclosed group near index 7 in '^(?<a>x'");
    }

    @Test
    void rejectsARegexWithoutNamedGroups() {
        assertThatThrownBy(() -> config("Name", "p", "Format", "regex", "Regex", "^(\\S+) (.*)$"))
                .hasMessage("parsers.conf:6: [PARSER] p: Regex has no named group (?<name>...), "
                        + "so records would have no fields");
    }

    @Test
    void rejectsAnUnsupportedTimeFormatDirective() {
        assertThatThrownBy(() -> config("Name", "p", "Format", "json", "Time_Format", "%Y-%m-%d %G"))
                .hasMessage("parsers.conf:6: [PARSER] p: unsupported directive %G in Time_Format '%Y-%m-%d %G'; "
                        + "supported: " + TimeFormat.SUPPORTED);
    }

    @Test
    void rejectsABadTimeOffset() {
        assertThatThrownBy(() -> config("Name", "p", "Format", "json", "Time_Offset", "CET"))
                .hasMessage("parsers.conf:6: [PARSER] p: bad value 'CET' for key 'Time_Offset'; "
                        + "allowed: an offset such as +0200, -05:30 or +01");
    }

    @Test
    void rejectsBadTypes() {
        assertThatThrownBy(() -> config("Name", "p", "Format", "logfmt", "Types", "a:integer b:number"))
                .hasMessage("parsers.conf:6: [PARSER] p: unknown type 'number' for key 'b' in Types; "
                        + "allowed: string, integer, float, bool, hex");
        assertThatThrownBy(() -> config("Name", "p", "Format", "logfmt", "Types", "a"))
                .hasMessage("parsers.conf:6: [PARSER] p: 'a' in Types is not key:type");
    }

    @Test
    void rejectsABadBoolean() {
        assertThatThrownBy(() -> config("Name", "p", "Format", "json", "Time_Keep", "maybe"))
                .hasMessage("parsers.conf:6: [PARSER] p: bad value 'maybe' for key 'Time_Keep'; "
                        + "allowed: on, off, true, false, yes or no");
    }

    @Test
    void acceptsDecodersWithAWarning() {
        Options o = ParserConfig.OPTIONS.bind(section("Name", "p", "Format", "json", "Decode_Field_As", "escaped log"));
        assertThat(o.warnings()).containsExactly("parsers.conf:6: [PARSER] p: key 'Decode_Field_As' has no effect "
                + "in ferry (decoders are not supported; decode with a filter)");
        assertThat(ParserConfig.from(o).name()).isEqualTo("p");
    }
}
