package dev.ferry.agent.config;

import static dev.ferry.agent.config.ConfigFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigReaderTest {

    private static final String TOP_LEVEL_KEYS = "env, includes, service, pipeline, parsers, multiline_parsers";

    @TempDir
    Path dir;

    private final YamlConfigReader reader = new YamlConfigReader(Map.of("HOSTNAME", "web-1", "ZONE", "env-zone"));

    @Test
    void readsServiceAndPipelineWithTheirLines() {
        Path file = write(dir, "a.yaml",
                "service:",
                "  flush: 1",
                "  daemon: off",
                "pipeline:",
                "  inputs:",
                "    - name: tail",
                "      path: /var/log/*.log",
                "  filters:",
                "    - name: modify",
                "      add: [\"host ${HOSTNAME}\", \"cluster erlmcp-prod\"]",
                "  outputs:",
                "    - name: stdout",
                "      match: '*'",
                "      retry_limit: false");

        LoadedConfig loaded = reader.read(file);

        assertThat(loaded.configuration().sections()).extracting(ConfigSection::kind, s -> s.location().line())
                .containsExactly(tuple("SERVICE", 2), tuple("INPUT", 6), tuple("FILTER", 9), tuple("OUTPUT", 12));
        assertThat(loaded.configuration().sections("SERVICE").get(0).entries()).containsExactly(
                new ConfigEntry("flush", "1", new SourceLocation(file.toString(), 2)),
                new ConfigEntry("daemon", "off", new SourceLocation(file.toString(), 3)));
        assertThat(loaded.configuration().sections("FILTER").get(0).all("Add")).extracting(ConfigEntry::value)
                .containsExactly("host web-1", "cluster erlmcp-prod");
        assertThat(loaded.configuration().sections("OUTPUT").get(0).first("Retry_Limit")).hasValue("false");
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void anEmptyFileHasNoSections() {
        assertThat(reader.read(write(dir, "empty.yaml", "# nothing")).configuration().sections()).isEmpty();
    }

    @Test
    void aFileOfSeveralDocumentsIsReadInOrderAsFluentBitDoes() {
        Path file = write(dir, "a.yaml",
                "---",
                "env:",
                "  LOGS: /var/log",
                "service:",
                "  flush: 1",
                "---",
                "---",
                "pipeline:",
                "  inputs:",
                "    - name: tail",
                "      path: ${LOGS}/*.log");

        LoadedConfig loaded = reader.read(file);

        assertThat(loaded.configuration().sections()).extracting(ConfigSection::kind, s -> s.location().line())
                .containsExactly(tuple("SERVICE", 5), tuple("INPUT", 10));
        assertThat(loaded.configuration().sections("INPUT").get(0).first("Path")).hasValue("/var/log/*.log");
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void envVariablesComeBeforeTheEnvironmentWhereverEnvStands() {
        Path file = write(dir, "a.yaml",
                "pipeline:",
                "  inputs:",
                "    - name: dummy",
                "      tag: ${HOSTNAME}.${ZONE}",
                "env:",
                "  ZONE: set-zone");

        assertThat(reader.read(file).configuration().sections().get(0).first("tag")).hasValue("web-1.set-zone");
    }

    @Test
    void envOfAnIncludedFileIsSetForTheWholeConfigurationAsInFluentBit() {
        write(dir, "env.yaml", "env:", "  LOGS: /srv/logs", "  ZONE: set-zone");
        write(dir, "inputs.yaml", "pipeline:", "  inputs:", "    - name: tail", "      path: ${LOGS}/*.log");
        Path file = write(dir, "a.yaml",
                "pipeline:",
                "  outputs:",
                "    - name: stdout",
                "      match: '${ZONE}.*'",
                "includes:",
                "  - inputs.yaml",
                "  - env.yaml");

        LoadedConfig loaded = reader.read(file);

        assertThat(loaded.configuration().sections("INPUT").get(0).first("Path")).hasValue("/srv/logs/*.log");
        assertThat(loaded.configuration().sections("OUTPUT").get(0).first("Match")).hasValue("set-zone.*");
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void anUnsetVariableIsEmptyAndWarns() {
        Path file = write(dir, "a.yaml", "pipeline:", "  outputs:", "    - name: es", "      http_passwd: ${PASSWORD}");

        LoadedConfig loaded = reader.read(file);

        assertThat(loaded.configuration().sections().get(0).first("http_passwd")).hasValue("");
        assertThat(loaded.warnings())
                .containsExactly(file + ":4: variable ${PASSWORD} is not set; using an empty value");
    }

    @Test
    void parsersAndMultilineRulesAsTheClassicFormatWritesThem() {
        Path file = write(dir, "a.yaml",
                "parsers:",
                "  - name: json",
                "    format: json",
                "multiline_parsers:",
                "  - name: java",
                "    type: regex",
                "    rules:",
                "      - state: start_state",
                "        regex: '/^\\d{4}/'",
                "        next_state: cont",
                "      - {state: cont, regex: '/^\\s+at/', next_state: cont}");

        LoadedConfig loaded = reader.read(file);

        assertThat(loaded.configuration().sections("PARSER").get(0).first("format")).hasValue("json");
        ConfigSection java = loaded.configuration().sections("MULTILINE_PARSER").get(0);
        assertThat(java.all("rule")).containsExactly(
                new ConfigEntry("rule", "\"start_state\" \"/^\\d{4}/\" \"cont\"", new SourceLocation(file.toString(), 8)),
                new ConfigEntry("rule", "\"cont\" \"/^\\s+at/\" \"cont\"", new SourceLocation(file.toString(), 11)));
    }

    @Test
    void includesAreRelativeToTheIncludingFileAndGlobsAreSorted() {
        write(dir, "inputs/b.yaml", "pipeline:", "  inputs:", "    - name: b");
        write(dir, "inputs/a.yaml", "pipeline:", "  inputs:", "    - name: a");
        write(dir, "outputs.yaml", "pipeline:", "  outputs:", "    - name: stdout");
        Path main = write(dir, "main.yaml", "includes:", "  - inputs/*.yaml", "  - outputs.yaml");

        assertThat(reader.read(main).configuration().sections()).extracting(ConfigSection::kind, ConfigSection::name)
                .containsExactly(tuple("INPUT", "a"), tuple("INPUT", "b"), tuple("OUTPUT", "stdout"));
    }

    @Test
    void aYamlParsersFileMayUseItsOwnEnv() {
        write(dir, "parsers.yaml", "env:", "  TIME_KEY: ts", "parsers:", "  - name: app", "    format: json",
                "    time_key: ${TIME_KEY}");
        Path main = write(dir, "main.yaml", "service:", "  parsers_file: parsers.yaml");

        LoadedConfig loaded = reader.read(main);

        assertThat(loaded.configuration().sections("PARSER").get(0).first("Time_Key")).hasValue("ts");
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void parsersFilesMayBeClassicAndRepeat() {
        write(dir, "parsers.conf", "[PARSER]", "    Name json");
        write(dir, "more.yaml", "parsers:", "  - name: syslog");
        Path main = write(dir, "main.yaml",
                "service:",
                "  parsers_file: parsers.conf",
                "  parsers_files: [more.yaml]");

        assertThat(reader.read(main).configuration().sections()).extracting(ConfigSection::kind, ConfigSection::name)
                .containsExactly(tuple("SERVICE", ""), tuple("PARSER", "json"), tuple("PARSER", "syslog"));
    }

    @Test
    void errorForInvalidYaml() {
        Path file = write(dir, "a.yaml", "service:", "  flush: 1", " bad: [");

        assertThatThrownBy(() -> reader.read(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ":3: invalid YAML at column 2: expected <block end>, but found '<block mapping"
                        + " start>'; check the indentation of this line against the lines above: the keys of one map"
                        + " start in the same column");
    }

    @Test
    void errorForAnUnquotedStarSaysToQuoteIt() {
        Path bare = write(dir, "bare.yaml", "pipeline:", "  outputs:", "    - name: stdout", "      match: *");
        Path glob = write(dir, "glob.yaml", "pipeline:", "  outputs:", "    - name: stdout", "      match: *.log");

        assertThatThrownBy(() -> reader.read(bare)).hasMessage(bare + ":4: invalid YAML at column 15: 'match: *': a value that"
                + " starts with * is a YAML alias unless it is quoted; write it in quotes, e.g. match: '*'");
        assertThatThrownBy(() -> reader.read(glob)).hasMessage(glob + ":4: invalid YAML at column 15: 'match: *.log': a value that"
                + " starts with * is a YAML alias unless it is quoted; write it in quotes, e.g. match: '*'");
    }

    @Test
    void errorForATopLevelThatIsNotAMap() {
        Path file = write(dir, "a.yaml", "- service");

        assertThatThrownBy(() -> reader.read(file))
                .hasMessage(file + ":1: the top level must be a map; allowed keys: " + TOP_LEVEL_KEYS);
    }

    @Test
    void errorForAnUnknownTopLevelKey() {
        Path file = write(dir, "a.yaml", "service:", "  flush: 1", "inputs:", "  - name: tail");

        assertThatThrownBy(() -> reader.read(file))
                .hasMessage(file + ":3: unknown top-level key 'inputs'; allowed keys: " + TOP_LEVEL_KEYS);
    }

    @Test
    void errorForAnUnknownPipelineKey() {
        Path file = write(dir, "a.yaml", "pipeline:", "  sources: []");

        assertThatThrownBy(() -> reader.read(file))
                .hasMessage(file + ":2: unknown key 'sources' in pipeline; allowed keys: inputs, filters, outputs");
    }

    @Test
    void errorForAPluginListThatIsNotAList() {
        Path file = write(dir, "a.yaml", "pipeline:", "  inputs:", "    name: tail");

        assertThatThrownBy(() -> reader.read(file))
                .hasMessage(file + ":3: 'inputs' must be a list of maps, one per plugin; start each one with '- ',"
                        + " as in '- name: tail'");
    }

    @Test
    void errorForAServiceThatIsNotAMap() {
        Path file = write(dir, "a.yaml", "service: [flush]");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":1: 'service' must be a map of key: value");
    }

    @Test
    void errorForAPipelineThatIsNotAMap() {
        Path file = write(dir, "a.yaml", "pipeline: tail");

        assertThatThrownBy(() -> reader.read(file))
                .hasMessage(file + ":1: 'pipeline' must be a map with inputs, filters and outputs");
    }

    @Test
    void errorForEnvThatIsNotAMapOfScalars() {
        Path file = write(dir, "a.yaml", "env:", "  ZONE: [a, b]");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":2: 'env' must be a map of NAME: value");
    }

    @Test
    void errorForAnIncludeThatIsNotAPath() {
        Path file = write(dir, "a.yaml", "includes:", "  - {file: a.yaml}");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":2: 'includes' must be a list of file paths");
    }

    @Test
    void errorForRulesThatAreNotAList() {
        Path file = write(dir, "a.yaml", "multiline_parsers:", "  - name: java", "    rules: start");

        assertThatThrownBy(() -> reader.read(file))
                .hasMessage(file + ":3: 'rules' must be a list of {state, regex, next_state} maps");
    }

    @Test
    void errorForANestedMapWhereAValueIsExpected() {
        Path file = write(dir, "a.yaml",
                "pipeline:",
                "  inputs:",
                "    - name: tail",
                "      tls:",
                "        verify: off");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(
                file + ":4: [INPUT] tail: key 'tls' holds a map; a value is a scalar or a list of scalars");
    }

    @Test
    void processorsUnderAnInputOrOutputAreRefusedWithTheReason() {
        Path input = write(dir, "in.yaml",
                "pipeline:",
                "  inputs:",
                "    - name: tail",
                "      path: /var/log/*.log",
                "      processors:",
                "        logs:",
                "          - name: content_modifier",
                "            action: insert");
        Path output = write(dir, "out.yaml",
                "pipeline:",
                "  outputs:",
                "    - name: stdout",
                "      match: '*'",
                "      Processors: {logs: [{name: content_modifier}]}");

        assertThatThrownBy(() -> reader.read(input)).hasMessage(processorsError(input, 5, "[INPUT] tail"));
        assertThatThrownBy(() -> reader.read(output)).hasMessage(processorsError(output, 5, "[OUTPUT] stdout")
                .replace("key 'processors'", "key 'Processors'"));
    }

    private static String processorsError(Path file, int line, String label) {
        return file + ":" + line + ": " + label + ": key 'processors' is not supported: ferry has no processors,"
                + " and skipping them would ship the records unchanged; write each one as a filter under"
                + " pipeline.filters with a Match for the records it is meant for";
    }

    @Test
    void routesUnderAnInputAreRefusedWithTheReason() {
        Path file = write(dir, "a.yaml",
                "pipeline:",
                "  inputs:",
                "    - name: tail",
                "      path: /var/log/*.log",
                "      routes:",
                "        logs:",
                "          - name: errors",
                "            to: {outputs: [es]}");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":5: [INPUT] tail: key 'routes' is not supported:"
                + " ferry routes by Tag and Match only, and skipping routes would send the records to other outputs;"
                + " give each output a Match for the records it is meant for");
    }

    @Test
    void aStreamProcessorIsRefusedWithTheReason() {
        Path file = write(dir, "a.yaml", "stream_processor:", "  - name: errors", "    exec: SELECT * FROM TAG:'app';");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":1: 'stream_processor' is not supported: ferry"
                + " has no stream processor, and skipping it would drop the records its tasks create; remove the section");
    }

    @Test
    void customsAreRefusedWithTheReason() {
        Path file = write(dir, "a.yaml", "customs:", "  - name: calyptia", "    api_key: x");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":1: 'customs' is not supported: ferry has no"
                + " custom plugins (such as calyptia), and skipping them would stop what they send; remove the section");
    }

    @Test
    void pluginsAndUpstreamServersAreSkippedWithAWarning() {
        Path file = write(dir, "a.yaml",
                "plugins:",
                "  - /opt/plugins/out_gstdout.so",
                "Upstream_Servers:",
                "  - name: forward-balancing",
                "    nodes:",
                "      - name: node-1",
                "        host: 127.0.0.1",
                "pipeline:",
                "  outputs:",
                "    - name: stdout",
                "      match: '*'");

        LoadedConfig loaded = reader.read(file);

        assertThat(loaded.configuration().sections()).extracting(ConfigSection::kind).containsExactly("OUTPUT");
        assertThat(loaded.warnings()).containsExactly(
                file + ":1: 'plugins' is ignored: ferry cannot load Fluent Bit plugin libraries (.so); a pipeline"
                        + " entry naming one of their plugins is refused as an unknown plugin",
                file + ":3: 'upstream_servers' is ignored: ferry's outputs send to the Host each one names; an"
                        + " output's Upstream key is refused as an unknown key");
    }

    @Test
    void errorForANestedMapInsideAList() {
        Path file = write(dir, "a.yaml", "pipeline:", "  filters:", "    - name: modify", "      add:", "        - {a: b}");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(
                file + ":5: [FILTER] modify: key 'add' holds a map; a value is a scalar or a list of scalars");
    }

    @Test
    void errorForAKeyWithoutAValue() {
        Path file = write(dir, "a.yaml", "pipeline:", "  inputs:", "    - name: tail", "      path:");

        assertThatThrownBy(() -> reader.read(file))
                .hasMessage(file + ":4: [INPUT] tail: key 'path' has no value; every key needs a value");
    }

    @Test
    void errorForAKeyThatIsNotAWord() {
        Path file = write(dir, "a.yaml", "service:", "  [a, b]: 1");

        assertThatThrownBy(() -> reader.read(file))
                .hasMessage(file + ":2: a key must be a plain word, not a list or a map");
    }

    @Test
    void errorForARuleWithoutNextState() {
        Path file = write(dir, "a.yaml", "multiline_parsers:", "  - name: java", "    rules:",
                "      - {state: start_state, regex: '/x/'}");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(
                file + ":4: [MULTILINE_PARSER] java: rule has no 'next_state'; a rule is {state, regex, next_state}");
    }

    @Test
    void errorForARuleStateWrittenAsAList() {
        Path file = write(dir, "a.yaml", "multiline_parsers:", "  - name: java", "    rules:",
                "      - state: [start_state, cont]", "        regex: '/x/'", "        next_state: cont");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":4: [MULTILINE_PARSER] java: rule key 'state'"
                + " holds a list or a map; state, regex and next_state are single values (several states go in one:"
                + " state: 'cont, more')");
    }

    @Test
    void errorForAnUnknownRuleKey() {
        Path file = write(dir, "a.yaml", "multiline_parsers:", "  - name: java", "    rules:",
                "      - state: start_state", "        flags: i");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file
                + ":5: [MULTILINE_PARSER] java: rule key 'flags' is not allowed; a rule is {state, regex, next_state}");
    }

    @Test
    void errorForAMissingInclude() {
        Path file = write(dir, "a.yaml", "includes:", "  - missing.yaml");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":2: includes: missing.yaml: no such file "
                + dir.resolve("missing.yaml") + "; paths are relative to the including file's directory");
    }

    @Test
    void errorForAnIncludeCycle() {
        Path a = write(dir, "a.yaml", "includes: [a.yaml]");

        assertThatThrownBy(() -> reader.read(a)).hasMessage(a + ":1: includes: " + a + ": include cycle " + a + " -> "
                + a + "; a file must not include itself, directly or through other files");
    }

    @Test
    void errorForAFileIncludedTwiceAsFluentBitRefusesIt() {
        write(dir.resolve("inputs"), "tail.yaml", "pipeline:", "  inputs:", "    - name: tail", "      path: /var/log/*.log");
        Path file = write(dir, "a.yaml", "includes:", "  - inputs/tail.yaml", "  - inputs/*.yaml");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":3: includes: " + dir.resolve("inputs/tail.yaml")
                + ": already included at " + file + ":2; a file is read once (Fluent Bit refuses it too), as reading"
                + " it again would run its plugins twice");
    }

    @Test
    void errorForAMissingParsersFile() {
        Path file = write(dir, "a.yaml", "service:", "  parsers_file: parsers.yaml");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":2: [SERVICE]: parsers_file parsers.yaml: no such"
                + " file " + dir.resolve("parsers.yaml") + "; a relative path is looked up in the working directory,"
                + " then in the main configuration file's directory, as Fluent Bit does");
    }

    @Test
    void errorForAPluginSectionInAParsersFile() {
        Path parsers = write(dir, "parsers.yaml", "pipeline:", "  inputs:", "    - name: dummy");
        Path file = write(dir, "a.yaml", "service:", "  parsers_file: parsers.yaml");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(parsers + ":3: [INPUT] dummy: not allowed in a parsers"
                + " file; a parsers file holds only [PARSER] and [MULTILINE_PARSER] sections");
    }
}
