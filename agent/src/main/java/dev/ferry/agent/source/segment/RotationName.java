package dev.ferry.agent.source.segment;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a log file's name says about its place in a rotation: the name of the file it was rotated
 * from ({@link #base()}), a rotation number or a date, and a compression suffix.
 *
 * <table>
 *   <caption>Names understood</caption>
 *   <tr><th>name</th><th>base</th><th>kind</th><th>key</th></tr>
 *   <tr><td>{@code app.log}</td><td>{@code app.log}</td><td>ACTIVE</td><td></td></tr>
 *   <tr><td>{@code app.log.3}, {@code app.log.3.gz}, {@code app.log.3.zst}</td><td>{@code app.log}</td>
 *       <td>NUMBERED</td><td>3 (OTP {@code logger_std_h}, logrotate, disk_log wrap)</td></tr>
 *   <tr><td>{@code app.log-20240101}, {@code app.log-2024-01-01.gz}, {@code app.log-20240101-1704067200},
 *       {@code app.log.2024-01-01T10:00:00}</td><td>{@code app.log}</td><td>DATED</td>
 *       <td>the digits: {@code 20240101}, {@code 202401011704067200}, ...</td></tr>
 * </table>
 * A date suffix follows {@code -}, {@code .} or {@code _} and is digits with {@code -_:T.} between
 * them whose first eight digits are a valid {@code YYYYMMDD}; a number follows {@code .} and has at
 * most 9 digits. The compression suffixes recognised are {@code .gz} and {@code .zst} (the reader
 * trusts the magic bytes anyway). Immutable.
 *
 * @param fileName the whole file name
 * @param base the name of the file it was rotated from; the whole name for an ACTIVE one
 * @param kind ACTIVE (not rotated), NUMBERED, DATED, or OTHER (a rotated name in no known form)
 * @param number the rotation number when NUMBERED, else -1
 * @param dateKey the date's digits when DATED, else empty
 * @param compression {@code gz}, {@code zst}, or empty
 */
public record RotationName(String fileName, String base, Kind kind, long number, String dateKey, String compression) {

    /** Which form of rotated name. */
    public enum Kind {
        /** Not rotated: the file written now. */
        ACTIVE,
        /** {@code name.N}: a higher N is older. */
        NUMBERED,
        /** {@code name-DATE}: an earlier date is older. */
        DATED,
        /** Matched a configured pattern, but neither form: ordered by modification time. */
        OTHER
    }

    private static final Pattern DATE_ANYWHERE = Pattern.compile(
            "(?<![0-9])((?:19|2[0-9])[0-9]{2})-?([0-9]{2})-?([0-9]{2})(?:[-_T.]?[0-9]{2}(?::?[0-9]{2}){0,2})?");

    /** Parses a file name (no directory). */
    public static RotationName parse(String fileName) {
        String rest = fileName;
        String compression = "";
        if (rest.endsWith(".gz") && rest.length() > 3) {
            compression = "gz";
            rest = rest.substring(0, rest.length() - 3);
        } else if (rest.endsWith(".zst") && rest.length() > 4) {
            compression = "zst";
            rest = rest.substring(0, rest.length() - 4);
        }
        for (int i = 1; i < rest.length() - 1; i++) {
            char c = rest.charAt(i);
            if (c != '.' && c != '-' && c != '_') {
                continue;
            }
            String suffix = rest.substring(i + 1);
            if (!Character.isDigit(suffix.charAt(0)) || !digitsAndSeparators(suffix)) {
                continue;
            }
            String digits = suffix.replaceAll("[^0-9]", "");
            if (validDate(digits)) {
                return new RotationName(fileName, rest.substring(0, i), Kind.DATED, -1, digits, compression);
            }
            if (c == '.' && suffix.length() <= 9 && suffix.chars().allMatch(Character::isDigit)) {
                return new RotationName(fileName, rest.substring(0, i), Kind.NUMBERED, Long.parseLong(suffix), "",
                        compression);
            }
        }
        return new RotationName(fileName, fileName, Kind.ACTIVE, -1, "", compression);
    }

    /**
     * This name as a sibling of a file called {@code watchedName}: NUMBERED or DATED when it is
     * {@code watchedName} plus a rotation suffix; otherwise OTHER, keyed by a date found anywhere in
     * the name (as in {@code app-2024-01-01.log}) if there is one.
     */
    public static RotationName parseSibling(String fileName, String watchedName) {
        RotationName n = parse(fileName);
        if (n.base.equals(watchedName) && n.kind != Kind.ACTIVE) {
            return n;
        }
        Matcher m = DATE_ANYWHERE.matcher(fileName);
        while (m.find()) {
            String digits = m.group().replaceAll("[^0-9]", "");
            if (validDate(digits) && !watchedName.contains(m.group())) {
                return new RotationName(fileName, watchedName, Kind.DATED, -1, digits, n.compression);
            }
        }
        return new RotationName(fileName, watchedName, Kind.OTHER, -1, "", n.compression);
    }

    /** Whether this name is {@code .idx} or {@code .siz} of an OTP disk_log wrap log: never a segment. */
    public boolean diskLogIndex() {
        return compression.isEmpty() && (fileName.endsWith(".idx") || fileName.endsWith(".siz"));
    }

    /**
     * Sorts rotated names of one family oldest first: NUMBERED by number descending, DATED by date
     * ascending, when all are of one kind; names of mixed kinds (or OTHER) by modification time.
     * Ties by modification time, then name. ACTIVE names go last. Sorts {@code items} in place.
     *
     * @param name the parsed name of an item
     * @param mtimeMillis the modification time of an item
     */
    public static <T> void sortOldestFirst(List<T> items, java.util.function.Function<T, RotationName> name,
                                           java.util.function.ToLongFunction<T> mtimeMillis) {
        Kind common = null;
        boolean mixed = false;
        for (T t : items) {
            Kind k = name.apply(t).kind;
            if (k == Kind.ACTIVE) {
                continue;
            }
            if (common == null) {
                common = k;
            } else if (common != k) {
                mixed = true;
            }
        }
        Comparator<T> byTime = Comparator.<T>comparingLong(mtimeMillis).thenComparing(t -> name.apply(t).fileName);
        Comparator<T> byKey;
        if (mixed || common == null || common == Kind.OTHER) {
            byKey = (a, b) -> 0;
        } else if (common == Kind.NUMBERED) {
            byKey = Comparator.<T>comparingLong(t -> name.apply(t).number).reversed();
        } else {
            byKey = Comparator.comparing(t -> name.apply(t).dateKey);
        }
        Comparator<T> activeLast = Comparator.comparing(t -> name.apply(t).kind == Kind.ACTIVE);
        items.sort(activeLast.thenComparing(byKey).thenComparing(byTime));
    }

    private static boolean digitsAndSeparators(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isDigit(c) && c != '-' && c != '_' && c != ':' && c != 'T' && c != '.') {
                return false;
            }
        }
        return Character.isDigit(s.charAt(s.length() - 1));
    }

    private static boolean validDate(String digits) {
        if (digits.length() < 8) {
            return false;
        }
        int y = Integer.parseInt(digits.substring(0, 4));
        int m = Integer.parseInt(digits.substring(4, 6));
        int d = Integer.parseInt(digits.substring(6, 8));
        return y >= 1970 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
    }
}
