package dev.ferry.pipeline.config;

/**
 * One {@code key value} setting of a configuration section, with where it was written.
 * The value is already expanded ({@code ${VAR}} and {@code @SET} variables), never null.
 */
public record ConfigEntry(String key, String value, SourceLocation location) {

    /** Keys are case-insensitive, as in Fluent Bit. */
    public boolean is(String name) {
        return key.equalsIgnoreCase(name);
    }
}
