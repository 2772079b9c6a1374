package dev.ferry.parsers.time;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;

/**
 * A Fluent Bit {@code Time_Format} (a {@code strptime} pattern) compiled once into a small program
 * that reads ASCII time text to nanoseconds since the epoch, without allocating.
 *
 * <p>Directives: {@code %Y} (1-4 digit year), {@code %y} (two-digit year, 69-99 = 19xx), {@code %m},
 * {@code %d}, {@code %e}, {@code %j} (day of year), {@code %H}, {@code %k}, {@code %I}, {@code %l},
 * {@code %p} (AM/PM), {@code %M}, {@code %S}, {@code %L} and {@code %f} (fraction of a second, 1-9
 * digits; more are read and ignored), {@code %z} ({@code Z}, {@code ±hh}, {@code ±hhmm},
 * {@code ±hh:mm}), {@code %Z} (only {@code UTC}, {@code GMT}, {@code UT}, {@code Z}), {@code %b}
 * {@code %h} {@code %B} (English month name or abbreviation, any case), {@code %a} {@code %A} (weekday
 * name, read and ignored), {@code %s} (epoch seconds), the shorthands {@code %T} = {@code %H:%M:%S},
 * {@code %F} = {@code %Y-%m-%d}, {@code %D} = {@code %m/%d/%y}, {@code %R} = {@code %H:%M},
 * {@code %r} = {@code %I:%M:%S %p}, and {@code %n} {@code %t} {@code %%}. Whitespace in the format
 * matches any run of whitespace (also none); numeric fields may be preceded by spaces, as in glibc.
 * Anything else is literal text. An unknown directive is an {@link IllegalArgumentException} from
 * {@link #compile}, which the configuration turns into an error naming the key.
 *
 * <p>As in Fluent Bit: text after the last directive is ignored (so {@code %Y-%m-%dT%H:%M:%S.%L}
 * reads docker's {@code ...123456789Z}); a format without a zone ({@code %z}, {@code %Z}, {@code %s})
 * is read at the {@code Time_Offset}, or with {@code Time_System_Timezone} in the local time zone (its offset
 * at that date, daylight saving included, as Fluent Bit's mktime() does); a format without a year takes the current year (UTC) and, if it
 * has no month and day either, today's date (a format with a year but no date reads January 1). With {@code Time_Strict} off, a value that stops matching
 * part-way is read from the fields matched so far, as Fluent Bit does; with it on (the default) it is
 * no time at all.
 *
 * <p>Immutable and thread-safe.
 */
public final class TimeFormat {

    /** What every time reader returns for text that is not a time. */
    public static final long NO_TIME = Long.MIN_VALUE;

    /** The directives {@link #compile} accepts, for error messages. */
    public static final String SUPPORTED =
            "%Y %y %m %d %e %j %H %k %I %l %p %M %S %L %f %z %Z %b %h %B %a %A %s %T %F %D %R %r %n %t %%";

    private static final int LIT = 0;
    private static final int SPACE = 1;
    private static final int YEAR = 2;
    private static final int YEAR2 = 3;
    private static final int MONTH = 4;
    private static final int DAY = 5;
    private static final int YDAY = 6;
    private static final int HOUR = 7;
    private static final int HOUR12 = 8;
    private static final int AMPM = 9;
    private static final int MINUTE = 10;
    private static final int SECOND = 11;
    private static final int FRACTION = 12;
    private static final int ZONE = 13;
    private static final int ZONE_NAME = 14;
    private static final int MONTH_NAME = 15;
    private static final int WEEKDAY_NAME = 16;
    private static final int EPOCH = 17;

