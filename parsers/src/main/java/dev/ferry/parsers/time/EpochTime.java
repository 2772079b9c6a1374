package dev.ferry.parsers.time;

import java.nio.charset.StandardCharsets;

/**
 * Reads a JSON number as an epoch time, the unit chosen by magnitude: below 10^11 seconds (with an
 * optional fraction), below 10^14 milliseconds, below 10^17 microseconds, else nanoseconds. So
 * {@code 1704103200}, {@code 1704103200.5}, {@code 1704103200000} and {@code 1704103200000000000} are
 * all 2024-01-01T10:00:00Z (plus the half second). Negative numbers and exponents are read too (the
 * latter through {@link Double}, the only allocating path). Stateless and thread-safe.
 */
public final class EpochTime {

    private EpochTime() {
    }

    /**
     * Reads the ASCII number {@code s[off, off+len)}.
     *
     * @return nanoseconds since the epoch, or {@link TimeFormat#NO_TIME} if it is not a number or does
     *     not fit
     */
    public static long parse(byte[] s, int off, int len) {
        int end = off + len;
        int i = off;
        boolean negative = i < end && s[i] == '-';
        if (negative) {
            i++;
        }
        long whole = 0;
        int start = i;
        while (i < end && s[i] >= '0' && s[i] <= '9') {
            if (i - start >= 19) {
                return TimeFormat.NO_TIME;
            }
            whole = whole * 10 + (s[i] - '0');
            i++;
        }
        if (i == start) {
            return TimeFormat.NO_TIME;
        }
        long fracNanos = 0;
        if (i < end && s[i] == '.') {
            i++;
            int fracStart = i;
            long scale = 100_000_000;
            while (i < end && s[i] >= '0' && s[i] <= '9') {
                fracNanos += (s[i] - '0') * scale;
                scale /= 10;
                i++;
            }
            if (i == fracStart) {
                return TimeFormat.NO_TIME;
            }
        }
        if (i < end) {
            if (s[i] == 'e' || s[i] == 'E') {
                return fromDouble(s, off, len);
            }
            return TimeFormat.NO_TIME;
        }
        long nanos;
        if (whole < 100_000_000_000L) {
            nanos = Civil.secondsToNanos(whole, fracNanos);
        } else if (whole < 100_000_000_000_000L) {
            nanos = whole * 1_000_000L + fracNanos / 1_000;
        } else if (whole < 100_000_000_000_000_000L) {
            nanos = whole * 1_000L + fracNanos / 1_000_000;
        } else {
            nanos = whole;
        }
        if (nanos == TimeFormat.NO_TIME) {
            return nanos;
        }
        return negative ? -nanos : nanos;
    }

    private static long fromDouble(byte[] s, int off, int len) {
        double d;
        try {
            d = Double.parseDouble(new String(s, off, len, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return TimeFormat.NO_TIME;
        }
        double abs = Math.abs(d);
        double nanos;
        if (abs < 1e11) {
            nanos = d * 1e9;
        } else if (abs < 1e14) {
            nanos = d * 1e6;
        } else if (abs < 1e17) {
            nanos = d * 1e3;
        } else {
            nanos = d;
        }
        if (Double.isNaN(nanos) || Math.abs(nanos) >= 9.2e18) {
            return TimeFormat.NO_TIME;
        }
        return Math.round(nanos);
    }
}
