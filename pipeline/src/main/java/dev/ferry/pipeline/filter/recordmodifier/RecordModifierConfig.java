package dev.ferry.pipeline.filter.recordmodifier;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.filter.RuleArguments;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration of one {@code record_modifier} filter.
 *
 * <p>Key patterns ({@code Remove_key}, {@code Allowlist_key}) match case-insensitively, as in Fluent
 * Bit; a pattern ending in {@code *} matches every key starting with the rest. {@code Remove_key} and
 * {@code Allowlist_key} (or its old name {@code Whitelist_key}) cannot be used together: that is a
 * {@link ConfigException}, as in Fluent Bit. Immutable.
 *
 * @param records the {@code Record KEY VALUE} pairs in the order written; values are strings
 * @param removeKeys the {@code Remove_key} patterns
 * @param allowlistKeys the {@code Allowlist_key} and {@code Whitelist_key} patterns
 * @param uuidKey the key for a random UUID per record, or null
 */
public record RecordModifierConfig(
        List<Field> records, List<String> removeKeys, List<String> allowlistKeys, String uuidKey) {

    /** One {@code Record KEY VALUE}. */
    public record Field(String key, String value) {
    }

    public static final OptionTable OPTIONS = new OptionTable("FILTER", "record_modifier", List.of(
            OptionSpec.string("Name", "The filter plugin: record_modifier").asRequired(),
            OptionSpec.string("Record", "KEY VALUE: set KEY to the string VALUE (replacing any field of that "
                    + "name)").asRepeatable(),
            OptionSpec.string("Remove_key", "Remove the fields with this key (case-insensitive; a trailing * "
                    + "matches any suffix)").asRepeatable(),
            OptionSpec.string("Allowlist_key", "Keep only the fields with these keys (case-insensitive; a "
                    + "trailing * matches any suffix)").asRepeatable(),
            OptionSpec.string("Whitelist_key", "Old name of Allowlist_key").asRepeatable(),
            OptionSpec.string("Uuid_key", "Add a random UUID (version 4) under this key to every record")));

    public RecordModifierConfig {
        records = List.copyOf(records);
        removeKeys = List.copyOf(removeKeys);
        allowlistKeys = List.copyOf(allowlistKeys);
    }

    /** Builds the configuration from a section bound to {@link #OPTIONS} (plus the common filter keys). */
    public static RecordModifierConfig from(Options o) {
        List<Field> records = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        List<String> allow = new ArrayList<>();
        for (ConfigEntry e : o.section().entries()) {
            if (e.is("Record")) {
                List<String> a = RuleArguments.split(e.value(), 2, true);
                if (a.size() != 2) {
                    throw o.error(e, "'" + (e.key() + " " + e.value().strip()).strip() + "' has " + a.size()
                            + (a.size() == 1 ? " argument" : " arguments") + "; expected: Record KEY VALUE");
                }
                records.add(new Field(a.get(0), a.get(1)));
            } else if (e.is("Remove_key")) {
                if (!allow.isEmpty()) {
                    throw exclusive(o, e);
                }
                remove.add(key(o, e));
            } else if (e.is("Allowlist_key") || e.is("Whitelist_key")) {
                if (!remove.isEmpty()) {
                    throw exclusive(o, e);
                }
                allow.add(key(o, e));
            }
        }
        String uuid = o.string("Uuid_key");
        return new RecordModifierConfig(records, remove, allow, uuid == null || uuid.isEmpty() ? null : uuid);
    }

    private static ConfigException exclusive(Options o, ConfigEntry e) {
        return o.error(e, "Remove_key and Allowlist_key cannot be used together; use one or the other");
    }

    private static String key(Options o, ConfigEntry e) {
        String k = e.value().strip();
        if (k.isEmpty()) {
            throw o.error(e, "'" + e.key() + "' needs a key");
        }
        return k;
    }
}
