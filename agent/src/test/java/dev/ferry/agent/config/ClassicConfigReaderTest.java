package dev.ferry.agent.config;

import static dev.ferry.agent.config.ConfigFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassicConfigReaderTest {

    @TempDir
    Path dir;

    private final ClassicConfigReader reader = new ClassicConfigReader(Map.of("HOSTNAME", "web-1", "ZONE", "env-zone"));

    @Test
    void readsSectionsKeysAndValuesWithTheirLines() {
        Path file = write(dir, "a.conf",
                "# a comment",
                "[service]",
                "    Flush 1",
                "",
                "    # an indented comment",
                "[INPUT]",
                "    Name   tail",
                "    Path   /var/log/a b.log   ",
                "[Filter]",
                "    Name modify",
                "    Add  host one",
                "    Add  cluster two");

        LoadedConfig loaded = reader.read(file);

        assertThat(loaded.configuration().origin()).isEqualTo(file.toString());
        assertThat(loaded.configuration().sections()).extracting(ConfigSection::kind, s -> s.location().line())
                .containsExactly(tuple("SERVICE", 2), tuple("INPUT", 6), tuple("FILTER", 9));
        ConfigSection input = loaded.configuration().sections("INPUT").get(0);
        assertThat(input.entries()).containsExactly(
                new ConfigEntry("Name", "tail", new SourceLocation(file.toString(), 7)),
                new ConfigEntry("Path", "/var/log/a b.log", new SourceLocation(file.toString(), 8)));
        assertThat(loaded.configuration().sections("FILTER").get(0).all("Add"))
                .extracting(ConfigEntry::value).containsExactly("host one", "cluster two");
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void aByteOrderMarkAndCrlfLineEndsAreRead() throws Exception {
        Path file = dir.resolve("windows.conf");
        Files.writeString(file, "\uFEFF[INPUT]\r\n    Name dummy\r\n    Tag  app   \r\n");

        ConfigSection input = reader.read(file).configuration().sections().get(0);

        assertThat(input.kind()).isEqualTo("INPUT");
        assertThat(input.entries()).extracting(ConfigEntry::key, ConfigEntry::value)
                .containsExactly(tuple("Name", "dummy"), tuple("Tag", "app"));
    }

    @Test
    void anEmptyFileHasNoSections() {
        assertThat(reader.read(write(dir, "empty.conf", "")).configuration().sections()).isEmpty();
    }

    @Test
    void setVariablesComeBeforeTheEnvironment() {
        Path file = write(dir, "a.conf",
                "@SET ZONE=set-zone",
                "@set  SITE = ${ZONE}-1",
                "[INPUT]",
                "    Name dummy",
                "    Tag  ${HOSTNAME}.${ZONE}.${SITE}");

        ConfigSection input = reader.read(file).configuration().sections().get(0);

        assertThat(input.first("Tag")).hasValue("web-1.set-zone.set-zone-1");
    }

    @Test
    void aSetHoldsForTheWholeConfigurationAndTheLastOneWins() {
        write(dir, "late.conf", "@SET SITE=site-b");
        Path file = write(dir, "a.conf",
                "[INPUT]",
                "    Name dummy",
                "    Tag  ${ZONE}.${SITE}.${LATE}",
                "@SET ZONE=zone-a",
                "@INCLUDE late.conf",
                "@SET LATE=late-${ZONE}",
                "@SET SITE=site-a");

        LoadedConfig loaded = reader.read(file);

        // Fluent Bit runs every @SET before it applies any property (src/flb_config.c), so a @SET below its use,
        // or in a file included later, counts, and the last @SET of a name wins
        assertThat(loaded.configuration().sections().get(0).first("Tag")).hasValue("zone-a.site-a.late-zone-a");
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void anUnsetVariableIsEmptyAndWarns() {
        Path file = write(dir, "a.conf", "[OUTPUT]", "    Name es", "    HTTP_Passwd ${PASSWORD}");

        LoadedConfig loaded = reader.read(file);

        assertThat(loaded.configuration().sections().get(0).first("HTTP_Passwd")).hasValue("");
        assertThat(loaded.warnings())
                .containsExactly(file + ":3: variable ${PASSWORD} is not set; using an empty value");
    }

    @Test
    void includesAreRelativeToTheMainFileAlsoInIncludedFiles() {
        // Fluent Bit looks a relative @INCLUDE up in the working directory, then in the main file's directory,
        // whichever file holds it (src/config_format/flb_cf_fluentbit.c read_config, root_path)
        write(dir, "sub/outputs.conf", "@INCLUDE sub/deeper/stdout.conf");
        write(dir, "sub/deeper/stdout.conf", "[OUTPUT]", "    Name stdout");
        Path main = write(dir, "main.conf",
                "[INPUT]",
                "    Name dummy",
                "@INCLUDE sub/outputs.conf",
                "[FILTER]",
                "    Name grep");

        assertThat(reader.read(main).configuration().sections()).extracting(ConfigSection::kind, ConfigSection::name)
                .containsExactly(tuple("INPUT", "dummy"), tuple("OUTPUT", "stdout"), tuple("FILTER", "grep"));
    }

    @Test
    void errorForAnIncludeRelativeToTheIncludingFile() {
        write(dir, "sub/deeper/stdout.conf", "[OUTPUT]", "    Name stdout");
        Path outputs = write(dir, "sub/outputs.conf", "@INCLUDE deeper/stdout.conf");
        Path main = write(dir, "main.conf", "@INCLUDE sub/outputs.conf");

        assertThatThrownBy(() -> reader.read(main)).hasMessage(outputs + ":1: @INCLUDE deeper/stdout.conf: no such"
                + " file " + dir.resolve("deeper/stdout.conf") + "; a relative path is looked up in the working"
                + " directory, then in the main configuration file's directory, as Fluent Bit does");
    }

    @Test
    void aGlobInAnIncludedFileIsRelativeToTheMainFile() {
        write(dir, "conf.d/inputs/a.conf", "[INPUT]", "    Name a");
        write(dir, "conf.d/all.conf", "@INCLUDE conf.d/inputs/*.conf");
        Path main = write(dir, "main.conf", "@INCLUDE conf.d/all.conf");

        assertThat(reader.read(main).configuration().sections()).extracting(ConfigSection::name).containsExactly("a");
    }

    @Test
    void aGlobIncludesEveryMatchInSortedOrder() {
        write(dir, "inputs/b.conf", "[INPUT]", "    Name b");
        write(dir, "inputs/a.conf", "[INPUT]", "    Name a");
        write(dir, "inputs/c.txt", "[INPUT]", "    Name not-matched");
        Path main = write(dir, "main.conf", "@INCLUDE inputs/*.conf");

        assertThat(reader.read(main).configuration().sections()).extracting(ConfigSection::name)
                .containsExactly("a", "b");
    }

    @Test
    void aDoubleStarGlobSearchesSubdirectories() {
        write(dir, "conf.d/x/deep/b.conf", "[INPUT]", "    Name b");
        write(dir, "conf.d/a.conf", "[INPUT]", "    Name a");
        Path main = write(dir, "main.conf", "@INCLUDE conf.d/**.conf");

        assertThat(reader.read(main).configuration().sections()).extracting(ConfigSection::name)
                .containsExactly("a", "b");
    }

    @Test
    void aGlobWithoutMatchesWarns() {
        Path main = write(dir, "main.conf", "@INCLUDE inputs/*.conf");

        LoadedConfig loaded = reader.read(main);

        assertThat(loaded.configuration().sections()).isEmpty();
        assertThat(loaded.warnings()).containsExactly(main + ":1: @INCLUDE inputs/*.conf matches no files");
    }

    @Test
    void parsersFilesAreAppendedRelativeToTheMainFile() {
        write(dir, "parsers.conf", "[PARSER]", "    Name json", "    Format json");
        write(dir, "more/parsers.conf", "[MULTILINE_PARSER]", "    Name java", "    rule \"start\" \"/^\\d/\" \"cont\"");
        write(dir, "sub/service.conf", "[SERVICE]", "    Parsers_File more/parsers.conf");
        Path main = write(dir, "main.conf",
                "[SERVICE]",
                "    Parsers_File parsers.conf",
                "@INCLUDE sub/service.conf",
                "[INPUT]",
                "    Name dummy");

        assertThat(reader.read(main).configuration().sections()).extracting(ConfigSection::kind, ConfigSection::name)
                .containsExactly(tuple("SERVICE", ""), tuple("SERVICE", ""), tuple("INPUT", "dummy"),
                        tuple("PARSER", "json"), tuple("MULTILINE_PARSER", "java"));
    }

    @Test
    void errorForAnUnknownSection() {
        Path file = write(dir, "a.conf", "", "[INPTU]");

        assertThatThrownBy(() -> reader.read(file)).isInstanceOf(ConfigException.class).hasMessage(file
                + ":2: unknown section [INPTU]; allowed sections: SERVICE, INPUT, FILTER, OUTPUT, PARSER, MULTILINE_PARSER");
    }

    @Test
    void aCustomSectionIsRefusedWithTheReason() {
        Path file = write(dir, "a.conf", "[INPUT]", "    Name dummy", "[custom]", "    Name calyptia");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":3: section [custom] is not supported: ferry has"
                + " no custom plugins (such as calyptia), and skipping them would stop what they send; remove the section");
    }

    @Test
    void aPluginsSectionIsSkippedWithItsKeysAndAWarning() {
        Path file = write(dir, "a.conf", "[PLUGINS]", "    Path /opt/out_gstdout.so", "[INPUT]", "    Name dummy");

        LoadedConfig loaded = reader.read(file);

        assertThat(loaded.configuration().sections()).extracting(ConfigSection::kind, ConfigSection::name)
                .containsExactly(tuple("INPUT", "dummy"));
        assertThat(loaded.warnings()).containsExactly(file + ":1: section [PLUGINS] is ignored, with its keys: ferry"
                + " cannot load Fluent Bit plugin libraries (.so); a pipeline entry naming one of their plugins is"
                + " refused as an unknown plugin");
    }

    @Test
    void textAfterASectionHeaderIsIgnoredAsInFluentBit() {
        Path file = write(dir, "a.conf", "[INPUT]   # the app's logs", "    Name dummy", "[OUTPUT] stdout", "    Name null");

        LoadedConfig loaded = reader.read(file);

        assertThat(loaded.configuration().sections()).extracting(ConfigSection::kind, ConfigSection::name)
                .containsExactly(tuple("INPUT", "dummy"), tuple("OUTPUT", "null"));
        assertThat(loaded.warnings()).containsExactly(file + ":3: 'stdout' after the section header [OUTPUT] is"
                + " ignored, as Fluent Bit ignores it; a comment goes on its own line");
    }

    @Test
    void errorForAnUnclosedSectionHeader() {
        Path file = write(dir, "a.conf", "[INPUT");

        assertThatThrownBy(() -> reader.read(file))
                .hasMessage(file + ":1: section header '[INPUT' is not closed; write it as [KIND]");
    }

    @Test
    void errorForAKeyOutsideAnySection() {
        Path file = write(dir, "a.conf", "Name tail");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":1: key 'Name' is outside any section; put it"
                + " under a section header, one of [SERVICE], [INPUT], [FILTER], [OUTPUT], [PARSER], [MULTILINE_PARSER]");
    }

    @Test
    void aKeyAfterAnIncludeBelongsToTheSectionOpenBeforeIt() {
        // Fluent Bit reads each file with its own current section (flb_cf_fluentbit.c read_config)
        write(dir, "b.conf", "[INPUT]", "    Name b");
        Path file = write(dir, "a.conf", "[INPUT]", "    Name a", "@INCLUDE b.conf", "    Tag a");

        assertThat(reader.read(file).configuration().sections())
                .extracting(ConfigSection::name, s -> s.first("Tag").orElse("-"))
                .containsExactly(tuple("a", "a"), tuple("b", "-"));
    }

    @Test
    void errorForAKeyAtTheTopOfAnIncludedFile() {
        Path b = write(dir, "b.conf", "    Tag b");
        Path file = write(dir, "a.conf", "[INPUT]", "    Name a", "@INCLUDE b.conf");

        assertThatThrownBy(() -> reader.read(file)).hasMessageStartingWith(b + ":1: key 'Tag' is outside any section");
    }

    @Test
    void errorForAKeyWithoutAValue() {
        Path file = write(dir, "a.conf", "[INPUT]", "    Name tail", "    Path   ");

        assertThatThrownBy(() -> reader.read(file))
                .hasMessage(file + ":3: [INPUT] tail: key 'Path' has no value; every key needs a value");
    }

    @Test
    void errorForAnUnknownDirective() {
        Path file = write(dir, "a.conf", "@IMPORT x.conf");

        assertThatThrownBy(() -> reader.read(file))
                .hasMessage(file + ":1: unknown directive @IMPORT; allowed directives: @INCLUDE, @SET");
    }

    @Test
    void errorForAnIncludeWithoutAPath() {
        Path file = write(dir, "a.conf", "@INCLUDE");

        assertThatThrownBy(() -> reader.read(file))
                .hasMessage(file + ":1: @INCLUDE needs a file path; write @INCLUDE path/to/file.conf");
    }

    @Test
    void errorForASetWithoutAnEqualsSign() {
        Path file = write(dir, "a.conf", "@SET ZONE");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":1: @SET needs KEY=VALUE; got 'ZONE'");
    }

    @Test
    void errorForAMissingInclude() {
        Path file = write(dir, "a.conf", "# first", "@INCLUDE missing.conf");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":2: @INCLUDE missing.conf: no such file "
                + dir.resolve("missing.conf") + "; a relative path is looked up in the working directory, then in the"
                + " main configuration file's directory, as Fluent Bit does");
    }

    @Test
    void errorForAnIncludedFileThatCannotBeReadNamesTheIncludeLine() throws Exception {
        Path latin1 = dir.resolve("latin1.conf");
        Files.write(latin1, new byte[] {'#', ' ', (byte) 0xE9, '\n'});
        Path file = write(dir, "a.conf", "# first", "@INCLUDE latin1.conf");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":2: @INCLUDE latin1.conf: cannot read"
                + " configuration file " + latin1 + ": it is not UTF-8 text");
    }

    @Test
    void errorForAnIncludeCycle() {
        Path a = write(dir, "a.conf", "@INCLUDE b.conf");
        Path b = write(dir, "b.conf", "[INPUT]", "    Name b", "@INCLUDE a.conf");

        assertThatThrownBy(() -> reader.read(a)).hasMessage(b + ":3: @INCLUDE " + a + ": include cycle " + a + " -> "
                + b + " -> " + a + "; a file must not include itself, directly or through other files");
    }

    @Test
    void errorForAFileIncludedTwice() {
        Path outputs = write(dir, "outputs.conf", "[OUTPUT]", "    Name stdout", "    Match *");
        write(dir, "more.conf", "# the outputs again", "@INCLUDE outputs.conf");
        Path file = write(dir, "a.conf", "@INCLUDE outputs.conf", "@INCLUDE more.conf");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(dir.resolve("more.conf") + ":2: @INCLUDE " + outputs
                + ": already included at " + file + ":1; a file is read once (Fluent Bit refuses it too), as reading"
                + " it again would run its plugins twice");
    }

    @Test
    void errorForAMissingParsersFile() {
        Path file = write(dir, "a.conf", "[SERVICE]", "    Parsers_File parsers.conf");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(file + ":2: [SERVICE]: Parsers_File parsers.conf: no such"
                + " file " + dir.resolve("parsers.conf") + "; a relative path is looked up in the working directory,"
                + " then in the main configuration file's directory, as Fluent Bit does");
    }

    @Test
    void errorForAPluginSectionInAParsersFile() {
        Path parsers = write(dir, "parsers.conf", "[PARSER]", "    Name json", "[INPUT]", "    Name dummy");
        Path file = write(dir, "a.conf", "[SERVICE]", "    Parsers_File parsers.conf");

        assertThatThrownBy(() -> reader.read(file)).hasMessage(parsers + ":3: [INPUT] dummy: not allowed in a parsers"
                + " file; a parsers file holds only [PARSER] and [MULTILINE_PARSER] sections");
    }

    @Test
    void errorForAMissingFile() {
        Path missing = dir.resolve("nope.conf");

        assertThatThrownBy(() -> reader.read(missing))
                .hasMessage("cannot read configuration file " + missing + ": no such file");
    }

    @Test
    void errorForADirectory() {
        assertThatThrownBy(() -> reader.read(dir))
                .hasMessage("cannot read configuration file " + dir + ": it is a directory");
    }
}
