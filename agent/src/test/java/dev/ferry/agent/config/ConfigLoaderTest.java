package dev.ferry.agent.config;

import static dev.ferry.agent.config.ConfigFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.Configuration;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final Map<String, String> ENVIRONMENT = Map.of("HOSTNAME", "web-1");

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(ENVIRONMENT);

    @Test
    void theSeedConfigurationLoadsUnchanged() {
        Path seed = seedFile();

        LoadedConfig loaded = loader.load(seed);

        Configuration config = loaded.configuration();
        assertThat(config.sections()).extracting(ConfigSection::kind, ConfigSection::name).containsExactly(
                tuple("INPUT", "tail"), tuple("FILTER", "modify"), tuple("FILTER", "kubernetes"), tuple("OUTPUT", "es"));
        assertThat(config.sections("FILTER").get(0).all("Add")).extracting(ConfigEntry::value)
                .containsExactly("host web-1", "cluster erlmcp-prod");
        assertThat(config.sections("FILTER").get(1).first("K8S-Logging.Parser")).hasValue("On");
        assertThat(config.sections("OUTPUT").get(0).first("Generate_ID")).hasValue("On");
        assertThat(loaded.warnings()).containsExactly(
                seed + ":35: variable ${ELASTICSEARCH_PASSWORD} is not set; using an empty value");
    }

    @Test
    void theYamlEquivalentOfTheSeedLoadsToTheSameSections() throws URISyntaxException {
        Path yaml = Path.of(getClass().getResource("/config/fluent-bit.yaml").toURI());

        LoadedConfig fromYaml = loader.load(yaml);
        LoadedConfig fromClassic = loader.load(seedFile());

        assertThat(flatten(fromYaml.configuration())).isEqualTo(flatten(fromClassic.configuration()));
        assertThat(fromYaml.warnings()).hasSize(1);
    }

    @Test
    void picksTheFormatByExtension() {
        String[] yamlLines = {"pipeline:", "  inputs:", "    - name: dummy"};
        String[] classicLines = {"[INPUT]", "    Name dummy"};

        for (Path file : List.of(write(dir, "a.yaml", yamlLines), write(dir, "a.YML", yamlLines),
                write(dir, "a.conf", classicLines), write(dir, "fluent-bit", classicLines))) {
            assertThat(loader.load(file).configuration().sections()).extracting(ConfigSection::name)
                    .as(file.toString()).containsExactly("dummy");
        }
    }

    @Test
    void errorForAMissingFile() {
        Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> loader.load(missing)).isInstanceOf(ConfigException.class)
                .hasMessage("cannot read configuration file " + missing + ": no such file");
    }

    @Test
    void errorForAFileThatIsNotUtf8() throws Exception {
        Path file = dir.resolve("latin1.conf");
        Files.write(file, new byte[] {'[', 'I', 'N', 'P', 'U', 'T', ']', '\n', (byte) 0xE9, '\n'});

        assertThatThrownBy(() -> loader.load(file))
                .hasMessage("cannot read configuration file " + file + ": it is not UTF-8 text");
    }

    @Test
    void flagsReadTheirParsersFiles() {
        Path parsers = write(dir, "parsers.conf", "[PARSER]", "    Name json");

        LoadedConfig loaded = loader.loadFlags(List.of("-R", parsers.toString(), "-i", "cpu", "-o", "stdout"));

        assertThat(loaded.configuration().sections()).extracting(ConfigSection::kind, ConfigSection::name)
                .containsExactly(tuple("SERVICE", ""), tuple("INPUT", "cpu"), tuple("OUTPUT", "stdout"),
                        tuple("PARSER", "json"));
    }

    /** Kinds, keys (lower case: YAML spells them so) and values, in order; locations left out. */
    private static List<String> flatten(Configuration config) {
        return config.sections().stream()
                .flatMap(s -> s.entries().stream()
                        .map(e -> s.kind() + " " + e.key().toLowerCase(Locale.ROOT) + " " + e.value()))
                .toList();
    }

    /** {@code conf/fluent-bit.conf}, found by walking up from the working directory. */
    private static Path seedFile() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path seed = d.resolve("conf/fluent-bit.conf");
            if (Files.isRegularFile(seed)) {
                return seed;
            }
        }
        throw new IllegalStateException("conf/fluent-bit.conf not found above " + Path.of("").toAbsolutePath());
    }
}
