package dev.ferry.pipeline.regex;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Fluent Bit {@code Regex} (Ruby / Onigmo syntax) compiled to a {@link java.util.regex.Pattern}, with
 * the names of its named groups in order.
 *
 * <p>Onigmo and Java agree on most syntax. What is translated: group names Java does not allow (Java
 * takes only letters and digits, so {@code (?<user_agent>...)} and {@code (?<log-level>...)} get an
 * internal name, and {@code \k<name>} follows); {@code \h} / {@code \H}, which are hex digits in Onigmo
 * but horizontal space in Java; the inline option {@code m} ({@code (?m)}, {@code (?-m)}, {@code (?mi:...)}),
 * which in Onigmo makes {@code .} match a newline, Java's {@code s} (Java's own {@code m} is about
 * {@code ^}/{@code $}, a different thing). Every pattern is compiled with {@link Pattern#UNIX_LINES}: in Onigmo
 * only {@code \n} ends a line, so {@code .} matches carriage return, U+0085, U+2028 and U+2029
 * and {@code $} does not stop before them, where Java by default would. Everything else is handed to Java as
 * written, and a pattern Java rejects is an error with Java's description, at the position in the pattern as the
 * user wrote it.
 *
 * <p>Immutable and thread-safe ({@link Pattern} is; matchers are per call).
 *
 * @param source the pattern as configured
 * @param pattern the compiled Java pattern
 * @param names the named groups' names as configured, in the order their groups open
 * @param javaNames the names the groups have in {@code pattern}
 */
public record RubyRegex(String source, Pattern pattern, List<String> names, List<String> javaNames) {

    public RubyRegex {
        names = List.copyOf(names);
        javaNames = List.copyOf(javaNames);
    }

    /**
     * What the first group named {@code name} (as configured) matched in {@code m}, skipping groups that matched
     * nothing or the empty string, as Fluent Bit's regex callbacks (flb_regex_parse) leave those out; null when
     * none did, or there is no such group.
     */
    public String group(Matcher m, String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(name)) {
                String v = m.group(javaNames.get(i));
                if (v != null && !v.isEmpty()) {
                    return v;
                }
            }
        }
        return null;
    }

    /**
     * Translates and compiles {@code regex}.
     *
     * @throws PatternSyntaxException as Java reports it, with the index mapped back to {@code regex}
     */
    public static RubyRegex compile(String regex) {
        return compile(regex, 0);
    }

    /**
     * Translates and compiles {@code regex} with {@link Pattern} {@code flags} (the options Fluent Bit takes
     * from {@code /.../imx} delimiters, already in Java's terms).
     *
     * @throws PatternSyntaxException as Java reports it, with the index mapped back to {@code regex}
     */
    public static RubyRegex compile(String regex, int flags) {
        StringBuilder out = new StringBuilder(regex.length() + 16);
        List<String> names = new ArrayList<>();
        List<String> javaNames = new ArrayList<>();
        // (java offset, cumulative length change) at each point where the translation changed a length
        List<int[]> shifts = new ArrayList<>();
        Set<String> all = new HashSet<>();
        collectNames(regex, all);
        boolean inClass = false;
        int i = 0;
        int n = regex.length();
        while (i < n) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char e = regex.charAt(i + 1);
                if (e == 'h' || e == 'H') {
                    String hex = inClass ? (e == 'h' ? "0-9a-fA-F" : "[^0-9a-fA-F]") : (e == 'h' ? "[0-9a-fA-F]" : "[^0-9a-fA-F]");
                    out.append(hex);
                    shift(shifts, out.length(), hex.length() - 2);
                } else if (e == 'k' && i + 2 < n && regex.charAt(i + 2) == '<') {
                    int close = regex.indexOf('>', i + 3);
                    if (close < 0) {
                        out.append("\\k");
                    } else {
                        String ref = regex.substring(i + 3, close);
                        int idx = names.indexOf(ref);
                        String j = idx >= 0 ? javaNames.get(idx) : ref;
                        out.append("\\k<").append(j).append('>');
                        shift(shifts, out.length(), j.length() - ref.length());
                        i = close + 1;
                        continue;
                    }
                } else if (e == 'Q') {
                    int q = regex.indexOf("\\E", i + 2);
                    int stop = q < 0 ? n : q + 2;
                    out.append(regex, i, stop);
                    i = stop;
                    continue;
                } else {
                    out.append(c).append(e);
                }
                i += 2;
                continue;
            }
            if (inClass) {
                if (c == ']') {
                    inClass = false;
                }
                out.append(c);
                i++;
                continue;
            }
            if (c == '[') {
                inClass = true;
                out.append(c);
                i++;
                // a ']' right after '[' or '[^' is literal
                if (i < n && regex.charAt(i) == '^') {
                    out.append('^');
                    i++;
                }
                if (i < n && regex.charAt(i) == ']') {
                    out.append(']');
                    i++;
                }
                continue;
            }
            if (c == '(' && regex.startsWith("(?<", i) && i + 3 < n && regex.charAt(i + 3) != '=' && regex.charAt(i + 3) != '!') {
                int close = regex.indexOf('>', i + 3);
                if (close > 0) {
                    String name = regex.substring(i + 3, close);
                    String j = isJavaName(name) ? name : internalName(all, names.size());
                    all.add(j);
                    names.add(name);
                    javaNames.add(j);
                    out.append("(?<").append(j).append('>');
                    shift(shifts, out.length(), j.length() - name.length());
                    i = close + 1;
                    continue;
                }
            }
            if (c == '(' && i + 2 < n && regex.charAt(i + 1) == '?') {
                int end = optionsEnd(regex, i + 2);
                if (end > i + 2) {
                    // Onigmo's m (dot matches newline) is Java's s; same length, so no shift
                    out.append("(?").append(regex.substring(i + 2, end).replace('m', 's')).append(regex.charAt(end));
                    i = end + 1;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        try {
            return new RubyRegex(regex, Pattern.compile(out.toString(), flags | Pattern.UNIX_LINES), names, javaNames);
        } catch (PatternSyntaxException e) {
            int at = e.getIndex();
            if (at >= 0) {
                for (int[] s : shifts) {
                    if (s[0] <= at) {
                        at -= s[1];
                    }
                }
            }
            throw new PatternSyntaxException(e.getDescription(), regex, Math.max(-1, Math.min(at, regex.length())));
        }
    }

    /**
     * Where the option letters of an inline option group ({@code (?imx-imx)} or {@code (?imx-imx:}) that start
     * at {@code from} end, at the {@code )} or {@code :}; {@code from} itself when there is no such group.
     */
    private static int optionsEnd(String regex, int from) {
        int k = from;
        while (k < regex.length() && "imx-".indexOf(regex.charAt(k)) >= 0) {
            k++;
        }
        return k > from && k < regex.length() && (regex.charAt(k) == ')' || regex.charAt(k) == ':') ? k : from;
    }

    private static void shift(List<int[]> shifts, int javaOffset, int delta) {
        if (delta != 0) {
            shifts.add(new int[] {javaOffset, delta});
        }
    }

    private static boolean isJavaName(String name) {
        if (name.isEmpty() || !isAsciiLetter(name.charAt(0))) {
            return false;
        }
        for (int k = 1; k < name.length(); k++) {
            char c = name.charAt(k);
            if (!isAsciiLetter(c) && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String internalName(Set<String> taken, int index) {
        String base = "ferryGroup" + index;
        String name = base;
        for (int k = 0; taken.contains(name); k++) {
            name = base + "x" + k;
        }
        return name;
    }

    /** Every group name as written, so internal names never collide with the user's. */
    private static void collectNames(String regex, Set<String> out) {
        int i = 0;
        while ((i = regex.indexOf("(?<", i)) >= 0) {
            int close = regex.indexOf('>', i + 3);
            if (close < 0) {
                return;
            }
            out.add(regex.substring(i + 3, close));
            i = close;
        }
    }
}
