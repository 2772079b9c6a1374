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
 * <p>Without a {@code Time_Format}, Fluent Bit reads no time at all and so never removes the field
 * ({@code flb_parser_json.c} returns before the time look-up when {@code time_fmt} is unset;
 * {@code flb_parser_regex.c}, logfmt and ltsv only look at the time key when it is set). ferry still
 * reads an ISO-8601 or epoch value as the record time, but keeps the field whatever {@code Time_Keep}
 * says (see {@link #removesField()}), so switching from Fluent Bit never loses a field.
 *
 * @param key the field holding the time
 * @param format the compiled {@code Time_Format}, or null to accept an ISO-8601 string or an epoch
 *     number (see {@link #readAuto})
 * @param keep {@code Time_Keep}: whether the field stays in the record once its time has been read
 *     (only has an effect with a {@code format})
 * @param offsetSeconds {@code Time_Offset} (seconds east of UTC) for times without a zone; only used
 *     when {@code format} is null (a format carries its own)
 */
public record TimeField(String key, TimeFormat format, boolean keep, int offsetSeconds) {

    /**
     * Whether the field leaves the record once its time has been read: only with a {@code Time_Format}
     * and without {@code Time_Keep}. A time read without a format keeps its field, as Fluent Bit (which
     * reads none then) would.
     */
    public boolean removesField() {
        return format != null && !keep;
    }

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
