package dev.ferry.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.Configuration;
import dev.ferry.pipeline.config.SourceLocation;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuickFlagsReaderTest {

    private final QuickFlagsReader reader = new QuickFlagsReader();

    @Test
    void turnsFlagsIntoSections() {
        Configuration config = reader.read(List.of(
                "-R", "parsers.conf", "-f", "5",
                "-i", "tail", "-p", "path=/var/log/a.log", "-p", "db=a=b",
                "-F", "grep", "-p", "regex=log err", "-m", "app.*",
                "-t", "app.a",
                "-o", "stdout", "-f", "1"));

        assertThat(config.origin()).isEqualTo("command line");
        assertThat(config.sections()).extracting(ConfigSection::kind, ConfigSection::entries).containsExactly(
                tuple("SERVICE", entries("Parsers_File", "parsers.conf", "Flush", "1")),
                tuple("INPUT", entries("Name", "tail", "path", "/var/log/a.log", "db", "a=b", "Tag", "app.a")),
                tuple("FILTER", entries("Name", "grep", "regex", "log err", "Match", "app.*")),
                tuple("OUTPUT", entries("Name", "stdout", "Match", "*")));
    }

    @Test
    void anOutputWithAMatchRegexGetsNoMatchStar() {
        // Match and Match_Regex together take a tag either takes, so a Match * would take every tag
        Configuration config = reader.read(List.of("-i", "cpu", "-o", "stdout", "-p", "match_regex=^app"));
        assertThat(config.sections("OUTPUT").get(0).all("Match")).isEmpty();
    }

    @Test
    void anOutputKeepsItsOwnMatch() {
        Configuration config = reader.read(List.of("-i", "cpu", "-o", "stdout", "-m", "cpu.*"));

        assertThat(config.sections("OUTPUT").get(0).all("Match")).extracting(ConfigEntry::value).containsExactly("cpu.*");
    }

    @Test
    void noFlagsIsAnEmptyConfiguration() {
        assertThat(reader.read(List.of()).sections()).isEmpty();
    }

    @Test
    void errorForAnUnknownFlag() {
        assertThatThrownBy(() -> reader.read(List.of("-i", "cpu", "-x", "y"))).isInstanceOf(ConfigException.class)
                .hasMessage("command line: unknown flag '-x'; allowed flags: -i, -F, -o, -p, -t, -m, -R, -f");
    }

    @Test
    void errorForAFlagWithoutItsValue() {
        assertThatThrownBy(() -> reader.read(List.of("-i"))).hasMessage("command line: -i needs a value");
    }

    @Test
    void errorForAPropertyBeforeAnyPlugin() {
        assertThatThrownBy(() -> reader.read(List.of("-p", "a=b", "-i", "cpu"))).hasMessage(
                "command line: -p a=b comes before any -i, -F or -o; put it after the plugin it configures");
    }

    @Test
    void errorForAPropertyThatIsNotKeyValue() {
        assertThatThrownBy(() -> reader.read(List.of("-i", "cpu", "-p", "interval"))).hasMessage(
                "command line: -p 'interval' is not key=value; write -p key=value");
    }

    @Test
    void errorForATagBeforeAnyInput() {
        assertThatThrownBy(() -> reader.read(List.of("-o", "stdout", "-t", "app"))).hasMessage(
                "command line: -t app comes before any -i; put it after the input it tags");
    }

    @Test
    void errorForAMatchThatDoesNotFollowAFilterOrOutput() {
        assertThatThrownBy(() -> reader.read(List.of("-i", "cpu", "-m", "*"))).hasMessage(
                "command line: -m * must follow a -F or -o; it sets the Match of the filter or output just before it");
    }

    private static List<ConfigEntry> entries(String... keyValues) {
        SourceLocation here = SourceLocation.of("command line");
        List<ConfigEntry> out = new java.util.ArrayList<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.add(new ConfigEntry(keyValues[i], keyValues[i + 1], here));
        }
        return out;
    }
}
