package dev.ferry.parsers.time;

/**
 * How a parser takes the record time from one of its fields: the key ({@code Time_Key}), how the value
 * is read ({@code Time_Format}, or ISO-8601 / epoch number when there is none), and whether the field
 * stays in the record ({@code Time_Keep}).
 *
 * <p>A value that does not read as a time leaves the record time alone (the read time) and the field in
 * the record, whatever {@code Time_Keep} says, so no data is lost; the parse itself still succeeds, as
 * in Fluent Bit. Immutable and thread-safe.
 *
 * @param key the field holding the time
 * @param format the compiled {@code Time_Format}, or null to accept an ISO-8601 string or an epoch
 *     number (see {@link #readAuto})
 * @param keep whether the field stays in the record once its time has been read
 * @param offsetSeconds {@code Time_Offset} (seconds east of UTC) for times without a zone; only used
 *     when {@code format} is null (a format carries its own)
 */
public record TimeField(String key, TimeFormat format, boolean keep, int offsetSeconds) {

    /**
     * Reads the time text {@code s[off, off+len)} (a string's content, or a number's digits).
     *
     * @return nanoseconds since the epoch, or {@link TimeFormat#NO_TIME}
     */
    public long read(byte[] s, int off, int len) {
        return format != null ? format.parse(s, off, len) : readAuto(s, off, len, offsetSeconds);
    }

    /**
     * Reads an ISO-8601 timestamp ({@link IsoTime}) or, failing that, an epoch number
     * ({@link EpochTime}).
     *
     * @return nanoseconds since the epoch, or {@link TimeFormat#NO_TIME}
     */
    public static long readAuto(byte[] s, int off, int len, int offsetSeconds) {
        if (len >= 16 && s[off + 4] == '-') {
            return IsoTime.parse(s, off, len, offsetSeconds);
        }
        return EpochTime.parse(s, off, len);
    }
}
