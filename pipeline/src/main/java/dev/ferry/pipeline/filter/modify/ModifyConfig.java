package dev.ferry.pipeline.filter.modify;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.filter.RecordAccessor;
import dev.ferry.pipeline.filter.RuleArguments;
import dev.ferry.pipeline.regex.FilterRegex;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The configuration of one {@code modify} filter: its conditions and its rules, in the order written.
 *
 * <p>Every rule key ({@code Set}, {@code Add}, ...) and {@code Condition} is repeatable; the rules run in
 * the order they appear in the section. A rule with the wrong number of arguments, an unknown condition, a
 * bad regex or a bad record accessor is a {@link ConfigException} naming the line, the rule as written and
 * the form expected. Immutable.
 *
 * @param conditions all must hold for the rules to apply
 * @param rules applied in order
 */
public record ModifyConfig(List<ModifyCondition> conditions, List<ModifyRule> rules) {

    private static final List<RuleForm> RULES = List.of(
            new RuleForm("Set", "KEY VALUE", 2, true,
                    "Set KEY to VALUE, replacing any field of that name (the field moves to the end)"),
            new RuleForm("Add", "KEY VALUE", 2, true, "Add KEY with VALUE if no field of that name exists"),
            new RuleForm("Add_if_not_present", "KEY VALUE", 2, true, "Deprecated name of Add"),
            new RuleForm("Remove", "KEY", 1, false, "Remove every field named KEY"),
            new RuleForm("Remove_wildcard", "KEY_PREFIX*", 1, false,
                    "Remove every field whose key starts with KEY_PREFIX"),
            new RuleForm("Remove_regex", "KEY_REGEX", 1, true, "Remove every field whose key matches KEY_REGEX"),
            new RuleForm("Rename", "KEY RENAMED_KEY", 2, false,
                    "Rename KEY to RENAMED_KEY if KEY exists and RENAMED_KEY does not"),
            new RuleForm("Hard_rename", "KEY RENAMED_KEY", 2, false,
                    "Rename KEY to RENAMED_KEY if KEY exists, replacing any field RENAMED_KEY"),
            new RuleForm("Copy", "KEY COPIED_KEY", 2, false,
                    "Copy KEY to COPIED_KEY if KEY exists once and COPIED_KEY does not"),
            new RuleForm("Hard_copy", "KEY COPIED_KEY", 2, false,
                    "Copy KEY to COPIED_KEY if KEY exists once, replacing any field COPIED_KEY"),
            new RuleForm("Move_to_start", "KEY_PREFIX*", 1, false,
                    "Move the fields whose key starts with KEY_PREFIX to the start"),
            new RuleForm("Move_to_end", "KEY_PREFIX*", 1, false,
                    "Move the fields whose key starts with KEY_PREFIX to the end"));

    private static final List<RuleForm> CONDITIONS = List.of(
            new RuleForm("Key_exists", "KEY", 1, false, null),
            new RuleForm("Key_does_not_exist", "KEY", 1, false, null),
            new RuleForm("A_key_matches", "KEY_REGEX", 1, true, null),
            new RuleForm("No_key_matches", "KEY_REGEX", 1, true, null),
            new RuleForm("Key_value_equals", "KEY VALUE", 2, true, null),
            new RuleForm("Key_value_does_not_equal", "KEY VALUE", 2, true, null),
            new RuleForm("Key_value_matches", "KEY VALUE_REGEX", 2, true, null),
            new RuleForm("Key_value_does_not_match", "KEY VALUE_REGEX", 2, true, null),
            new RuleForm("Matching_keys_have_matching_values", "KEY_REGEX VALUE_REGEX", 2, true, null),
            new RuleForm("Matching_keys_do_not_have_matching_values", "KEY_REGEX VALUE_REGEX", 2, true, null));

    public static final OptionTable OPTIONS = new OptionTable("FILTER", "modify", options());

    public ModifyConfig {
        conditions = List.copyOf(conditions);
        rules = List.copyOf(rules);
    }

    /** Builds the configuration from a section bound to {@link #OPTIONS} (plus the common filter keys). */
    public static ModifyConfig from(Options o) {
        List<ModifyCondition> conditions = new ArrayList<>();
        List<ModifyRule> rules = new ArrayList<>();
        for (ConfigEntry e : o.section().entries()) {
            if (e.is("Condition")) {
                conditions.add(condition(o, e));
                continue;
            }
            for (RuleForm form : RULES) {
                if (e.is(form.name())) {
                    rules.add(rule(o, e, form));
                    break;
                }
            }
        }
        return new ModifyConfig(conditions, rules);
    }

    private static List<OptionSpec> options() {
        List<OptionSpec> specs = new ArrayList<>();
        specs.add(OptionSpec.string("Name", "The filter plugin: modify").asRequired());
        for (RuleForm form : RULES) {
            specs.add(OptionSpec.string(form.name(), form.name() + " " + form.args() + ": " + form.description())
                    .asRepeatable());
        }
        specs.add(OptionSpec.string("Condition", "CONDITION ARGS: the rules apply only when every condition "
                + "holds; one of " + conditionNames()).asRepeatable());
        return specs;
    }

