package dev.ferry.pipeline.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One section of a configuration: {@code [SERVICE]}, {@code [INPUT]}, {@code [FILTER]}, {@code [OUTPUT]},
 * {@code [PARSER]} or {@code [MULTILINE_PARSER]} (the YAML format maps onto the same sections).
 * Entries keep their order and may repeat (for example {@code Add} in {@code modify}).
 *
 * @param kind the section kind in upper case, e.g. {@code INPUT}
 * @param location where the section starts
 * @param entries the settings in file order
 */
public record ConfigSection(String kind, SourceLocation location, List<ConfigEntry> entries) {

    public ConfigSection {
        kind = kind.toUpperCase(Locale.ROOT);
        entries = List.copyOf(entries);
    }

    /** The first value of {@code key} (case-insensitive), if set. */
    public Optional<String> first(String key) {
        for (ConfigEntry e : entries) {
            if (e.is(key)) {
                return Optional.of(e.value());
            }
        }
        return Optional.empty();
    }

    /** All entries for {@code key} (case-insensitive), in file order. */
    public List<ConfigEntry> all(String key) {
        List<ConfigEntry> out = new ArrayList<>();
        for (ConfigEntry e : entries) {
            if (e.is(key)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The plugin name ({@code Name} key), or the empty string for sections without one. */
    public String name() {
        return first("Name").orElse("");
    }

    /** How errors name this section: {@code [INPUT] tail}. */
    public String label() {
        String n = name();
        return n.isEmpty() ? "[" + kind + "]" : "[" + kind + "] " + n;
    }
}
