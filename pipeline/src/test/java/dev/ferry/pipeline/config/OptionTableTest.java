package dev.ferry.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionTableTest {

    private static final OptionTable TABLE = new OptionTable("INPUT", "tail", List.of(
            OptionSpec.string("Name", "plugin name").asRequired(),
            OptionSpec.string("Path", "files to read").asRequired(),
            OptionSpec.duration("Refresh_Interval", "60", "rescan period"),
            OptionSpec.size("Buffer_Chunk_Size", "32k", "read size"),
            OptionSpec.bool("Read_from_Head", false, "read existing files from the start"),
            OptionSpec.choice("DB.sync", "normal", List.of("normal", "full"), "fsync policy"),
            OptionSpec.string("Add", "a field").asRepeatable(),
            OptionSpec.string("tls.*", "TLS settings"),
            OptionSpec.ignoredOption("Inotify_Watcher", "ferry polls")));

    private static ConfigSection section(String... kv) {
        List<ConfigEntry> entries = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            entries.add(new ConfigEntry(kv[i], kv[i + 1], new SourceLocation("fluent-bit.conf", 2 + i / 2)));
        }
        return new ConfigSection("INPUT", new SourceLocation("fluent-bit.conf", 1), entries);
    }

    @Test
    void typedValuesAndDefaults() {
        Options o = TABLE.bind(section("Name", "tail", "path", "/var/log/*.log", "Refresh_Interval", "5",
                "Buffer_Chunk_Size", "5MB", "read_from_head", "On", "Add", "a 1", "Add", "b 2", "tls.verify", "off"));
        assertThat(o.string("Path")).isEqualTo("/var/log/*.log");
        assertThat(o.duration("Refresh_Interval")).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.size("Buffer_Chunk_Size")).isEqualTo(5L << 20);
        assertThat(o.bool("Read_from_Head")).isTrue();
        assertThat(o.string("DB.sync")).isEqualTo("normal");
        assertThat(o.entries("Add")).extracting(ConfigEntry::value).containsExactly("a 1", "b 2");
        assertThat(o.entries("tls.*")).extracting(ConfigEntry::key).containsExactly("tls.verify");
        assertThat(o.isSet("Refresh_Interval")).isTrue();
        assertThat(o.isSet("DB.sync")).isFalse();
    }

    @Test
    void durationsTakeFluentBitsSuffixesIncludingDays() {
        assertThat(TABLE.bind(section("Name", "tail", "Path", "/x", "Refresh_Interval", "1d"))
                .duration("Refresh_Interval")).isEqualTo(Duration.ofDays(1));
        assertThat(TABLE.bind(section("Name", "tail", "Path", "/x", "Refresh_Interval", "2D"))
                .duration("Refresh_Interval")).isEqualTo(Duration.ofDays(2));
        assertThat(TABLE.bind(section("Name", "tail", "Path", "/x", "Refresh_Interval", "3H"))
                .duration("Refresh_Interval")).isEqualTo(Duration.ofHours(3));
    }

    @Test
    void unknownKeyNamesFileLineSectionAndKeyAndSuggests() {
        assertThatThrownBy(() -> TABLE.bind(section("Name", "tail", "Pth", "/x")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("fluent-bit.conf:3: [INPUT] tail: unknown key 'Pth' (did you mean 'Path'?); allowed keys: "
                        + "Add, Buffer_Chunk_Size, DB.sync, Inotify_Watcher, Name, Path, Read_from_Head, Refresh_Interval, tls.*");
    }

    @Test
    void badValueSaysWhatIsAllowed() {
        assertThatThrownBy(() -> TABLE.bind(section("Name", "tail", "Path", "/x", "Refresh_Interval", "soon")))
                .hasMessage("fluent-bit.conf:4: [INPUT] tail: bad value 'soon' for key 'Refresh_Interval'; "
                        + "allowed: a duration such as 500ms, 5s or 1m (a bare number means seconds)");
        assertThatThrownBy(() -> TABLE.bind(section("Name", "tail", "Path", "/x", "DB.sync", "maybe")))
                .hasMessage("fluent-bit.conf:4: [INPUT] tail: bad value 'maybe' for key 'DB.sync'; allowed: one of normal, full");
        assertThatThrownBy(() -> TABLE.bind(section("Name", "tail", "Path", "/x", "Read_from_Head", "perhaps")))
                .hasMessage("fluent-bit.conf:4: [INPUT] tail: bad value 'perhaps' for key 'Read_from_Head'; "
                        + "allowed: on, off, true, false, yes or no");
        assertThatThrownBy(() -> TABLE.bind(section("Name", "tail", "Path", "/x", "Buffer_Chunk_Size", "lots")))
                .hasMessage("fluent-bit.conf:4: [INPUT] tail: bad value 'lots' for key 'Buffer_Chunk_Size'; "
                        + "allowed: a size such as 32k, 5MB or 1GiB");
    }

    @Test
    void missingRequiredKeyNamesTheSection() {
        assertThatThrownBy(() -> TABLE.bind(section("Name", "tail")))
                .hasMessage("fluent-bit.conf:1: [INPUT] tail: missing required key 'Path' (files to read)");
    }

    @Test
    void aSingleValuedKeySetTwiceIsAnError() {
        assertThatThrownBy(() -> TABLE.bind(section("Name", "tail", "Path", "/a", "path", "/b")))
                .hasMessage("fluent-bit.conf:4: [INPUT] tail: key 'path' is set twice (first at fluent-bit.conf:3); it takes one value");
    }

    @Test
    void ignoredFluentBitKeysWarnInsteadOfFailing() {
        Options o = TABLE.bind(section("Name", "tail", "Path", "/a", "Inotify_Watcher", "false"));
        assertThat(o.warnings()).containsExactly(
                "fluent-bit.conf:4: [INPUT] tail: key 'Inotify_Watcher' has no effect in ferry (ferry polls)");
    }
}
