package dev.ferry.pipeline.filter.grep;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.filter.RecordAccessor;
import dev.ferry.pipeline.regex.FilterRegex;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The configuration of one {@code grep} filter: its rules in the order written and how they combine.
 *
 * <p>As in Fluent Bit (2.1+), {@code Logical_Op AND} and {@code OR} take rules of one kind only: mixing
 * {@code Regex} and {@code Exclude} under them is a {@link ConfigException} (Fluent Bit refuses to start
 * with "Both 'regex' and 'exclude' are set."). A rule's value is split at the first space: the key, then
 * the regex exactly as written to the end of the line (quotes are part of the pattern, as in Fluent Bit).
 * Immutable.
 *
 * @param rules the rules in the order written
 * @param logicalOp how the rules combine
 */
public record GrepConfig(List<GrepRule> rules, LogicalOp logicalOp) {

    /** How the rules of one grep filter combine ({@code Logical_Op}). */
    public enum LogicalOp {
        /** Every {@code Regex} must match and no {@code Exclude} may match. */
        LEGACY,
        /** Regex rules: keep if all match. Exclude rules: drop if all match. */
        AND,
        /** Regex rules: keep if any matches. Exclude rules: drop if any matches. */
        OR
    }

    public static final OptionTable OPTIONS = new OptionTable("FILTER", "grep", List.of(
            OptionSpec.string("Name", "The filter plugin: grep").asRequired(),
            OptionSpec.string("Regex", "KEY REGEX: keep records whose KEY (a key or a record accessor such as "
                    + "$kubernetes['labels']['app']) matches REGEX").asRepeatable(),
            OptionSpec.string("Exclude", "KEY REGEX: drop records whose KEY matches REGEX").asRepeatable(),
            OptionSpec.choice("Logical_Op", "legacy", List.of("legacy", "AND", "OR"),
                    "How rules combine: legacy (all Regex must match and no Exclude may match), AND or OR "
                            + "(rules of one kind only)")));

    public GrepConfig {
        rules = List.copyOf(rules);
    }

    /** Builds the configuration from a section bound to {@link #OPTIONS} (plus the common filter keys). */
    public static GrepConfig from(Options o) {
        LogicalOp op = LogicalOp.valueOf(o.string("Logical_Op").toUpperCase(Locale.ROOT));
        List<GrepRule> rules = new ArrayList<>();
        ConfigEntry first = null;
        for (ConfigEntry e : o.section().entries()) {
            boolean exclude = e.is("Exclude");
            if (!exclude && !e.is("Regex")) {
                continue;
            }
            String form = exclude ? "Exclude" : "Regex";
            List<String> a = keyAndRegex(e.value());
            if (a.size() != 2) {
                throw o.error(e, "'" + written(e) + "' has " + a.size() + (a.size() == 1 ? " argument" : " arguments")
                        + "; expected: " + form + " KEY REGEX");
            }
            RecordAccessor key;
            try {
                key = RecordAccessor.compile(a.get(0));
            } catch (IllegalArgumentException ex) {
                throw o.error(e, "bad key '" + a.get(0) + "' in '" + written(e) + "': " + ex.getMessage());
            }
            Pattern regex;
            try {
                regex = FilterRegex.compile(a.get(1));
            } catch (PatternSyntaxException ex) {
                throw o.error(e, "bad regex '" + a.get(1) + "' in '" + written(e) + "': " + ex.getDescription());
            }
            if (first == null) {
                first = e;
            } else if (op != LogicalOp.LEGACY && first.is("Exclude") != exclude) {
                throw o.error(e, "'" + written(e) + "' mixes Regex and Exclude rules, which Logical_Op "
                        + o.string("Logical_Op") + " does not allow; use Logical_Op legacy or one grep filter "
                        + "per kind of rule");
            }
            rules.add(new GrepRule(exclude, key, regex));
        }
        return new GrepConfig(rules, op);
    }

    /**
     * Splits {@code KEY REGEX} at the first space, as Fluent Bit does: the regex is the rest of the line
     * exactly as written, quotes included (they are part of the pattern).
     */
    private static List<String> keyAndRegex(String value) {
        String v = value.strip();
        int sp = 0;
        while (sp < v.length() && v.charAt(sp) != ' ' && v.charAt(sp) != '\t') {
            sp++;
        }
        if (v.isEmpty()) {
            return List.of();
        }
        String rest = v.substring(sp).strip();
        return rest.isEmpty() ? List.of(v) : List.of(v.substring(0, sp), rest);
    }

    private static String written(ConfigEntry e) {
        return (e.key() + " " + e.value().strip()).strip();
    }
}