    private static final String[] MONTHS = {"january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december"};
    private static final String[] WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday",
        "saturday", "sunday"};

    private final String pattern;
    private final int[] codes;
    private final byte[][] literals;
    private final int defaultOffsetSeconds;
    private final boolean strict;
    private final boolean hasZone;
    private final boolean hasYear;
    private final boolean hasDate;
    private final Clock clock;
    /** The local zone's rules for times without a zone ({@code Time_System_Timezone}), or null for the offset. */
    private final ZoneRules localZone;

    private TimeFormat(String pattern, int[] codes, byte[][] literals, int defaultOffsetSeconds, boolean strict,
            Clock clock, ZoneRules localZone) {
        this.pattern = pattern;
        this.localZone = localZone;
        this.codes = codes;
        this.literals = literals;
        this.defaultOffsetSeconds = defaultOffsetSeconds;
        this.strict = strict;
        this.clock = clock;
        boolean zone = false;
        boolean year = false;
        boolean date = false;
        for (int c : codes) {
            zone |= c == ZONE || c == ZONE_NAME || c == EPOCH;
            year |= c == YEAR || c == YEAR2 || c == EPOCH;
            date |= c == MONTH || c == MONTH_NAME || c == DAY || c == YDAY;
        }
        this.hasZone = zone;
        this.hasYear = year;
        this.hasDate = date;
    }

    /** Compiles {@code format} with no offset, strict, on the system clock. */
    public static TimeFormat compile(String format) {
        return compile(format, 0, true, Clock.systemUTC());
    }

    /**
     * Compiles a {@code Time_Format}.
     *
     * @param format the strptime pattern
     * @param defaultOffsetSeconds {@code Time_Offset}: seconds east of UTC for formats without a zone
     * @param strict {@code Time_Strict}
     * @param clock where formats without a year get the current date
     * @throws IllegalArgumentException naming the first unsupported directive
     */
    public static TimeFormat compile(String format, int defaultOffsetSeconds, boolean strict, Clock clock) {
        return compile(format, defaultOffsetSeconds, strict, clock, null);
    }

    /**
     * Compiles a {@code Time_Format} whose times without a zone are in {@code localZone}
     * ({@code Time_System_Timezone}), or, when it is null, at {@code defaultOffsetSeconds}.
     *
     * @throws IllegalArgumentException naming the first unsupported directive
     */
    public static TimeFormat compile(String format, int defaultOffsetSeconds, boolean strict, Clock clock,
            ZoneId localZone) {
        if (format.isEmpty()) {
            throw new IllegalArgumentException("Time_Format is empty");
        }
        List<Integer> codes = new ArrayList<>();
        List<byte[]> lits = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        emit(format, expand(format), codes, lits, lit);
        flush(lit, codes, lits);
        int[] c = codes.stream().mapToInt(Integer::intValue).toArray();
        return new TimeFormat(format, c, lits.toArray(new byte[0][]), defaultOffsetSeconds, strict, clock,
                localZone == null ? null : localZone.getRules());
    }

    /**
     * Reads a {@code Time_Offset} value: {@code ±hh}, {@code ±hhmm} or {@code ±hh:mm}.
     *
     * @return seconds east of UTC
     * @throws IllegalArgumentException if it is not one
     */
    public static int parseOffset(String text) {
        byte[] b = text.trim().getBytes(StandardCharsets.US_ASCII);
        int v = b.length == 0 ? Integer.MIN_VALUE : IsoTime.zoneOffset(b, 0, b.length);
        if (v == Integer.MIN_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is not an offset such as +0200, -05:30 or +01");
        }
        return v;
    }

    /** The format as configured. */
    public String pattern() {
        return pattern;
    }

    /** Whether the format carries its own zone ({@code %z}, {@code %Z} or {@code %s}). */
    public boolean hasZone() {
        return hasZone;
    }

    /** Reads {@code text}; see {@link #parse(byte[], int, int)}. */
    public long parse(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return parse(b, 0, b.length);
    }

    /**
     * Reads the time text {@code s[off, off+len)}.
     *
     * @return nanoseconds since the epoch, or {@link #NO_TIME} if the text does not match
     */
    public long parse(byte[] s, int off, int len) {
        final int end = off + len;
        int i = off;
        long year = Long.MIN_VALUE;
        int month = -1;
        int day = -1;
        int yday = -1;
        int hour = 0;
        int hour12 = -1;
        int pm = -1;
        int minute = 0;
        int second = 0;
        int nanos = 0;
        int offset = defaultOffsetSeconds;
        boolean zoned = false;
        long epoch = Long.MIN_VALUE;
        int step = 0;
        long r;
        steps:
        for (; step < codes.length; step++) {
            switch (codes[step]) {
                case LIT -> {
                    byte[] l = literals[step];
                    if (end - i < l.length) {
                        break steps;
                    }
                    for (int k = 0; k < l.length; k++) {
                        if (s[i + k] != l[k]) {
                            break steps;
                        }
                    }
                    i += l.length;
                }
                case SPACE -> {
                    while (i < end && isSpace(s[i])) {
                        i++;
                    }
                }
                case YEAR -> {
                    if ((r = number(s, i, end, 4)) < 0) {
                        break steps;
                    }
                    year = (int) r;
                    i = (int) (r >>> 32);
                }
                case YEAR2 -> {
                    if ((r = number(s, i, end, 2)) < 0) {
                        break steps;
                    }
                    int y = (int) r;
                    year = y < 69 ? 2000 + y : 1900 + y;
                    i = (int) (r >>> 32);
                }
                case MONTH, DAY, YDAY, HOUR, HOUR12, MINUTE, SECOND -> {
                    int code = codes[step];
                    if ((r = number(s, i, end, code == YDAY ? 3 : 2)) < 0) {
                        break steps;
                    }
                    int v = (int) r;
                    i = (int) (r >>> 32);
                    switch (code) {
                        case MONTH -> month = v;
                        case DAY -> day = v;
                        case YDAY -> yday = v;
                        case HOUR -> hour = v;
                        case HOUR12 -> hour12 = v;
                        case MINUTE -> minute = v;
                        default -> second = v;
                    }
                }
                case FRACTION -> {
                    int start = i;
                    int scale = 100_000_000;
                    int n = 0;
                    while (i < end && s[i] >= '0' && s[i] <= '9') {
                        n += (s[i] - '0') * scale;
                        scale /= 10;
                        i++;
                    }
                    if (i == start) {
                        break steps;
                    }
                    nanos = n;
                }
                case ZONE -> {
                    if (i < end && (s[i] == 'Z' || s[i] == 'z')) {
                        offset = 0;
                        zoned = true;
                        i++;
                        break;
                    }
                    int zEnd = zoneEnd(s, i, end);
                    int z = zEnd < 0 ? Integer.MIN_VALUE : IsoTime.zoneOffset(s, i, zEnd);
                    if (z == Integer.MIN_VALUE) {
                        break steps;
                    }
                    offset = z;
                    zoned = true;
                    i = zEnd;
                }
                case ZONE_NAME -> {
                    int start = i;
                    while (i < end && isLetter(s[i])) {
                        i++;
                    }
                    if (!utcName(s, start, i)) {
                        break steps;
                    }
                    offset = 0;
                    zoned = true;
                }
                case MONTH_NAME -> {
                    int m = name(s, i, end, MONTHS);
                    if (m < 0) {
                        break steps;
                    }
                    month = (m & 0xFF) + 1;
                    i += m >>> 8;
                }
                case WEEKDAY_NAME -> {
                    int w = name(s, i, end, WEEKDAYS);
                    if (w < 0) {
                        break steps;
                    }
                    i += w >>> 8;
                }
                case AMPM -> {
                    if (end - i < 2 || (s[i + 1] | 0x20) != 'm') {
                        break steps;
                    }
                    int c = s[i] | 0x20;
                    if (c != 'a' && c != 'p') {
                        break steps;
                    }
                    pm = c == 'p' ? 1 : 0;
                    i += 2;
                }
                case EPOCH -> {
                    boolean neg = i < end && s[i] == '-';
                    int start = neg ? i + 1 : i;
                    int k = start;
                    long v = 0;
                    while (k < end && s[k] >= '0' && s[k] <= '9' && k - start < 18) {
                        v = v * 10 + (s[k] - '0');
                        k++;
                    }
                    if (k == start) {
                        break steps;
                    }
                    epoch = neg ? -v : v;
                    i = k;
                }
                default -> throw new IllegalStateException("opcode " + codes[step]);
            }
        }
        if (step < codes.length && (strict || step == 0)) {
            return NO_TIME;
        }
        if (epoch != Long.MIN_VALUE) {
            return Civil.secondsToNanos(epoch, nanos);
        }
        if (hour12 >= 0) {
            if (hour12 < 1 || hour12 > 12) {
                return NO_TIME;
            }
            hour = hour12 % 12 + (pm == 1 ? 12 : 0);
        } else if (pm == 1 && hour < 12) {
            hour += 12;
        }
        if (!hasYear) {
            long today = Civil.civilFromDays(Math.floorDiv(clock.millis(), 86_400_000L));
            year = today / 10_000;
            if (!hasDate) {
                month = (int) (today / 100 % 100);
                day = (int) (today % 100);
            }
        }
        if (year == Long.MIN_VALUE) {
            return NO_TIME;
        }
        if (!zoned && localZone != null) {
            long asUtc = civilNanos(year, month, day, yday, hour, minute, second, nanos, 0);
            return asUtc == NO_TIME ? NO_TIME : inLocalZone(asUtc);
        }
        return civilNanos(year, month, day, yday, hour, minute, second, nanos, offset);
    }

    /** The civil time read, at {@code offset} seconds east of UTC, in nanoseconds; {@link #NO_TIME} if invalid. */
    private static long civilNanos(long year, int month, int day, int yday, int hour, int minute, int second, int nanos,
            int offset) {
        if (yday >= 0 && month < 0) {
            if (yday < 1 || yday > (Civil.isLeap(year) ? 366 : 365) || hour > 23 || minute > 59 || second > 60) {
                return NO_TIME;
            }
            long sec = (Civil.daysFromCivil(year, 1, 1) + yday - 1) * 86_400L + hour * 3600L + minute * 60L
                    + second - offset;
            return Civil.secondsToNanos(sec, nanos);
        }
        return Civil.toNanos(year, month < 0 ? 1 : month, day < 0 ? 1 : day, hour, minute, second, nanos, offset);
    }

    /**
     * {@code localAsUtc} (a civil time read as if at UTC) in the local zone: minus the zone's offset at that
     * moment, found in two steps (the offset at the time read as UTC, then at the time it gives). A time in a
     * daylight-saving gap or overlap gets one of the two offsets around the change, as with mktime().
     */
    private long inLocalZone(long localAsUtc) {
        long localSeconds = Math.floorDiv(localAsUtc, 1_000_000_000L);
        int guess = localZone.getOffset(Instant.ofEpochSecond(localSeconds)).getTotalSeconds();
        int offset = localZone.getOffset(Instant.ofEpochSecond(localSeconds - guess)).getTotalSeconds();
        return localAsUtc - offset * 1_000_000_000L;
    }

    @Override
    public String toString() {
        return pattern;
    }

    /** Reads 1 to {@code max} digits after optional spaces: {@code (newPos << 32) | value}, or -1. */
    private static long number(byte[] s, int i, int end, int max) {
        while (i < end && s[i] == ' ') {
            i++;
        }
        int start = i;
        int v = 0;
        while (i < end && i - start < max && s[i] >= '0' && s[i] <= '9') {
            v = v * 10 + (s[i] - '0');
            i++;
        }
        return i == start ? -1 : ((long) i << 32) | v;
    }

    /** The end of a {@code ±hh[[:]mm]} zone starting at {@code i}, or -1. */
    private static int zoneEnd(byte[] s, int i, int end) {
        if (end - i < 3 || (s[i] != '+' && s[i] != '-') || !isDigit(s[i + 1]) || !isDigit(s[i + 2])) {
            return -1;
        }
        int k = i + 3;
        if (k < end && s[k] == ':' && end - k >= 3 && isDigit(s[k + 1]) && isDigit(s[k + 2])) {
            return k + 3;
        }
        if (end - k >= 2 && isDigit(s[k]) && isDigit(s[k + 1])) {
            return k + 2;
        }
        return k;
    }

    /** Matches a full or three-letter English name: {@code (length << 8) | index}, or -1. */
    private static int name(byte[] s, int i, int end, String[] names) {
        for (int n = 0; n < names.length; n++) {
            String full = names[n];
            if (matchesIgnoreCase(s, i, end, full, full.length())) {
                return (full.length() << 8) | n;
            }
        }
        for (int n = 0; n < names.length; n++) {
            if (matchesIgnoreCase(s, i, end, names[n], 3)) {
                return (3 << 8) | n;
            }
        }
        return -1;
    }

    private static boolean matchesIgnoreCase(byte[] s, int i, int end, String word, int n) {
        if (end - i < n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if ((s[i + k] | 0x20) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean utcName(byte[] s, int start, int end) {
        int n = end - start;
        return (n == 1 && (s[start] | 0x20) == 'z')
                || (n == 2 && matchesIgnoreCase(s, start, end, "ut", 2))
                || (n == 3 && (matchesIgnoreCase(s, start, end, "utc", 3) || matchesIgnoreCase(s, start, end, "gmt", 3)));
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isLetter(byte b) {
        int c = b | 0x20;
        return c >= 'a' && c <= 'z';
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == '\f';
    }

    /** Replaces the shorthand directives by what they stand for. */
    private static String expand(String f) {
        StringBuilder out = new StringBuilder(f.length() + 16);
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c == '%' && i + 1 < f.length()) {
                char d = f.charAt(++i);
                switch (d) {
                    case 'T' -> out.append("%H:%M:%S");
                    case 'F' -> out.append("%Y-%m-%d");
                    case 'D' -> out.append("%m/%d/%y");
                    case 'R' -> out.append("%H:%M");
                    case 'r' -> out.append("%I:%M:%S %p");
                    default -> out.append('%').append(d);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void emit(String original, String f, List<Integer> codes, List<byte[]> lits, StringBuilder lit) {
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (Character.isWhitespace(c)) {
                flush(lit, codes, lits);
                if (codes.isEmpty() || codes.get(codes.size() - 1) != SPACE) {
                    codes.add(SPACE);
                    lits.add(null);
                }
                continue;
            }
            if (c != '%') {
                lit.append(c);
                continue;
            }
            if (i + 1 == f.length()) {
                throw new IllegalArgumentException("Time_Format '" + original + "' ends with a lone '%'");
            }
            char d = f.charAt(++i);
            int code = switch (d) {
                case 'Y' -> YEAR;
                case 'y' -> YEAR2;
                case 'm' -> MONTH;
                case 'd', 'e' -> DAY;
                case 'j' -> YDAY;
                case 'H', 'k' -> HOUR;
                case 'I', 'l' -> HOUR12;
                case 'p' -> AMPM;
                case 'M' -> MINUTE;
                case 'S' -> SECOND;
                case 'L', 'f' -> FRACTION;
                case 'z' -> ZONE;
                case 'Z' -> ZONE_NAME;
                case 'b', 'h', 'B' -> MONTH_NAME;
                case 'a', 'A' -> WEEKDAY_NAME;
                case 's' -> EPOCH;
                case 'n', 't' -> SPACE;
                case '%' -> LIT;
                default -> throw new IllegalArgumentException("unsupported directive %" + d + " in Time_Format '"
                        + original + "'; supported: " + SUPPORTED);
            };
            if (d == '%') {
                lit.append('%');
                continue;
            }
            flush(lit, codes, lits);
            if (code == SPACE && !codes.isEmpty() && codes.get(codes.size() - 1) == SPACE) {
                continue;
            }
            codes.add(code);
            lits.add(null);
        }
    }

    private static void flush(StringBuilder lit, List<Integer> codes, List<byte[]> lits) {
        if (lit.length() > 0) {
            codes.add(LIT);
            lits.add(lit.toString().getBytes(StandardCharsets.UTF_8));
            lit.setLength(0);
        }
    }
}
