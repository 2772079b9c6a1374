package dev.ferry.parsers.time;

/**
 * Proleptic Gregorian calendar arithmetic (after Howard Hinnant's {@code days_from_civil}): a handful
 * of integer operations per date, so no per-date cache and no {@code java.time} objects are needed.
 * Stateless.
 */
final class Civil {

    static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Largest epoch second whose nanosecond count fits a long (2262-04-11). */
    static final long MAX_EPOCH_SECOND = Long.MAX_VALUE / NANOS_PER_SECOND - 1;

    private Civil() {
    }

    /** Days since 1970-01-01 of the given date (month 1-12, day 1-31; not validated here). */
    static long daysFromCivil(long year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    /** The year, month (1-12) and day (1-31) of an epoch day, packed as {@code year*10000+month*100+day}. */
    static long civilFromDays(long epochDay) {
        long z = epochDay + 719_468;
        long era = (z >= 0 ? z : z - 146_096) / 146_097;
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        return (m <= 2 ? y + 1 : y) * 10_000 + m * 100 + d;
    }

    static boolean isLeap(long year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    static int daysInMonth(long year, int month) {
        return switch (month) {
            case 2 -> isLeap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /**
     * Epoch nanoseconds of a validated local date-time minus {@code offsetSeconds} (east of UTC), or
     * {@link TimeFormat#NO_TIME} when a field is out of range or the result does not fit.
     */
    static long toNanos(long year, int month, int day, int hour, int minute, int second, int nanos,
            int offsetSeconds) {
        if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)
                || hour > 23 || minute > 59 || second > 60 || hour < 0 || minute < 0 || second < 0) {
            return TimeFormat.NO_TIME;
        }
        long epochSecond = daysFromCivil(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second
                - offsetSeconds;
        return secondsToNanos(epochSecond, nanos);
    }

    /** {@code epochSecond * 1e9 + nanos}, or {@link TimeFormat#NO_TIME} when it does not fit. */
    static long secondsToNanos(long epochSecond, long nanos) {
        if (epochSecond > MAX_EPOCH_SECOND || epochSecond < -MAX_EPOCH_SECOND) {
            return TimeFormat.NO_TIME;
        }
        return epochSecond * NANOS_PER_SECOND + nanos;
    }
}
