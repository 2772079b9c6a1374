package dev.ferry.parsers.text;

import java.util.regex.PatternSyntaxException;

/**
 * A regex as Fluent Bit lets it be written in a configuration: bare, {@code /pattern/}, or
 * {@code /pattern/flags} with the Onigmo flags {@code i} (ignore case), {@code m} (dot matches newline)
 * and {@code x} (extended); {@code o} is accepted and does nothing. Used by {@code [PARSER] Regex} and
 * {@code [MULTILINE_PARSER] rule}, which both go through Fluent Bit's {@code flb_regex_create}.
 *
 * <p>The split follows {@code str_to_regex} / {@code check_option} in Fluent Bit's
 * {@code src/flb_regex.c} exactly: a text that starts with {@code /} is cut at its <em>last</em>
 * {@code /}; if everything after that slash is flag letters (at least one of {@code i}, {@code m},
 * {@code x}), the pattern is what lies between the slashes. Otherwise, if the text also ends with
 * {@code /}, the two slashes are stripped; otherwise (an unknown letter, only {@code o}) the whole text,
 * slashes included, is the pattern.
 *
 * <p>Immutable and thread-safe.
 *
 * @param pattern the pattern without slashes and flags (Onigmo syntax)
 * @param flags the flag letters that have an effect ({@code i}, {@code m}, {@code x}), in the order
 *     written; empty for none
 */
public record SlashedRegex(String pattern, String flags) {

    /** Splits {@code written} the way Fluent Bit does; see the type's javadoc. */
    public static SlashedRegex parse(String written) {
        int n = written.length();
        if (n >= 2 && written.charAt(0) == '/') {
            int close = written.lastIndexOf('/');
            if (close > 0 && close < n - 1) {
                StringBuilder flags = new StringBuilder();
                for (int i = close + 1; i < n; i++) {
                    char c = written.charAt(i);
                    if (c == 'i' || c == 'm' || c == 'x') {
                        flags.append(c);
                    } else if (c != 'o') {
                        return new SlashedRegex(written, ""); // Fluent Bit: unknown option, taken as written
                    }
                }
                if (!flags.isEmpty()) {
                    return new SlashedRegex(written.substring(1, close), flags.toString());
                }
            }
            if (written.charAt(n - 1) == '/') {
                return new SlashedRegex(written.substring(1, n - 1), "");
            }
        }
        return new SlashedRegex(written, "");
    }

    /**
     * Compiles the pattern with its flags through {@link RubyRegex}. The flags become a leading Java
     * inline group: Onigmo's {@code m} is Java's {@code s} (dot matches newline), {@code i} is
     * {@code iu} (Onigmo folds case over all of Unicode in UTF-8, Java only with {@code u}), {@code x}
     * is {@code x}.
     *
     * @throws PatternSyntaxException as {@link RubyRegex#compile} reports it, with the index relative to
     *     {@link #pattern()}
     */
    public RubyRegex compile() {
        if (flags.isEmpty()) {
            return RubyRegex.compile(pattern);
        }
        StringBuilder inline = new StringBuilder("(?");
        for (int i = 0; i < flags.length(); i++) {
            char c = flags.charAt(i);
            inline.append(c == 'm' ? "s" : c == 'i' ? "iu" : "x");
        }
        inline.append(')');
        try {
            return RubyRegex.compile(inline + pattern);
        } catch (PatternSyntaxException e) {
            int at = e.getIndex() >= 0 ? Math.max(0, e.getIndex() - inline.length()) : -1;
            throw new PatternSyntaxException(e.getDescription(), pattern, at);
        }
    }
}
