package dev.ferry.agent.config;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the entries of one section as a file reader meets them, and expands the variables in their values
 * when the section is built, not when a value is read: the classic reader builds its sections only once every
 * {@code @SET} of the configuration is known, as Fluent Bit expands values only after it has run every
 * {@code @SET} (see {@link ClassicConfigReader}). Shared by both file readers so that "a key needs a value" is
 * decided, and worded, once. Single-threaded; used for one section and then discarded.
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
     * Adds {@code key} with {@code rawValue}, expanded by {@link #build}.
     *
     * @throws ConfigException if the value is blank as written (an unset variable is not blank as written)
     */
    void add(String key, String rawValue, SourceLocation where) {
        if (rawValue.isBlank()) {
            throw ConfigException.at(where, asWritten(), "key '" + key + "' has no value; every key needs a value");
        }
        entries.add(new ConfigEntry(key, rawValue, where));
    }

    /** The section with every value expanded from the variables as they are now. */
    ConfigSection build() {
        List<ConfigEntry> expanded = new ArrayList<>(entries.size());
        for (ConfigEntry e : entries) {
            expanded.add(new ConfigEntry(e.key(), variables.expand(e.value(), e.location()), e.location()));
        }
        return new ConfigSection(kind.name(), location, expanded);
    }

    /** The section so far with its values as written, to label errors found before it is complete. */
    ConfigSection asWritten() {
        return new ConfigSection(kind.name(), location, entries);
    }
}
