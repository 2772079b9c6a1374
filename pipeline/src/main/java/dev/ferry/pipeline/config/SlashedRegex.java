package dev.ferry.pipeline.config;

import java.util.regex.Pattern;

/**
 * A regex as Fluent Bit lets it be written in a configuration: bare, {@code /pattern/}, or
 * {@code /pattern/flags} with the Onigmo flags {@code i} (ignore case), {@code m} (dot matches newline)
 * and {@code x} (extended); {@code o} is accepted and does nothing. Fluent Bit reads every configured
 * regex this way ({@code flb_regex_create}: parser {@code Regex}, multiline rules, grep and modify
 * conditions).
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
     * The flags as {@link Pattern} flags: Onigmo's {@code i} is {@link Pattern#CASE_INSENSITIVE} with
     * {@link Pattern#UNICODE_CASE} (Onigmo folds case over all of Unicode in UTF-8), {@code m} is
     * {@link Pattern#DOTALL} (not Java's {@code MULTILINE}), {@code x} is {@link Pattern#COMMENTS}.
     */
    public int javaFlags() {
        int out = 0;
        for (int i = 0; i < flags.length(); i++) {
            out |= switch (flags.charAt(i)) {
                case 'i' -> Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
                case 'm' -> Pattern.DOTALL;
                default -> Pattern.COMMENTS;
            };
        }
        return out;
    }
}
