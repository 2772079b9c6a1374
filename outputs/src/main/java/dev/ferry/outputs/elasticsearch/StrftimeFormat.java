package dev.ferry.outputs.elasticsearch;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A compiled C {@code strftime} pattern, as Fluent Bit's {@code Logstash_DateFormat} and
 * {@code Time_Key_Format} use, formatting in UTC. Only the directives in {@link #SUPPORTED} are
 * accepted, so an unsupported one is a configuration error rather than text copied into every index
 * name. Names of days and months are English, as in the C locale.
 *
 * <p>Immutable and thread-safe. {@link #format} allocates; callers cache per second or per day.
 */
public final class StrftimeFormat {

    /** The directives this class formats, as a configuration error lists them. */
    public static final String SUPPORTED = "%Y %y %m %d %e %H %I %M %S %j %a %A %b %B %h %p %F %T %s %z %Z %%";

    private final String pattern;
    private final List<Object> parts;

    private StrftimeFormat(String pattern, List<Object> parts) {
        this.pattern = pattern;
        this.parts = List.copyOf(parts);
    }

    /**
     * Compiles {@code pattern}.
     *
     * @throws IllegalArgumentException naming the first unsupported directive, e.g. {@code '%k'}
     */
    public static StrftimeFormat compile(String pattern) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%') {
                literal.append(c);
                continue;
            }
            if (i + 1 == pattern.length()) {
                throw new IllegalArgumentException("'%' at the end");
            }
            char d = pattern.charAt(++i);
            if (d == '%') {
                literal.append('%');
                continue;
            }
            if (SUPPORTED.indexOf("%" + d + " ") < 0) {
                throw new IllegalArgumentException("'%" + d + "'");
            }
            if (literal.length() > 0) {
                parts.add(literal.toString());
                literal.setLength(0);
            }
            parts.add(d);
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return new StrftimeFormat(pattern, parts);
    }

    /** Formats the UTC time {@code epochSeconds}. */
    public String format(long epochSeconds) {
        ZonedDateTime t = Instant.ofEpochSecond(epochSeconds).atZone(ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(pattern.length() + 16);
        for (Object p : parts) {
            if (p instanceof String s) {
                out.append(s);
                continue;
            }
            switch ((Character) p) {
                case 'Y' -> out.append(t.getYear());
                case 'y' -> pad(out, t.getYear() % 100, 2);
                case 'm' -> pad(out, t.getMonthValue(), 2);
                case 'd' -> pad(out, t.getDayOfMonth(), 2);
                case 'e' -> {
                    if (t.getDayOfMonth() < 10) {
                        out.append(' ');
                    }
                    out.append(t.getDayOfMonth());
                }
                case 'H' -> pad(out, t.getHour(), 2);
                case 'I' -> pad(out, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2);
                case 'M' -> pad(out, t.getMinute(), 2);
                case 'S' -> pad(out, t.getSecond(), 2);
                case 'j' -> pad(out, t.getDayOfYear(), 3);
                case 'a' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'b', 'h' -> out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'p' -> out.append(t.getHour() < 12 ? "AM" : "PM");
                case 'F' -> {
                    out.append(t.getYear()).append('-');
                    pad(out, t.getMonthValue(), 2);
                    out.append('-');
                    pad(out, t.getDayOfMonth(), 2);
                }
                case 'T' -> {
                    pad(out, t.getHour(), 2);
                    out.append(':');
                    pad(out, t.getMinute(), 2);
                    out.append(':');
                    pad(out, t.getSecond(), 2);
                }
                case 's' -> out.append(epochSeconds);
                case 'z' -> out.append("+0000");
                case 'Z' -> out.append("UTC");
                default -> throw new IllegalStateException("compiled an unsupported directive " + p);
            }
        }
        return out.toString();
    }

    private static void pad(StringBuilder out, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            out.append('0');
        }
        out.append(s);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
