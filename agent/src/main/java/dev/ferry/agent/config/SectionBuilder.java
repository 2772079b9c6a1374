package dev.ferry.agent.config;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the entries of one section as a file reader meets them, expanding variables in each value.
 * Shared by both file readers so that "a key needs a value" is decided, and worded, once.
 * Single-threaded; used for one section and then discarded.
 */
final class SectionBuilder {

    private final SectionKind kind;
    private final SourceLocation location;
    private final VariableExpander variables;
    private final List<ConfigEntry> entries = new ArrayList<>();

    SectionBuilder(SectionKind kind, SourceLocation location, VariableExpander variables) {
        this.kind = kind;
        this.location = location;
        this.variables = variables;
    }

    /**
     * Adds {@code key} with {@code rawValue} expanded.
     *
     * @throws ConfigException if the value is blank as written (an unset variable is not blank as written)
     */
    void add(String key, String rawValue, SourceLocation where) {
        if (rawValue.isBlank()) {
            throw ConfigException.at(where, build(), "key '" + key + "' has no value; every key needs a value");
        }
        entries.add(new ConfigEntry(key, variables.expand(rawValue, where), where));
    }

    /** The section so far; also used to label errors found before the section is complete. */
    ConfigSection build() {
        return new ConfigSection(kind.name(), location, entries);
    }
}
