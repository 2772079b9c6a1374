package dev.ferry.pipeline.record;

import java.util.regex.Pattern;

/**
 * A {@code Match} pattern (with {@code *} wildcards, as in Fluent Bit) or a {@code Match_Regex}
 * pattern, deciding which tags a filter or output takes.
 *
 * <p>Immutable and thread-safe.
 */
public final class TagPattern {

    private final String text;
    private final Pattern regex;

    private TagPattern(String text, Pattern regex) {
        this.text = text;
        this.regex = regex;
    }

    /** A {@code Match} value: {@code *} matches any run of characters, everything else literally. */
    public static TagPattern wildcard(String match) {
        return new TagPattern(match, null);
    }

    /**
     * A {@code Match_Regex} value. As in Fluent Bit (whose router runs {@code onig_search}), a tag matches
     * when the regex is found anywhere in it: {@code ^other} takes {@code other.y}; anchor both ends
     * ({@code ^other\.y$}) to take one tag only.
     */
    public static TagPattern regex(String regex) {
        return new TagPattern(regex, Pattern.compile(regex));
    }

    public boolean matches(String tag) {
        if (regex != null) {
            return regex.matcher(tag).find();
        }
        return glob(text, 0, tag, 0);
    }

    @Override
    public String toString() {
        return regex != null ? "Match_Regex " + text : "Match " + text;
    }

    private static boolean glob(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                while (pi < p.length() && p.charAt(pi) == '*') {
                    pi++;
                }
                if (pi == p.length()) {
                    return true;
                }
                for (int k = si; k <= s.length(); k++) {
                    if (glob(p, pi, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || s.charAt(si) != c) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }
}
