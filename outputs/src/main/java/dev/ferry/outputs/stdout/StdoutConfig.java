package dev.ferry.outputs.stdout;

import dev.ferry.outputs.JsonDateFormat;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.OptionType;
import dev.ferry.pipeline.config.Options;
import java.util.List;
import java.util.Locale;

/**
 * Settings of the {@code stdout} output ({@code [OUTPUT] Name stdout}), with Fluent Bit's keys. Immutable.
 *
 * @param format how records are printed
 * @param dateKey the key of the record time in JSON formats, or null when {@code json_date_key} is off
 * @param dateFormat how the time is written under {@code dateKey}
 */
public record StdoutConfig(Format format, String dateKey, JsonDateFormat dateFormat) {

    /** The record formats stdout prints. */
    public enum Format {
        /** Fluent Bit's default: {@code [0] tag: [[1704103200.123456789, {}], {"log"=>"hi"}]}. */
        MSGPACK,
        /** One JSON array of the batch's records, then a newline. */
        JSON,
        /** One JSON object per line. */
        JSON_LINES,
        /** The batch's JSON objects back to back, then a newline. */
        JSON_STREAM
    }

    public static final OptionTable OPTIONS = new OptionTable("OUTPUT", "stdout", List.of(
            OptionSpec.string("Name", "The output plugin: stdout.").asRequired(),
            OptionSpec.choice("Format", "msgpack", List.of("msgpack", "json", "json_lines", "json_stream"),
                    "How records are printed: msgpack (Fluent Bit's readable default), json (an array per "
                            + "batch), json_lines (an object per line) or json_stream (objects back to back)."),
            OptionSpec.string("json_date_key", "Key of the record time in the JSON formats; off for none.")
                    .withDefault("date"),
            OptionSpec.choice("json_date_format", "double", JsonDateFormat.NAMES,
                    "How the time is written under json_date_key: double (epoch seconds with fraction), "
                            + "epoch, epoch_ms, iso8601 or java_sql_timestamp.")));

    /** Builds the settings from a section bound to {@link #OPTIONS}. */
    public static StdoutConfig from(Options o) {
        Format format = Format.valueOf(o.string("Format").toUpperCase(Locale.ROOT));
        return new StdoutConfig(format, dateKey(o.string("json_date_key")),
                JsonDateFormat.of(o.string("json_date_format")));
    }

    /** Fluent Bit's json_date_key: a boolean false turns the date key off, anything else names it. */
    static String dateKey(String value) {
        return Boolean.FALSE.equals(OptionType.parseBool(value)) ? null : value;
    }
}