    private static ModifyRule rule(Options o, ConfigEntry e, RuleForm form) {
        List<String> a = arguments(o, e, e.value(), form, form.name() + " " + form.args());
        return switch (form.name()) {
            case "Set" -> new ModifyRule.Set(a.get(0), a.get(1));
            case "Add", "Add_if_not_present" -> new ModifyRule.Add(a.get(0), a.get(1));
            case "Remove" -> new ModifyRule.Remove(a.get(0));
            case "Remove_wildcard" -> new ModifyRule.RemoveWildcard(prefix(a.get(0)));
            case "Remove_regex" -> new ModifyRule.RemoveRegex(regex(o, e, a.get(0)));
            case "Rename" -> new ModifyRule.Rename(a.get(0), a.get(1));
            case "Hard_rename" -> new ModifyRule.HardRename(a.get(0), a.get(1));
            case "Copy" -> new ModifyRule.Copy(a.get(0), a.get(1));
            case "Hard_copy" -> new ModifyRule.HardCopy(a.get(0), a.get(1));
            case "Move_to_start" -> new ModifyRule.MoveToStart(prefix(a.get(0)));
            case "Move_to_end" -> new ModifyRule.MoveToEnd(prefix(a.get(0)));
            default -> throw new IllegalStateException("no rule " + form.name());
        };
    }

    private static ModifyCondition condition(Options o, ConfigEntry e) {
        String value = e.value().strip();
        int space = 0;
        while (space < value.length() && value.charAt(space) != ' ' && value.charAt(space) != '\t') {
            space++;
        }
        String name = value.substring(0, space);
        String args = value.substring(space);
        RuleForm form = null;
        for (RuleForm f : CONDITIONS) {
            if (f.name().equalsIgnoreCase(name)) {
                form = f;
            }
        }
        if (form == null) {
            throw o.error(e, "unknown condition '" + name + "' in '" + written(e) + "'; allowed: "
                    + conditionNames());
        }
        List<String> a = arguments(o, e, args, form, "Condition " + form.name() + " " + form.args());
        return switch (form.name()) {
            case "Key_exists" -> new ModifyCondition.KeyExists(accessor(o, e, a.get(0)));
            case "Key_does_not_exist" -> new ModifyCondition.KeyDoesNotExist(accessor(o, e, a.get(0)));
            case "A_key_matches" -> new ModifyCondition.AKeyMatches(regex(o, e, a.get(0)));
            case "No_key_matches" -> new ModifyCondition.NoKeyMatches(regex(o, e, a.get(0)));
            case "Key_value_equals" -> new ModifyCondition.KeyValueEquals(accessor(o, e, a.get(0)), a.get(1));
            case "Key_value_does_not_equal" ->
                    new ModifyCondition.KeyValueDoesNotEqual(accessor(o, e, a.get(0)), a.get(1));
            case "Key_value_matches" ->
                    new ModifyCondition.KeyValueMatches(accessor(o, e, a.get(0)), regex(o, e, a.get(1)));
            case "Key_value_does_not_match" ->
                    new ModifyCondition.KeyValueDoesNotMatch(accessor(o, e, a.get(0)), regex(o, e, a.get(1)));
            case "Matching_keys_have_matching_values" ->
                    new ModifyCondition.MatchingKeysHaveMatchingValues(regex(o, e, a.get(0)), regex(o, e, a.get(1)));
            case "Matching_keys_do_not_have_matching_values" ->
                    new ModifyCondition.MatchingKeysDoNotHaveMatchingValues(
                            regex(o, e, a.get(0)), regex(o, e, a.get(1)));
            default -> throw new IllegalStateException("no condition " + form.name());
        };
    }

    private static List<String> arguments(Options o, ConfigEntry e, String value, RuleForm form, String expected) {
        List<String> a = RuleArguments.split(value, form.count(), form.rest());
        if (a.size() != form.count()) {
            throw o.error(e, "'" + written(e) + "' has " + a.size() + (a.size() == 1 ? " argument" : " arguments")
                    + "; expected: " + expected);
        }
        return a;
    }

    private static Pattern regex(Options o, ConfigEntry e, String regex) {
        try {
            return FilterRegex.compile(regex);
        } catch (PatternSyntaxException ex) {
            throw o.error(e, "bad regex '" + regex + "' in '" + written(e) + "': " + ex.getDescription());
        }
    }

    private static RecordAccessor accessor(Options o, ConfigEntry e, String key) {
        try {
            return RecordAccessor.compile(key);
        } catch (IllegalArgumentException ex) {
            throw o.error(e, "bad key '" + key + "' in '" + written(e) + "': " + ex.getMessage());
        }
    }

    /** A wildcard key as Fluent Bit matches it: a prefix, with one trailing {@code *} taken off. */
    private static String prefix(String wildcard) {
        return wildcard.endsWith("*") ? wildcard.substring(0, wildcard.length() - 1) : wildcard;
    }

    private static String written(ConfigEntry e) {
        return (e.key() + " " + e.value().strip()).strip();
    }

    private static String conditionNames() {
        return String.join(", ", CONDITIONS.stream().map(RuleForm::name).toList());
    }

    /** How one rule or condition is written: its name, its arguments and whether the last takes the rest. */
    private record RuleForm(String name, String args, int count, boolean rest, String description) {
    }
}
