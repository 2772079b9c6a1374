package dev.ferry.pipeline.record;

import dev.ferry.pipeline.regex.FilterRegex;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which tags a filter or output takes: its {@code Match} pattern (with {@code *} wildcards), its
 * {@code Match_Regex}, both, or neither; decided as Fluent Bit's router does ({@code router_match} in
 * {@code src/flb_router.c}).
 *
 * <p>Immutable and thread-safe.
 */
public final class TagPattern {

    private static final TagPattern NONE = new TagPattern(null, null, null);

    private final String wildcard;
    private final String regexText;
    private final Pattern regex;

    private TagPattern(String wildcard, String regexText, Pattern regex) {
        this.wildcard = wildcard;
        this.regexText = regexText;
        this.regex = regex;
    }

    /** A {@code Match} value: {@code *} matches any run of characters, everything else literally. */
    public static TagPattern wildcard(String match) {
        return new TagPattern(match, null, null);
    }

    /**
     * A {@code Match_Regex} value, in Fluent Bit's regex syntax ({@link FilterRegex}: Onigmo, optional
     * {@code /.../i} delimiters). As in Fluent Bit, whose router runs {@code onig_match} at the tag's first
     * character and takes a match longer than zero, the regex must match at the start of the tag but need not
     * reach its end: {@code app} takes {@code app.x} but not {@code my.app}; end with {@code $} to take one tag
     * only.
     *
     * @throws java.util.regex.PatternSyntaxException if it is not a valid regular expression
     */
    public static TagPattern regex(String regex) {
        return both(null, regex);
    }

    /**
     * A section with {@code Match} and {@code Match_Regex} both set: as in Fluent Bit, a tag is taken when
     * either takes it (the regex is tried first, then the wildcard). Either argument may be null.
     *
     * @throws java.util.regex.PatternSyntaxException if {@code regex} is not a valid regular expression
     */
    public static TagPattern both(String match, String regex) {
        return new TagPattern(match, regex, regex == null ? null : FilterRegex.compile(regex));
    }

    /** A section with neither {@code Match} nor {@code Match_Regex}: it takes no tag. */
    public static TagPattern none() {
        return NONE;
    }

    public boolean matches(String tag) {
        if (regex != null) {
            Matcher m = regex.matcher(tag);
            if (m.lookingAt() && m.end() > 0) {
                return true;
            }
        }
        return wildcard != null && glob(wildcard, 0, tag, 0);
    }

    @Override
    public String toString() {
        if (wildcard == null && regex == null) {
            return "no Match: takes no records";
        }
        if (regex == null) {
            return "Match " + wildcard;
        }
        return wildcard == null ? "Match_Regex " + regexText : "Match " + wildcard + " or Match_Regex " + regexText;
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
