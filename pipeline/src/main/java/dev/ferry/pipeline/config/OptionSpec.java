package dev.ferry.pipeline.config;

import java.util.List;
import java.util.Locale;

/**
 * One option a plugin accepts: its name (Fluent Bit's spelling), type, default and description. A
 * plugin's options form an {@link OptionTable}; the documentation and {@code ferry check} come from it.
 *
 * <p>A name ending in {@code .*} (such as {@code tls.*}) covers every key with that prefix. An option
 * marked {@linkplain #ignored() ignored} is one Fluent Bit has and ferry accepts for compatibility
 * without acting on it; using it gives a warning, not an error. Immutable.
 */
public record OptionSpec(
        String name, OptionType type, String defaultValue, boolean required, boolean repeatable,
        boolean ignored, List<String> choices, String description) {

    public OptionSpec {
        choices = List.copyOf(choices);
    }

    public static OptionSpec string(String name, String description) {
        return new OptionSpec(name, OptionType.STRING, null, false, false, false, List.of(), description);
    }

    public static OptionSpec bool(String name, boolean dflt, String description) {
        return new OptionSpec(name, OptionType.BOOL, dflt ? "on" : "off", false, false, false, List.of(), description);
    }

    public static OptionSpec integer(String name, long dflt, String description) {
        return new OptionSpec(name, OptionType.INT, Long.toString(dflt), false, false, false, List.of(), description);
    }

    public static OptionSpec size(String name, String dflt, String description) {
        return new OptionSpec(name, OptionType.SIZE, dflt, false, false, false, List.of(), description);
    }

    public static OptionSpec duration(String name, String dflt, String description) {
        return new OptionSpec(name, OptionType.DURATION, dflt, false, false, false, List.of(), description);
    }

    public static OptionSpec choice(String name, String dflt, List<String> choices, String description) {
        return new OptionSpec(name, OptionType.CHOICE, dflt, false, false, false, choices, description);
    }

    /** A Fluent Bit option ferry accepts and ignores (with a warning naming it). */
    public static OptionSpec ignoredOption(String name, String why) {
        return new OptionSpec(name, OptionType.STRING, null, false, true, true, List.of(), why);
    }

    public OptionSpec withDefault(String dflt) {
        return new OptionSpec(name, type, dflt, required, repeatable, ignored, choices, description);
    }

    public OptionSpec asRequired() {
        return new OptionSpec(name, type, defaultValue, true, repeatable, ignored, choices, description);
    }

    public OptionSpec asRepeatable() {
        return new OptionSpec(name, type, defaultValue, required, true, ignored, choices, description);
    }

    /** Whether {@code key} (case-insensitive) is this option. */
    public boolean matches(String key) {
        if (name.endsWith(".*")) {
            String prefix = name.substring(0, name.length() - 1);
            return key.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT));
        }
        return name.equalsIgnoreCase(key);
    }
}
