package dev.ferry.outputs;

import java.util.Locale;

/**
 * How many times an output retries a failed batch: Fluent Bit's {@code Retry_Limit}. A number is that
 * many retries; {@code False} or {@code no_limits} retries forever; {@code no_retries} never retries.
 * Immutable.
 *
 * @param retries the number of retries after the first attempt; ignored when {@code forever}
 * @param forever whether to retry without limit
 */
public record RetryLimit(long retries, boolean forever) {

    /** What a configuration error says is allowed. */
    public static final String ALLOWED = "a number of retries, False or no_limits (retry forever), or no_retries";

    public static final RetryLimit FOREVER = new RetryLimit(0, true);
    public static final RetryLimit NONE = new RetryLimit(0, false);

    /** Parses Fluent Bit's spelling; returns null if the text is none of the allowed values. */
    public static RetryLimit parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "false", "no_limits" -> {
                return FOREVER;
            }
            case "no_retries" -> {
                return NONE;
            }
            default -> {
                if (!s.matches("\\d{1,9}")) {
                    return null;
                }
                return new RetryLimit(Long.parseLong(s), false);
            }
        }
    }

    /** Whether another retry is allowed after {@code done} retries. */
    public boolean allows(long done) {
        return forever || done < retries;
    }

    @Override
    public String toString() {
        return forever ? "no_limits" : Long.toString(retries);
    }
}
