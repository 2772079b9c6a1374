package dev.ferry.parsers.multiline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.parsers.multiline.MultilineParserConfig.Mode;
import dev.ferry.parsers.multiline.MultilineParserConfig.Rule;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultilineParserConfigTest {

    /** A section from key/value pairs; the section is at ml.conf:1, entry i at line i + 2. */
    static ConfigSection section(String... kv) {
        List<ConfigEntry> entries = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            entries.add(new ConfigEntry(kv[i], kv[i + 1], new SourceLocation("ml.conf", i / 2 + 2)));
        }
        return new ConfigSection("MULTILINE_PARSER", new SourceLocation("ml.conf", 1), entries);
    }

    static MultilineParserConfig config(String... kv) {
        return MultilineParserConfig.from(section(kv));
    }

    private static void fails(String message, String... kv) {
        assertThatThrownBy(() -> config(kv)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void readsFluentBitsExample() {
        MultilineParserConfig c = config(
                "name", "multiline-regex-test",
                "type", "regex",
                "flush_timeout", "1000",
                "rule", "\"start_state\"   \"/([a-zA-Z]+ \\d+ \\d+\\:\\d+\\:\\d+)(.*)/\"  \"cont\"",
                "rule", "\"cont\"          \"/^\\s+at.*/\"                     \"cont\"");
        assertThat(c.name()).isEqualTo("multiline-regex-test");
        assertThat(c.mode()).isEqualTo(Mode.REGEX);
        assertThat(c.flushTimeout()).isEqualTo(Duration.ofMillis(1000));
        assertThat(c.keyContent()).isEqualTo("log");
        assertThat(c.parser()).isNull();
        assertThat(c.maxRecordSize()).isEqualTo(2L << 20);
        assertThat(c.rules()).hasSize(2);
        Rule first = c.rules().get(0);
        assertThat(first.fromStates()).containsExactly("start_state");
        assertThat(first.regex().source()).isEqualTo("([a-zA-Z]+ \\d+ \\d+\\:\\d+\\:\\d+)(.*)");
        assertThat(first.nextState()).isEqualTo("cont");
        assertThat(first.isStart()).isTrue();
        assertThat(first.location()).isEqualTo(new SourceLocation("ml.conf", 5));
        assertThat(c.rules().get(1).isStart()).isFalse();
    }

    @Test
    void readsSeveralFromStatesFlagsBareRegexesAndQuotesInsideTheRegex() {
        MultilineParserConfig c = config(
                "Name", "m", "Type", "regex",
                "Rule", "\"start_state, again\" \"/^begin/i\" \"again\"",
                "Rule", "again ^\\s+ again",
                // as the YAML reader writes {state: again, regex: '/"quoted" x/', next_state: again}
                "Rule", "\"again\" \"/\"quoted\" x/\" \"again\"");
        assertThat(c.rules().get(0).fromStates()).containsExactly("start_state", "again");
        assertThat(c.rules().get(0).regex().pattern().matcher("BEGIN here").find()).isTrue();
        assertThat(c.rules().get(1).regex().source()).isEqualTo("^\\s+");
        assertThat(c.rules().get(2).regex().source()).isEqualTo("\"quoted\" x");
    }

    @Test
    void readsTimeoutsAndSizes() {
        MultilineParserConfig c = config("Name", "m", "Type", "regex", "Rule", "\"start_state\" \"/a/\" \"start_state\"",
                "Flush_Timeout", "2s", "max_record_size", "64KiB", "Key_Content", "log");
        assertThat(c.flushTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.maxRecordSize()).isEqualTo(64 * 1024);
        assertThat(c.parser()).isNull();
        assertThat(c.keyContent()).isEqualTo("log");
        assertThat(config("Name", "m", "Type", "regex", "Rule", "\"start_state\" \"/a/\" \"start_state\"")
                .flushTimeout()).isEqualTo(Duration.ofMillis(4000));
        assertThat(config("Name", "m", "Type", "regex", "Rule", "\"start_state\" \"/a/\" \"start_state\"",
                "Flush_Timeout", "250ms").flushTimeout()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aMalformedRuleIsAnError() {
        fails("ml.conf:4: [MULTILINE_PARSER] m: rule '\"start_state\" \"/a/\"' is malformed; expected \"state\" "
                        + "\"/regex/\" \"next_state\" (three fields, each in double quotes)",
                "Name", "m", "Type", "regex", "Rule", "\"start_state\" \"/a/\"");
        fails("ml.conf:4: [MULTILINE_PARSER] m: rule '\"start_state \"/a/\" \"cont\"' is malformed; expected \"state\" "
                        + "\"/regex/\" \"next_state\" (three fields, each in double quotes)",
                "Name", "m", "Type", "regex", "Rule", "\"start_state \"/a/\" \"cont\"");
        fails("ml.conf:4: [MULTILINE_PARSER] m: rule '\" , \" \"/a/\" \"cont\"' is malformed; a state name is empty; "
                        + "expected \"state\" \"/regex/\" \"next_state\"",
                "Name", "m", "Type", "regex", "Rule", "\" , \" \"/a/\" \"cont\"");
    }

    /** audit W2: Parser and Key_Content were accepted and silently ignored; ignoring them changes records. */
    @Test
    void refusesAParserBecauseTheRulesRunOnTheRawLine() {
        fails("ml.conf:5: [MULTILINE_PARSER] jtrace: key 'Parser' is not supported: Fluent Bit parses each line "
                        + "with it and runs the rules on the Key_Content field, ferry runs the rules on the raw line, "
                        + "so lines would be joined differently and left unparsed. Remove Parser (and Key_Content) "
                        + "and parse the joined record with the [INPUT] Parser or a parser filter; lines that are "
                        + "themselves JSON or another format cannot be joined by one of their fields in ferry yet",
                "Name", "jtrace", "Type", "regex", "Rule", "\"start_state\" \"/^java\\.lang\\./\" \"cont\"",
                "Parser", "json", "Key_Content", "log", "Rule", "\"cont\" \"/^\\s+at /\" \"cont\"");
    }

    @Test
    void refusesAKeyContentOtherThanLog() {
        fails("ml.conf:5: [MULTILINE_PARSER] m: Key_Content 'message' is not supported: without Parser it only "
                        + "names the key the joined text goes under, and ferry keeps it under 'log' (the tail "
                        + "input's Key); remove Key_Content",
                "Name", "m", "Type", "regex", "Rule", "\"start_state\" \"/a/\" \"start_state\"",
                "Key_Content", "message");
    }

    @Test
    void aBadRegexIsAnError() {
        fails("ml.conf:4: [MULTILINE_PARSER] m: invalid regex in rule: Unclosed group near index 4 in '^(ab'",
                "Name", "m", "Type", "regex", "Rule", "\"start_state\" \"/^(ab/\" \"start_state\"");
    }

    @Test
    void noStartStateIsAnError() {
        fails("ml.conf:4: [MULTILINE_PARSER] m: no rule starts from start_state, so no record can start; the first "
                        + "rule is usually rule \"start_state\" \"/regex/\" \"next_state\"",
                "Name", "m", "Type", "regex", "Rule", "\"cont\" \"/a/\" \"cont\"");
    }

    @Test
    void noRulesIsAnError() {
        fails("ml.conf:1: [MULTILINE_PARSER] m: Type regex needs rules, such as rule \"start_state\" \"/^\\d{4}-/\" \"cont\"",
                "Name", "m", "Type", "regex");
    }

    @Test
    void anUndefinedNextStateIsAnError() {
        fails("ml.conf:5: [MULTILINE_PARSER] m: next state 'nowhere' is not the state of any rule; states: "
                        + "start_state, cont",
                "Name", "m", "Type", "regex",
                "Rule", "\"start_state\" \"/a/\" \"cont\"",
                "Rule", "\"cont\" \"/b/\" \"nowhere\"");
    }

    @Test
    void badTimeoutsTypesAndSizesAreErrors() {
        fails("ml.conf:5: [MULTILINE_PARSER] m: bad value 'soon' for key 'Flush_Timeout'; allowed: milliseconds such "
                        + "as 1000, or a duration such as 500ms, 5s or 1m (more than zero)",
                "Name", "m", "Type", "regex", "Rule", "\"start_state\" \"/a/\" \"cont\"", "Flush_Timeout", "soon");
        fails("ml.conf:5: [MULTILINE_PARSER] m: bad value '0' for key 'Flush_Timeout'; allowed: milliseconds such "
                        + "as 1000, or a duration such as 500ms, 5s or 1m (more than zero)",
                "Name", "m", "Type", "regex", "Rule", "\"start_state\" \"/a/\" \"cont\"", "Flush_Timeout", "0");
        fails("ml.conf:3: [MULTILINE_PARSER] m: bad value 'endswith' for key 'Type'; allowed: one of regex",
                "Name", "m", "Type", "endswith");
        fails("ml.conf:1: [MULTILINE_PARSER] m: missing required key 'Type' (how lines are joined; only regex (rules) "
                        + "is supported)",
                "Name", "m", "Rule", "\"start_state\" \"/a/\" \"cont\"");
    }

    @Test
    void theBuiltInsAreValid() {
        assertThat(BuiltinMultilineParsers.configs().keySet())
                .containsExactly("java", "go", "ruby", "python", "erlang", "cri", "docker");
        assertThat(BuiltinMultilineParsers.find("cri").orElseThrow().mode()).isEqualTo(Mode.CRI);
        assertThat(BuiltinMultilineParsers.find("nope")).isEmpty();
    }
}
