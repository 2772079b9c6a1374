package dev.ferry.pipeline.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A section's values, validated against its plugin's {@link OptionTable}, with typed getters that fall
 * back to the declared defaults. Plugins turn this into their typed {@code *Config} record.
 *
 * <p>Immutable and thread-safe. Getters for keys the table does not declare throw
 * {@link IllegalArgumentException}: that is a programming error, not a configuration one.
 */
public final class Options {

    private final OptionTable table;
    private final ConfigSection section;
    private final List<String> warnings;

    Options(OptionTable table, ConfigSection section, List<String> warnings) {
        this.table = table;
        this.section = section;
        this.warnings = List.copyOf(warnings);
    }

    public ConfigSection section() {
        return section;
    }

    /** Warnings found while binding (options accepted for compatibility that have no effect). */
    public List<String> warnings() {
        return warnings;
    }

    /** Whether the section sets {@code name} itself (defaults do not count). */
    public boolean isSet(String name) {
        return entry(name) != null;
    }

    /** The value set for {@code name}, else its default (which may be null). */
    public String string(String name) {
        ConfigEntry e = entry(name);
        return e != null ? e.value().trim() : spec(name).defaultValue();
    }

    public boolean bool(String name) {
        String v = string(name);
        return v != null && Boolean.TRUE.equals(OptionType.parseBool(v));
    }

    public long integer(String name) {
        String v = string(name);
        return v == null ? 0 : Long.parseLong(v.trim());
    }

    /** A size in bytes; -1 when unset and without default. */
    public long size(String name) {
        String v = string(name);
        return v == null ? -1 : OptionType.parseSize(v);
    }

    /** A duration; null when unset and without default. */
    public Duration duration(String name) {
        String v = string(name);
        return v == null ? null : OptionType.parseDuration(v);
    }

    /** A comma-separated value as a list of trimmed, non-empty items (empty when unset). */
    public List<String> list(String name) {
        List<String> out = new ArrayList<>();
        for (ConfigEntry e : entries(name)) {
            for (String part : e.value().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        if (out.isEmpty() && spec(name).defaultValue() != null) {
            for (String part : spec(name).defaultValue().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    /** Every entry for {@code name} (repeatable options, prefix options such as {@code tls.*}). */
    public List<ConfigEntry> entries(String name) {
        OptionSpec spec = spec(name);
        List<ConfigEntry> out = new ArrayList<>();
        for (ConfigEntry e : section.entries()) {
            if (spec.matches(e.key())) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Refuses a Fluent Bit switch ferry takes only at Off (Fluent Bit's default): when {@code name} is On,
     * throws the located error {@code message}, which says why and what to do instead.
     */
    public void refuseOn(String name, String message) {
        if (bool(name)) {
            throw error(name, message);
        }
    }

    /** An error about the value of {@code name}, located at its entry (or at the section). */
    public ConfigException error(String name, String message) {
        ConfigEntry e = entry(name);
        return ConfigException.at(e != null ? e.location() : section.location(), section, message);
    }

    /** An error about one entry (for repeatable options). */
    public ConfigException error(ConfigEntry entry, String message) {
        return ConfigException.at(entry.location(), section, message);
    }

    private ConfigEntry entry(String name) {
        OptionSpec spec = spec(name);
        for (ConfigEntry e : section.entries()) {
            if (spec.matches(e.key())) {
                return e;
            }
        }
        return null;
    }

    private OptionSpec spec(String name) {
        OptionSpec s = table.find(name);
        if (s == null) {
            throw new IllegalArgumentException(table.plugin() + " declares no option " + name);
        }
        return s;
    }
}
