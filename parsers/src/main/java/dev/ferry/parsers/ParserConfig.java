package dev.ferry.parsers;

import dev.ferry.parsers.text.ConfiguredRegex;
import dev.ferry.parsers.text.FieldType;
import dev.ferry.parsers.time.TimeField;
import dev.ferry.parsers.time.TimeFormat;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.regex.RubyRegex;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * A {@code [PARSER]} section, validated: Fluent Bit's parser options, with the regex and the time format
 * already compiled so that what was checked is what runs.
 *
 * <p>Time: {@code Time_Key} names the field that holds the time; with only {@code Time_Format} set it is
 * {@code time} (Fluent Bit's default). With neither, the {@code json} format auto-detects the time
 * ({@code timestamp}, {@code time}, {@code @timestamp}; see {@link dev.ferry.parsers.json.JsonParser})
 * and the other formats read none. A {@code Time_Key} without {@code Time_Format} accepts ISO-8601 and
 * epoch numbers but always keeps the field: Fluent Bit reads no time then and so keeps the field, and
 * ferry must not drop a field Fluent Bit keeps ({@link TimeField#removesField}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the parser's name ({@code Name})
 * @param format the {@code Format}
 * @param regex the compiled {@code Regex} (format regex only), else null
 * @param timeKey the field holding the time, or null
 * @param timeFormat the compiled {@code Time_Format}, or null
 * @param timeKeep {@code Time_Keep}: keep the time field in the record
 * @param timeOffsetSeconds {@code Time_Offset} in seconds east of UTC
 * @param timeStrict {@code Time_Strict}
 * @param types {@code Types}: value types by key
 * @param skipEmptyValues {@code Skip_Empty_Values}
 * @param timeSystemTimezone {@code Time_System_Timezone}: {@code Time_Format} times without a zone are in the
 *     system's time zone (daylight saving included) instead of at {@code Time_Offset}, which it overrides, as in
 *     Fluent Bit (flb_parser.c)
 * @param logfmtNoBareKeys {@code Logfmt_No_Bare_Keys}: a logfmt line with a key without {@code =} does not
 *     parse (it is kept whole with the reason, as every line a parser rejects)
 */
public record ParserConfig(
        String name, Format format, RubyRegex regex, String timeKey, TimeFormat timeFormat, boolean timeKeep,
        int timeOffsetSeconds, boolean timeStrict, Map<String, FieldType> types, boolean skipEmptyValues,
        boolean timeSystemTimezone, boolean logfmtNoBareKeys) {

    /** The {@code Format} values. */
    public enum Format {
        JSON, REGEX, LOGFMT, LTSV, ERLMCP, ERLANG_REPORT;

        /** The spelling in configuration files. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The options of a {@code [PARSER]} section. */
    public static final OptionTable OPTIONS = new OptionTable("PARSER", "parser", List.of(
            OptionSpec.string("Name", "the parser's name, as inputs and filters refer to it").asRequired(),
            OptionSpec.choice("Format", null, List.of("json", "regex", "logfmt", "ltsv", "erlmcp", "erlang_report"),
                    "how a line is read").asRequired(),
            OptionSpec.string("Regex", "for Format regex: the pattern (Ruby/Onigmo syntax), bare or as "
                    + "/pattern/ with optional flags i, m, x after the closing slash; each named group "
                    + "(?<name>...) becomes a field"),
            OptionSpec.string("Time_Key", "the field holding the record time (default time when Time_Format is set)"),
            OptionSpec.string("Time_Format", "strptime format of the time field, e.g. %Y-%m-%dT%H:%M:%S.%L%z; "
                    + "without it ISO-8601 and epoch numbers are read and the field is kept"),
            OptionSpec.bool("Time_Keep", false, "keep the time field in the record after reading the time from it "
                    + "with Time_Format"),
            OptionSpec.string("Time_Offset", "offset for times without a zone, such as +0200 or -05:30"),
            OptionSpec.bool("Time_Strict", true, "a time that stops matching Time_Format part-way is no time; "
                    + "off reads the fields matched so far"),
            OptionSpec.string("Types", "value types by key, space-separated key:type with type string, integer, "
                    + "float, bool or hex"),
            OptionSpec.bool("Skip_Empty_Values", true, "leave out fields whose value is empty (regex, ltsv)"),
            OptionSpec.bool("Time_System_Timezone", false, "read Time_Format times without a zone in the system's "
                    + "time zone, daylight saving included (overrides Time_Offset)"),
            OptionSpec.bool("Logfmt_No_Bare_Keys", false, "for Format logfmt: a line with a key without a value "
                    + "(no '=') does not parse"),
            OptionSpec.ignoredOption("Decode_Field", "decoders are not supported; decode with a filter"),
            OptionSpec.ignoredOption("Decode_Field_As", "decoders are not supported; decode with a filter")));

    public ParserConfig {
        types = Map.copyOf(types);
    }

    /** Binds and validates a {@code [PARSER]} section. */
    public static ParserConfig from(ConfigSection section) {
        return from(OPTIONS.bind(section));
    }

    /** Builds the config from bound options; see the type's javadoc for what is checked. */
    public static ParserConfig from(Options o) {
        return from(o, Clock.systemUTC());
    }

    /** As {@link #from(Options)}, with the clock formats without a year take the current year from. */
    public static ParserConfig from(Options o, Clock clock) {
        return from(o, clock, ZoneId.systemDefault());
    }

    /**
     * As {@link #from(Options, Clock)}, with {@code systemZone} as the system's time zone
     * ({@code Time_System_Timezone}).
     */
    public static ParserConfig from(Options o, Clock clock, ZoneId systemZone) {
        String name = o.string("Name");
        Format format = Format.valueOf(o.string("Format").toUpperCase(Locale.ROOT));
        RubyRegex regex = null;
        if (format == Format.REGEX) {
            String r = o.isSet("Regex") ? o.string("Regex") : null;
            if (r == null || r.isEmpty()) {
                throw o.error("Regex", "Format regex needs the key 'Regex' (a pattern with named groups such as "
                        + "(?<message>.*))");
            }
            try {
                regex = ConfiguredRegex.compile(r);
            } catch (PatternSyntaxException e) {
                throw o.error("Regex", "invalid Regex: " + e.getDescription()
                        + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "") + " in '" + e.getPattern() + "'");
            }
            if (regex.names().isEmpty()) {
                throw o.error("Regex", "Regex has no named group (?<name>...), so records would have no fields");
            }
        }
        int offset = 0;
        if (o.isSet("Time_Offset")) {
            try {
                offset = TimeFormat.parseOffset(o.string("Time_Offset"));
            } catch (IllegalArgumentException e) {
                throw o.error("Time_Offset", "bad value '" + o.string("Time_Offset") + "' for key 'Time_Offset'; "
                        + "allowed: an offset such as +0200, -05:30 or +01");
            }
        }
        boolean strict = o.bool("Time_Strict");
        TimeFormat timeFormat = null;
        if (o.isSet("Time_Format")) {
            try {
                timeFormat = TimeFormat.compile(o.string("Time_Format"), offset, strict, clock,
                        o.bool("Time_System_Timezone") ? systemZone : null);
            } catch (IllegalArgumentException e) {
                throw o.error("Time_Format", e.getMessage());
            }
        }
        String timeKey = o.isSet("Time_Key") ? o.string("Time_Key") : timeFormat != null ? "time" : null;
        Map<String, FieldType> types;
        try {
            types = FieldType.parseTypes(o.string("Types"));
        } catch (IllegalArgumentException e) {
            throw o.error("Types", e.getMessage());
        }
        return new ParserConfig(name, format, regex, timeKey, timeFormat, o.bool("Time_Keep"), offset, strict, types,
                o.bool("Skip_Empty_Values"), o.bool("Time_System_Timezone"), o.bool("Logfmt_No_Bare_Keys"));
    }

    /** How the parser reads the record time, or null if it reads none (or, for json, auto-detects it). */
    public TimeField timeField() {
        return timeKey == null ? null : new TimeField(timeKey, timeFormat, timeKeep, timeOffsetSeconds);
    }
}
