package dev.ferry.pipeline.regex;

import dev.ferry.pipeline.config.SlashedRegex;
import java.util.regex.Pattern;

/**
 * Compiles the regular expressions of filter rules and of {@code Match_Regex} the way Fluent Bit reads them
 * ({@code flb_regex_create}), onto {@link java.util.regex}.
 *
 * <p>Fluent Bit uses Onigmo with Ruby syntax, so:
 * <ul>
 *   <li>a rule matches when the regex is found anywhere in the value (use {@code ^...$} to anchor);</li>
 *   <li>{@code ^} and {@code $} match at line breaks inside a value as well ({@link Pattern#MULTILINE});</li>
 *   <li>a pattern may be written between slashes, {@code /error/}, optionally followed by Ruby flags:
 *       {@code i} (ignore case), {@code m} (dot matches newline, Java's {@code DOTALL}) and {@code x}
 *       (extended, Java's {@code COMMENTS}), split as Fluent Bit does ({@link SlashedRegex}).</li>
 * </ul>
 * A pattern that merely starts with a slash and ends in one of those letters after a later slash (such as
 * {@code /usr/mix}) is read as delimited. The pattern itself is Onigmo syntax, translated by {@link RubyRegex}
 * ({@code \h} is a hex digit, group names may hold {@code _}, {@code (?m)} lets {@code .} match a newline).
 * Stateless.
 */
public final class FilterRegex {

    private FilterRegex() {
    }

    /**
     * Compiles {@code regex}.
     *
     * @throws java.util.regex.PatternSyntaxException if it is not a valid regular expression
     */
    public static Pattern compile(String regex) {
        SlashedRegex split = SlashedRegex.parse(regex);
        return RubyRegex.compile(split.pattern(), Pattern.MULTILINE | split.javaFlags()).pattern();
    }
}
