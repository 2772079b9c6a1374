package dev.ferry.outputs.elasticsearch;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A compiled C {@code strftime} pattern, as Fluent Bit's {@code Logstash_DateFormat} and
 * {@code Time_Key_Format} use, formatting in UTC. Only the directives in {@link #SUPPORTED} are
 * accepted, so an unsupported one is a configuration error rather than text copied into every index
 * name. Names of days and months are English, as in the C locale.
 *
 * <p>Immutable and thread-safe. {@link #format} allocates; callers cache its text for the span it holds for
 * ({@link #spanStart}): an index name per day, a time per second.
 */
public final class StrftimeFormat {

    /** The directives this class formats, as a configuration error lists them. */
    public static final String SUPPORTED = "%Y %y %C %G %g %m %d %e %H %k %I %l %M %S %j %U %W %V %u %w %a %A %b %B "
            + "%h %p %F %D %T %R %s %z %Z %n %t %%";

    private static final int DAY = 86_400;

    private final String pattern;
    private final List<Object> parts;
    /** The seconds over which the text stays the same: those of the finest directive's unit. */
    private final int span;

    private StrftimeFormat(String pattern, List<Object> parts) {
        this.pattern = pattern;
        this.parts = List.copyOf(parts);
        int finest = DAY;
        for (Object p : parts) {
            if (p instanceof Character d) {
                finest = Math.min(finest, unit(d));
            }
        }
        this.span = finest;
    }

    /** The seconds of the unit directive {@code d} shows (a day for a date, a week day or a name). */
    private static int unit(char d) {
        return switch (d) {
            case 'S', 'T', 's' -> 1;
            case 'M', 'R' -> 60;
            case 'H', 'k', 'I', 'l', 'p' -> 3600;
            default -> DAY;
        };
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

    /** Whether the pattern has no directive: it formats to the same text at every time. */
    public boolean constant() {
        return parts.stream().allMatch(p -> p instanceof String);
    }

    /**
     * The first second of the span that holds {@code epochSeconds} and over which {@link #format} gives one text: the
     * UTC day of a pattern of dates only, the hour, minute or second of one that shows those.
     */
    public long spanStart(long epochSeconds) {
        return epochSeconds - Math.floorMod(epochSeconds, span);
    }

    /** Formats the UTC time {@code epochSeconds}. */
    public String format(long epochSeconds) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSeconds, 0, ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(pattern.length() + 16);
        for (Object p : parts) {
            if (p instanceof String s) {
                out.append(s);
                continue;
            }
            switch ((Character) p) {
                case 'Y' -> out.append(t.getYear());
                case 'y' -> pad(out, t.getYear() % 100, 2);
                case 'C' -> pad(out, t.getYear() / 100, 2);
                case 'G' -> out.append(t.get(IsoFields.WEEK_BASED_YEAR));
                case 'g' -> pad(out, t.get(IsoFields.WEEK_BASED_YEAR) % 100, 2);
                case 'm' -> pad(out, t.getMonthValue(), 2);
                case 'd' -> pad(out, t.getDayOfMonth(), 2);
                case 'e' -> padSpace(out, t.getDayOfMonth());
                case 'H' -> pad(out, t.getHour(), 2);
                case 'k' -> padSpace(out, t.getHour());
                case 'I' -> pad(out, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2);
                case 'l' -> padSpace(out, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
                case 'M' -> pad(out, t.getMinute(), 2);
                case 'S' -> pad(out, t.getSecond(), 2);
                case 'j' -> pad(out, t.getDayOfYear(), 3);
                // Weeks as C's strftime counts them: %U from the first Sunday, %W from the first Monday
                // (days before it are week 00), %V the ISO 8601 week (with its year %G).
                case 'U' -> pad(out, (t.getDayOfYear() - 1 + 7 - sundayBased(t)) / 7, 2);
                case 'W' -> pad(out, (t.getDayOfYear() - 1 + 7 - (t.getDayOfWeek().getValue() - 1)) / 7, 2);
                case 'V' -> pad(out, t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2);
                case 'u' -> out.append(t.getDayOfWeek().getValue());
                case 'w' -> out.append(sundayBased(t));
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
                case 'D' -> {
                    pad(out, t.getMonthValue(), 2);
                    out.append('/');
                    pad(out, t.getDayOfMonth(), 2);
                    out.append('/');
                    pad(out, t.getYear() % 100, 2);
                }
                case 'R' -> {
                    pad(out, t.getHour(), 2);
                    out.append(':');
                    pad(out, t.getMinute(), 2);
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
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                default -> throw new IllegalStateException("compiled an unsupported directive " + p);
            }
        }
        return out.toString();
    }

    /** The day of the week with Sunday as 0, as C's {@code tm_wday}. */
    private static int sundayBased(LocalDateTime t) {
        return t.getDayOfWeek().getValue() % 7;
    }

    /** {@code v} in two characters, a space before a single digit ({@code %e}, {@code %k}, {@code %l}). */
    private static void padSpace(StringBuilder out, int v) {
        if (v < 10) {
            out.append(' ');
        }
        out.append(v);
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
