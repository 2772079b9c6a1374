package dev.ferry.outputs;

import dev.ferry.pipeline.record.ByteSink;
import java.util.List;
import java.util.Locale;

/**
 * How the JSON formats of stdout, file and HTTP outputs write the record time under
 * {@code json_date_key}: Fluent Bit's {@code json_date_format} values. Immutable.
 */
public enum JsonDateFormat {
    /** Epoch seconds with fraction as a JSON number, {@code 1704103200.123457} (Fluent Bit's default). */
    DOUBLE("double"),
    /** Whole epoch seconds, {@code 1704103200}. */
    EPOCH("epoch"),
    /** Whole epoch milliseconds, {@code 1704103200123}. */
    EPOCH_MS("epoch_ms"),
    /** {@code "2024-01-01T10:00:00.123456Z"} (microseconds, UTC). */
    ISO8601("iso8601"),
    /** {@code "2024-01-01 10:00:00.123456"} (microseconds, UTC, no zone). */
    JAVA_SQL_TIMESTAMP("java_sql_timestamp");

    /** The configuration spellings, in declaration order. */
    public static final List<String> NAMES = List.of("double", "epoch", "epoch_ms", "iso8601", "java_sql_timestamp");

    private final String configName;

    JsonDateFormat(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The format named {@code name} (case-insensitive); the option table has already checked it. */
    public static JsonDateFormat of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (JsonDateFormat f : values()) {
            if (f.configName.equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown json_date_format " + name);
    }

    /** Writes the time as a JSON value. */
    public void write(ByteSink out, long timeNanos) {
        switch (this) {
            case DOUBLE -> TimeText.writeDouble(out, timeNanos);
            case EPOCH -> TimeText.writeLong(out, TimeText.epochSeconds(timeNanos));
            case EPOCH_MS -> TimeText.writeLong(out, Math.floorDiv(timeNanos, 1_000_000L));
            case ISO8601 -> {
                out.write('"');
                TimeText.writeIso8601(out, timeNanos);
                out.write('"');
            }
            case JAVA_SQL_TIMESTAMP -> {
                out.write('"');
                TimeText.writeSqlTimestamp(out, timeNanos);
                out.write('"');
            }
        }
    }
}
