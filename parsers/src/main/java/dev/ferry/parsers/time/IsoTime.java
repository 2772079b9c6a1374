package dev.ferry.parsers.time;

/**
 * The ISO-8601 / RFC 3339 timestamp reader that runs for every line whose time is auto-detected: it
 * reads the bytes in place, with no allocation and no {@code java.time} objects.
 *
 * <p>Accepted, and nothing else (the whole span must match):
 * <pre>
 *  YYYY-MM-DD ( 'T' | 't' | ' ' ) hh:mm [ :ss [ ( '.' | ',' ) 1-9 digits (more are read and ignored) ] ]
 *             [ 'Z' | 'z' | ( '+' | '-' ) hh [ [':'] mm ] ]
 * </pre>
 * A time without a zone is taken to be at {@code defaultOffsetSeconds} east of UTC. A leap second
 * ({@code :60}) is counted as the first second of the next minute. Stateless and thread-safe.
 */
public final class IsoTime {

    private IsoTime() {
    }

    /**
     * Reads the ASCII timestamp {@code s[off, off+len)}.
     *
     * @return nanoseconds since the epoch, or {@link TimeFormat#NO_TIME} when the span is not one
     */
    public static long parse(byte[] s, int off, int len, int defaultOffsetSeconds) {
        int end = off + len;
        if (len < 16) {
            return TimeFormat.NO_TIME;
        }
        int year = digits(s, off, 4);
        int month = digits(s, off + 5, 2);
        int day = digits(s, off + 8, 2);
        byte t = s[off + 10];
        int hour = digits(s, off + 11, 2);
        int minute = digits(s, off + 14, 2);
        if ((year | month | day | hour | minute) < 0 || s[off + 4] != '-' || s[off + 7] != '-'
                || (t != 'T' && t != 't' && t != ' ') || s[off + 13] != ':') {
            return TimeFormat.NO_TIME;
        }
        int i = off + 16;
        int second = 0;
        int nanos = 0;
        if (i < end && s[i] == ':') {
            if (i + 3 > end || (second = digits(s, i + 1, 2)) < 0) {
                return TimeFormat.NO_TIME;
            }
            i += 3;
            if (i < end && (s[i] == '.' || s[i] == ',')) {
                i++;
                int start = i;
                int scale = 100_000_000;
                while (i < end && s[i] >= '0' && s[i] <= '9') {
                    nanos += (s[i] - '0') * scale;
                    scale /= 10;
                    i++;
                }
                if (i == start) {
                    return TimeFormat.NO_TIME;
                }
            }
        }
        int offset = defaultOffsetSeconds;
        if (i < end) {
            byte z = s[i];
            if ((z == 'Z' || z == 'z') && i + 1 == end) {
                offset = 0;
            } else if (z == '+' || z == '-') {
                offset = zoneOffset(s, i, end);
                if (offset == Integer.MIN_VALUE) {
                    return TimeFormat.NO_TIME;
                }
            } else {
                return TimeFormat.NO_TIME;
            }
        }
        return Civil.toNanos(year, month, day, hour, minute, second, nanos, offset);
    }

    /**
     * Reads a zone offset {@code ±hh}, {@code ±hhmm} or {@code ±hh:mm} that spans exactly
     * {@code s[i, end)}.
     *
     * @return seconds east of UTC, or {@link Integer#MIN_VALUE} when it is not one
     */
    static int zoneOffset(byte[] s, int i, int end) {
        int n = end - i;
        int sign = s[i] == '-' ? -1 : 1;
        if (s[i] != '+' && s[i] != '-') {
            return Integer.MIN_VALUE;
        }
        int hh = n >= 3 ? digits(s, i + 1, 2) : -1;
        int mm;
        if (n == 3) {
            mm = 0;
        } else if (n == 5) {
            mm = digits(s, i + 3, 2);
        } else if (n == 6 && s[i + 3] == ':') {
            mm = digits(s, i + 4, 2);
        } else {
            return Integer.MIN_VALUE;
        }
        if (hh < 0 || mm < 0 || hh > 18 || mm > 59) {
            return Integer.MIN_VALUE;
        }
        return sign * (hh * 3600 + mm * 60);
    }

    /** The decimal value of exactly {@code n} ASCII digits at {@code s[i]}, or -1. */
    static int digits(byte[] s, int i, int n) {
        int v = 0;
        for (int k = 0; k < n; k++) {
            int d = s[i + k] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
