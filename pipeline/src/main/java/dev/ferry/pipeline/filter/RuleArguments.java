package dev.ferry.pipeline.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the value of a filter rule ({@code Rename a b}, {@code Add message hello world}) into its
 * arguments.
 *
 * <p>Arguments are separated by spaces or tabs. An argument in double quotes may contain spaces
 * ({@code "my key"}); inside quotes, {@code \"} and {@code \\} stand for a quote and a backslash. A
 * rule whose last argument is free text (a value or a regex) takes the rest of the line as that
 * argument, spaces included: {@code Add message hello world} gives {@code message} and
 * {@code hello world}; if the rest is one quoted string, the quotes are removed. Stateless.
 */
public final class RuleArguments {

    private RuleArguments() {
    }

    /**
     * Splits {@code value} into arguments.
     *
     * @param restIsOne whether the {@code max}-th argument takes the rest of the line
     * @param max the number of arguments the rule takes; with {@code restIsOne}, never more are returned
     * @return the arguments; more than {@code max} when the rule has too many (and {@code restIsOne} is
     *     false), fewer when it has too few
     */
    public static List<String> split(String value, int max, boolean restIsOne) {
        List<String> out = new ArrayList<>();
        String s = value.strip();
        int i = 0;
        while (i < s.length()) {
            if (restIsOne && out.size() == max - 1) {
                String rest = s.substring(i);
                int[] end = new int[1];
                String quoted = rest.charAt(0) == '"' ? quoted(rest, 0, end) : null;
                out.add(quoted != null && end[0] == rest.length() ? quoted : rest);
                return out;
            }
            if (s.charAt(i) == '"') {
                int[] end = new int[1];
                String q = quoted(s, i, end);
                if (q != null) {
                    out.add(q);
                    i = end[0];
                    i = skipBlanks(s, i);
                    continue;
                }
            }
            int start = i;
            while (i < s.length() && !blank(s.charAt(i))) {
                i++;
            }
            out.add(s.substring(start, i));
            i = skipBlanks(s, i);
        }
        return out;
    }

    /** The quoted string starting at {@code s[start] == '"'}, or null if it is not closed. */
    private static String quoted(String s, int start, int[] end) {
        StringBuilder sb = new StringBuilder();
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
                sb.append(s.charAt(i + 1));
                i += 2;
            } else if (c == '"') {
                end[0] = i + 1;
                return sb.toString();
            } else {
                sb.append(c);
                i++;
            }
        }
        return null;
    }

    private static int skipBlanks(String s, int i) {
        while (i < s.length() && blank(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t';
    }
}
