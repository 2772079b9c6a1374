package dev.ferry.outputs;

import dev.ferry.pipeline.record.ByteSink;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Writes a record time (nanoseconds since the epoch, UTC) as text in the forms Fluent Bit's outputs
 * print, straight into a {@link ByteSink} without allocating on the common path.
 *
 * <p>Stateless and thread-safe. Fluent Bit formats some times from the integer seconds and nanoseconds
 * ({@code %lu.%09lu}) and others from the double {@code sec + nsec / 1e9} ({@code %f}, {@code %.16g});
 * each method says which it reproduces, because the double forms round.
 */
public final class TimeText {

    private static final long NANOS = 1_000_000_000L;

    private TimeText() {
    }

    /** {@code 1704103200.123456789}: seconds, a dot and nine digits of nanoseconds (out_file, stdout). */
    public static void writeEpochNanos(ByteSink out, long timeNanos) {
        long sec = Math.floorDiv(timeNanos, NANOS);
        long ns = Math.floorMod(timeNanos, NANOS);
        writeLong(out, sec);
        out.write('.');
        writePadded(out, ns, 9);
    }

    /**
     * {@code 1704103200.123457}: C's {@code printf("%f", sec + nsec / 1e9)}, six decimals of the double
     * rounded half-even (template {@code {time}}, ltsv).
     */
    public static void writeFixed6(ByteSink out, long timeNanos) {
        double d = toDouble(timeNanos);
        double whole = Math.floor(d);
        long sec = (long) whole;
        // d - whole is exact (both lie on the same binary grid) and so is the product for any
        // seconds value a log can carry, so rint gives printf's half-even rounding exactly.
        long micros = (long) Math.rint((d - whole) * 1e6);
        if (micros == 1_000_000L) {
            sec++;
            micros = 0;
        }
        writeLong(out, sec);
        out.write('.');
        writePadded(out, micros, 6);
    }

    /**
     * Fluent Bit's JSON form of a double time ({@code json_date_format double}): {@code %.1f} when the
     * double is whole ({@code 1704103200.0}), otherwise {@code %.16g} ({@code 1704103200.123457}).
     */
    public static void writeDouble(ByteSink out, long timeNanos) {
        double d = toDouble(timeNanos);
        double whole = Math.floor(d);
        if (d == whole) {
            writeLong(out, (long) whole);
            out.write('.');
            out.write('0');
            return;
        }
        long sec = (long) whole;
        if (sec >= 1_000_000_000L && sec < 10_000_000_000L) {
            // Ten integer digits leave six significant ones for the fraction (%.16g).
            long micros = (long) Math.rint((d - whole) * 1e6);
            if (micros == 1_000_000L) {
                sec++;
                micros = 0;
            }
            writeLong(out, sec);
            if (micros != 0) {
                int digits = 6;
                while (micros % 10 == 0) {
                    micros /= 10;
                    digits--;
                }
                out.write('.');
                writePadded(out, micros, digits);
            }
            return;
        }
        // Times before 2001-09-09 or after 2286: rare enough to format the slow way.
        out.writeAscii(new BigDecimal(d).round(new MathContext(16, RoundingMode.HALF_EVEN))
                .stripTrailingZeros().toPlainString());
    }

    /** {@code 2024-01-01T10:00:00.123456Z}: Fluent Bit's iso8601 date (microseconds, truncated). */
    public static void writeIso8601(ByteSink out, long timeNanos) {
        writeDateTime(out, timeNanos, 'T');
        out.write('Z');
    }

    /** {@code 2024-01-01 10:00:00.123456}: Fluent Bit's java_sql_timestamp date (microseconds, truncated). */
    public static void writeSqlTimestamp(ByteSink out, long timeNanos) {
        writeDateTime(out, timeNanos, ' ');
    }

    /** Whole seconds since the epoch. */
    public static long epochSeconds(long timeNanos) {
        return Math.floorDiv(timeNanos, NANOS);
    }

    /** Writes a signed decimal number. */
    public static void writeLong(ByteSink out, long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                out.writeAscii(Long.toString(v));
                return;
            }
            out.write('-');
            v = -v;
        }
        writeDigits(out, v);
    }

    private static void writeDateTime(ByteSink out, long timeNanos, char separator) {
        long sec = Math.floorDiv(timeNanos, NANOS);
        long micros = Math.floorMod(timeNanos, NANOS) / 1000;
        long days = Math.floorDiv(sec, 86_400L);
        long secOfDay = Math.floorMod(sec, 86_400L);
        // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        long doe = z - era * 146_097L;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        writePadded(out, year, 4);
        out.write('-');
        writePadded(out, month, 2);
        out.write('-');
        writePadded(out, day, 2);
        out.write(separator);
        writePadded(out, secOfDay / 3600, 2);
        out.write(':');
        writePadded(out, secOfDay / 60 % 60, 2);
        out.write(':');
        writePadded(out, secOfDay % 60, 2);
        out.write('.');
        writePadded(out, micros, 6);
    }

    private static double toDouble(long timeNanos) {
        // As flb_time_to_double: (double) sec + (double) nsec / 1e9.
        return (double) Math.floorDiv(timeNanos, NANOS) + (double) Math.floorMod(timeNanos, NANOS) / 1e9;
    }

    /** Writes non-negative {@code v} with at least {@code width} digits, zero-padded. */
    /**
     * Writes {@code v} (not negative) in decimal, left-padded with zeros to {@code width} digits.
     * Divisions are by the constant 10 only, which the JIT turns into multiplications: this runs for
     * every record of the es and file outputs.
     */
    public static void writePadded(ByteSink out, long v, int width) {
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        for (int i = digits; i < width; i++) {
            out.write('0');
        }
        writeDigits(out, v);
    }

    private static void writeDigits(ByteSink out, long v) {
        if (v >= 10) {
            writeDigits(out, v / 10);
        }
        out.write((int) ('0' + v % 10));
    }
}
