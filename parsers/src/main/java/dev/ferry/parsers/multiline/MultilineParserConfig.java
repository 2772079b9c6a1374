package dev.ferry.parsers.multiline;

import dev.ferry.parsers.text.ConfiguredRegex;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.OptionType;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.config.SourceLocation;
import dev.ferry.pipeline.regex.RubyRegex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * A {@code [MULTILINE_PARSER]} section, validated: Fluent Bit's regex multiline parser (a state machine
 * of {@code rule}s), with every rule's regex compiled so that what was checked is what runs.
 *
 * <p>Rules, as Fluent Bit writes them (the YAML {@code rules:} list arrives as the same {@code rule}
 * entries, see the agent's YAML reader):
 * <pre>
 *  rule  "start_state"      "/^\d{4}-\d\d-\d\d /"  "cont"
 *  rule  "cont, more"       "/^\s+at /"            "cont"
 *        from state(s)       regex                  next state
 * </pre>
 * The first and last fields are double-quoted state names (a bare word is accepted, as Fluent Bit's
 * tokenizer does); the first may list several states separated by commas. The regex is everything
 * between them, its surrounding quotes removed, written {@code /pattern/} with optional Onigmo flags
 * {@code i}, {@code m} (dot matches newline) and {@code x} after the closing slash, or bare (read by
 * {@link ConfiguredRegex}). The pattern is Onigmo syntax, translated by {@link RubyRegex}; it is searched
 * for in the line, not anchored.
 *
 * <p>Checked, each with its own message naming {@code file:line}: a rule that is not three fields,
 * a regex Java cannot compile, no rule for {@code start_state}, a next state that no rule starts
 * from, {@code Flush_Timeout} that is not a duration.
 *
 * <p>Refused, because ignoring them would change records (Fluent Bit's {@code src/multiline/flb_ml.c}):
 * <ul>
 *   <li>{@code Parser}: Fluent Bit parses every line with it before the rules
 *       ({@code ml_append_try_parser_type_text}), runs the rules on the {@code Key_Content} field and
 *       writes the joined text back into the first line's fields; ferry's assemblers join raw lines
 *       and do not parse.</li>
 *   <li>{@code Key_Content} other than {@code log}: without a {@code Parser} it only names the key the
 *       joined text goes under ({@code flb_ml_flush_stream_group}); ferry keeps it under {@code log},
 *       the tail input's only {@code Key}. {@code Key_Content log} is accepted: it is what ferry does.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name {@code Name}
 * @param mode how lines are joined: by rules (every user parser), or the built-in CRI / docker modes
 * @param parser always null: {@code Parser} is refused (see above)
 * @param keyContent the key the joined text goes under: always {@code log} ({@code Key_Content} other than
 *     {@code log} is refused)
 * @param flushTimeout {@code Flush_Timeout}: how long a pending record waits for its next line
 * @param maxRecordSize {@code max_record_size} in bytes: a record that would grow past it is emitted
 * @param rules the rules in file order (empty for the CRI and docker modes)
 */
public record MultilineParserConfig(
        String name, Mode mode, String parser, String keyContent, Duration flushTimeout, long maxRecordSize,
        List<Rule> rules) {

    /** Fluent Bit's default {@code flush_timeout} ({@code FLB_ML_FLUSH_TIMEOUT}, milliseconds). */
    public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofMillis(4000);

    /** The default {@code max_record_size}. */
    public static final long DEFAULT_MAX_RECORD_SIZE = 2L << 20;

    /** The state every record starts in. */
    public static final String START_STATE = "start_state";

    private static final String RULE_SHAPE = "expected \"state\" \"/regex/\" \"next_state\"";

    /** How lines are joined. */
    public enum Mode {
        /** By {@code rule}s: {@code Type regex}. */
        REGEX,
        /** CRI partial lines ({@code P} flags) up to the {@code F} line: the built-in {@code cri}. */
        CRI,
        /** Docker json-file partial {@code log} values (no trailing newline): the built-in {@code docker}. */
        DOCKER
    }

    /**
     * One {@code rule}.
     *
     * @param fromStates the states it applies in (one or more)
     * @param regex the compiled pattern
     * @param nextState the state after a line matches it
     * @param location where it was written
     */
    public record Rule(List<String> fromStates, RubyRegex regex, String nextState, SourceLocation location) {

        public Rule {
            fromStates = List.copyOf(fromStates);
        }

        /** Whether the rule applies in {@code start_state}, that is, its line may start a record. */
        public boolean isStart() {
            return fromStates.contains(START_STATE);
        }
    }

    /** The options of a {@code [MULTILINE_PARSER]} section. */
    public static final OptionTable OPTIONS = new OptionTable("MULTILINE_PARSER", "multiline_parser", List.of(
            OptionSpec.string("Name", "the multiline parser's name, as inputs refer to it").asRequired(),
            OptionSpec.choice("Type", null, List.of("regex"), "how lines are joined; only regex (rules) is "
                    + "supported").asRequired(),
            OptionSpec.string("Rule", "\"state\" \"/regex/\" \"next_state\": in state, a line matching regex "
                    + "joins the record and moves it to next_state; start_state rules start records").asRepeatable(),
            OptionSpec.string("Parser", "in Fluent Bit, a parser applied to each line before the rules; not "
                    + "supported (refused)"),
            OptionSpec.string("Key_Content", "the key the joined text goes under; only log is supported")
                    .withDefault("log"),
            OptionSpec.string("Flush_Timeout", "how long a record waits for its next line before it is "
                    + "emitted; a bare number means milliseconds, as in Fluent Bit").withDefault("4000"),
            OptionSpec.size("max_record_size", "2MiB", "a record that would grow past this size is emitted "
                    + "as it is and the next line starts a new one"),
            OptionSpec.ignoredOption("Key_Group", "grouping by a field is not supported"),
            OptionSpec.ignoredOption("Key_Pattern", "only for Type endswith/equal, which are not supported"),
            OptionSpec.ignoredOption("Match_String", "only for Type endswith/equal, which are not supported"),
            OptionSpec.ignoredOption("Negate", "only for Type endswith/equal, which are not supported")));

    public MultilineParserConfig {
        rules = List.copyOf(rules);
    }

    /** Binds and validates a {@code [MULTILINE_PARSER]} section. */
    public static MultilineParserConfig from(ConfigSection section) {
        return from(OPTIONS.bind(section));
    }

    /** Builds the config from bound options; see the type's javadoc for what is checked. */
    public static MultilineParserConfig from(Options o) {
        String name = o.string("Name");
        Duration flush = flushTimeout(o);
        long max = o.size("max_record_size");
        if (max < 1) {
            throw o.error("max_record_size", "max_record_size must be at least 1 byte");
        }
        List<Rule> rules = new ArrayList<>();
        for (ConfigEntry e : o.entries("Rule")) {
            rules.add(rule(o, e));
        }
        if (rules.isEmpty()) {
            throw o.error("Rule", "Type regex needs rules, such as rule \"start_state\" \"/^\\d{4}-/\" \"cont\"");
        }
        Set<String> states = new LinkedHashSet<>();
        for (Rule r : rules) {
            states.addAll(r.fromStates());
        }
        if (!states.contains(START_STATE)) {
            throw o.error("Rule", "no rule starts from start_state, so no record can start; the first rule "
                    + "is usually rule \"start_state\" \"/regex/\" \"next_state\"");
        }
        for (Rule r : rules) {
            if (!states.contains(r.nextState())) {
                throw ruleError(o, r, "next state '" + r.nextState() + "' is not the state of any rule; "
                        + "states: " + String.join(", ", states));
            }
        }
        if (o.isSet("Parser")) {
            throw o.error("Parser", "key 'Parser' is not supported: Fluent Bit parses each line with it and runs the "
                    + "rules on the Key_Content field, ferry runs the rules on the raw line, so lines would be joined "
                    + "differently and left unparsed. Remove Parser (and Key_Content) and parse the joined record "
                    + "with the [INPUT] Parser or a parser filter; lines that are themselves JSON or another format "
                    + "cannot be joined by one of their fields in ferry yet");
        }
        String keyContent = o.string("Key_Content");
        if (!"log".equals(keyContent)) {
            throw o.error("Key_Content", "Key_Content '" + keyContent + "' is not supported: without Parser it only "
                    + "names the key the joined text goes under, and ferry keeps it under 'log' (the tail input's "
                    + "Key); remove Key_Content");
        }
        return new MultilineParserConfig(name, Mode.REGEX, null, keyContent, flush, max, rules);
    }

    private static RuntimeException ruleError(Options o, Rule r, String message) {
        for (ConfigEntry e : o.entries("Rule")) {
            if (e.location().equals(r.location())) {
                return o.error(e, message);
            }
        }
        return o.error("Rule", message);
    }

    /** A bare whole number is milliseconds (Fluent Bit); otherwise a duration with its unit. */
    private static Duration flushTimeout(Options o) {
        String v = o.string("Flush_Timeout");
        String t = v.trim();
        Duration d = null;
        if (!t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            d = t.length() <= 12 ? Duration.ofMillis(Long.parseLong(t)) : null;
        } else if (!t.isEmpty() && Character.isLetter(t.charAt(t.length() - 1))) {
            d = OptionType.parseDuration(t);
        }
        if (d == null || d.isZero()) {
            throw o.error("Flush_Timeout", "bad value '" + v + "' for key 'Flush_Timeout'; allowed: milliseconds "
                    + "such as 1000, or a duration such as 500ms, 5s or 1m (more than zero)");
        }
        return d;
    }

    private static Rule rule(Options o, ConfigEntry e) {
        String text = e.value().trim();
        String[] fields = splitRule(text);
        if (fields == null) {
            throw o.error(e, "rule '" + text + "' is malformed; " + RULE_SHAPE + " (three fields, each in double "
                    + "quotes)");
        }
        List<String> from = new ArrayList<>();
        for (String s : fields[0].split(",")) {
            if (!s.isBlank()) {
                from.add(s.trim());
            }
        }
        String next = fields[2].trim();
        if (from.isEmpty() || next.isEmpty()) {
            throw o.error(e, "rule '" + text + "' is malformed; a state name is empty; " + RULE_SHAPE);
        }
        return new Rule(from, regex(o, e, fields[1]), next, e.location());
    }

    /**
     * Splits a rule into state(s), regex and next state; null if it does not have that shape. The regex
     * is taken as everything between the first and the last field, so quotes inside it need no escaping.
     */
    static String[] splitRule(String text) {
        int n = text.length();
        if (n == 0) {
            return null;
        }
        int firstEnd;
        int rest;
        if (text.charAt(0) == '"') {
            int q = text.indexOf('"', 1);
            if (q < 0) {
                return null;
            }
            firstEnd = q;
            rest = q + 1;
        } else {
            int sp = indexOfSpace(text, 0);
            if (sp < 0) {
                return null;
            }
            firstEnd = sp;
            rest = sp;
        }
        String first = text.charAt(0) == '"' ? text.substring(1, firstEnd) : text.substring(0, firstEnd);
        int lastStart;
        int middleEnd;
        if (text.charAt(n - 1) == '"') {
            int q = text.lastIndexOf('"', n - 2);
            if (q < rest) {
                return null;
            }
            lastStart = q + 1;
            middleEnd = q;
        } else {
            int sp = lastIndexOfSpace(text);
            if (sp < rest) {
                return null;
            }
            lastStart = sp + 1;
            middleEnd = sp + 1;
        }
        String last = text.substring(lastStart, text.charAt(n - 1) == '"' ? n - 1 : n);
        if (middleEnd <= rest) {
            return null;
        }
        String middle = text.substring(rest, middleEnd);
        if (!Character.isWhitespace(middle.charAt(0)) || !Character.isWhitespace(middle.charAt(middle.length() - 1))) {
            return null; // fields are separated by space
        }
        middle = middle.trim();
        if (middle.length() >= 2 && middle.charAt(0) == '"' && middle.charAt(middle.length() - 1) == '"') {
            middle = middle.substring(1, middle.length() - 1);
        } else if (middle.indexOf('"') >= 0 || indexOfSpace(middle, 0) >= 0) {
            return null; // a bare regex is one word, as Fluent Bit's tokenizer reads it
        }
        if (middle.isEmpty()) {
            return null;
        }
        return new String[] {first, middle, last};
    }

    private static int indexOfSpace(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOfSpace(String s) {
        for (int i = s.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Compiles {@code /pattern/flags} (or a bare pattern) with Onigmo syntax. */
    private static RubyRegex regex(Options o, ConfigEntry e, String written) {
        try {
            return ConfiguredRegex.compile(written);
        } catch (PatternSyntaxException ex) {
            throw o.error(e, "invalid regex in rule: " + ex.getDescription()
                    + (ex.getIndex() >= 0 ? " near index " + ex.getIndex() : "") + " in '" + ex.getPattern() + "'");
        }
    }

    /** A config for one of the built-in join modes ({@link Mode#CRI}, {@link Mode#DOCKER}). */
    static MultilineParserConfig builtinMode(String name, Mode mode) {
        return new MultilineParserConfig(name, mode, null, "log", DEFAULT_FLUSH_TIMEOUT, DEFAULT_MAX_RECORD_SIZE,
                List.of());
    }
}
