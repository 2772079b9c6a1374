package dev.ferry.outputs.file;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.config.SourceLocation;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Settings of the {@code file} output ({@code [OUTPUT] Name file}), with Fluent Bit's keys. Immutable.
 *
 * @param path the directory files are written in, or null for the working directory ({@code Path})
 * @param file the file name for every record, or null to name each file after the record's tag
 *     ({@code File})
 * @param format the line format
 * @param delimiter the value separator of csv and ltsv
 * @param labelDelimiter the key/value separator of ltsv
 * @param template the line of the template format
 * @param mkdir whether to create {@code path} (and a tag's subdirectories) when missing
 * @param where where the section is ({@code file:line: [OUTPUT] file}), for start-up errors
 */
public record FileConfig(Path path, String file, Format format, String delimiter, String labelDelimiter,
        FileTemplate template, boolean mkdir, String where) {

    /** The line formats of the file output. */
    public enum Format {
        /** Fluent Bit's default: {@code tag: [1704103200.123456789, {"log":"hi"}]}. */
        OUT_FILE,
        /** The record's JSON object alone. */
        PLAIN,
        /** The time and the values, separated by {@code Delimiter} (default {@code ,}). */
        CSV,
        /** {@code "time":...} and {@code "key":value} pairs separated by tabs (LTSV). */
        LTSV,
        /** The {@code Template} line filled from the record. */
        TEMPLATE
    }

    private static final String ROTATE_ONLY = "Fluent Bit uses it only with rotate On, which ferry refuses";
    private static final String DYNAMIC_ONLY = "Fluent Bit uses it only for destinations with record accessors ($) "
            + "or strftime placeholders, which ferry refuses";

    private static final List<String> DELIMITERS = List.of("\\t", "tab", "space", "comma");

    public static final OptionTable OPTIONS = new OptionTable("OUTPUT", "file", List.of(
            OptionSpec.string("Name", "The output plugin: file.").asRequired(),
            OptionSpec.string("Path", "Directory to write files in (default: the working directory)."),
            OptionSpec.string("File", "File name to write every record to (default: the record's tag)."),
            OptionSpec.choice("Format", "out_file", List.of("out_file", "plain", "csv", "ltsv", "template", "msgpack"),
                    "Line format: out_file (tag: [time, {json}]), plain (the JSON record), csv, ltsv or "
                            + "template."),
            OptionSpec.choice("Delimiter", null, DELIMITERS,
                    "Value separator of csv and ltsv: \\t or tab, space, comma."),
            OptionSpec.choice("Label_Delimiter", null, DELIMITERS,
                    "Key/value separator of ltsv: \\t or tab, space, comma (default ':')."),
            OptionSpec.string("Template", "Line of the template format: {time} is the record time, {key} the "
                    + "value of field key.").withDefault("{time} {message}"),
            OptionSpec.bool("Mkdir", false, "Create Path (and subdirectories for tags) when missing."),
            OptionSpec.bool("csv_column_names", false, "Fluent Bit's: write the keys as a header line when a csv "
                    + "file starts; only Off is taken (ferry writes no header line)"),
            OptionSpec.bool("rotate", false, "Fluent Bit's size-based rotation; only Off is taken (rotate with "
                    + "logrotate: ferry reopens the path when its file is moved or replaced)"),
            OptionSpec.ignoredOption("rotate_max_size", ROTATE_ONLY),
            OptionSpec.ignoredOption("rotate_max_files", ROTATE_ONLY),
            OptionSpec.ignoredOption("rotate_gzip", ROTATE_ONLY),
            OptionSpec.bool("enable_strftime", false, "Fluent Bit's strftime placeholders in Path and File; only "
                    + "Off is taken ('%' stays literal, as with Off in Fluent Bit)"),
            OptionSpec.bool("atomic_chunks", false, "Fluent Bit's one immutable file per chunk; only Off is taken"),
            OptionSpec.ignoredOption("max_dynamic_files", DYNAMIC_ONLY),
            OptionSpec.ignoredOption("on_missing_field", DYNAMIC_ONLY),
            OptionSpec.ignoredOption("on_limit_reached", DYNAMIC_ONLY),
            OptionSpec.ignoredOption("fallback_path", DYNAMIC_ONLY),
            OptionSpec.ignoredOption("fallback_file", DYNAMIC_ONLY)));

    /** Builds the settings from a section bound to {@link #OPTIONS}. */
    public static FileConfig from(Options o) {
        refuseRecordAccessor(o, "Path", "Path unset or a fixed directory");
        refuseRecordAccessor(o, "File", "File unset to get a file per tag");
        Path path = null;
        if (o.string("Path") != null) {
            try {
                path = Path.of(o.string("Path"));
            } catch (InvalidPathException e) {
                throw o.error("Path", "bad value '" + o.string("Path") + "' for key 'Path': " + e.getReason());
            }
        }
        String file = o.string("File");
        if (file != null && (file.isEmpty() || file.equals(".") || file.equals(".."))) {
            throw o.error("File", "bad value '" + file + "' for key 'File'; allowed: a file name");
        }
        o.refuseOn("csv_column_names", "csv_column_names On is not supported: ferry writes no CSV header "
                + "line, so a reader expecting one would take the first record for it; remove the key, or use "
                + "Format ltsv, whose lines name every value");
        o.refuseOn("rotate", "rotate On is not supported: ferry does not rotate its output files; rotate them with "
                + "logrotate (ferry reopens the path when its file is moved or replaced) and remove the key");
        o.refuseOn("enable_strftime", "enable_strftime On is not supported: ferry does not expand strftime "
                + "placeholders and would write to files named literally with '%'; remove the key and use a fixed "
                + "Path and File");
        o.refuseOn("atomic_chunks", "atomic_chunks On is not supported: ferry appends lines to one file per tag "
                + "and publishes no per-chunk files; remove the key");
        if (o.string("Format").equalsIgnoreCase("msgpack")) {
            throw o.error("Format", "Format msgpack is not supported: it writes Fluent Bit's raw chunk bytes (for "
                    + "its developers' test files), which ferry's records are not; use Format plain for a JSON "
                    + "object per line");
        }
        Format format = Format.valueOf(o.string("Format").toUpperCase(Locale.ROOT));
        String delimiter = delimiter(o.string("Delimiter"), format == Format.LTSV ? "\t" : ",");
        String labelDelimiter = delimiter(o.string("Label_Delimiter"), ":");
        List<ConfigEntry> pathEntries = o.entries("Path");
        SourceLocation at = pathEntries.isEmpty() ? o.section().location() : pathEntries.get(0).location();
        FileConfig config = new FileConfig(path, file, format, delimiter, labelDelimiter,
                FileTemplate.compile(o.string("Template")), o.bool("Mkdir"), at + ": " + o.section().label());
        config.requireUsableDirectory();
        return config;
    }

    /**
     * Checks, without changing anything, that {@code Path} is a directory, or is missing with {@code Mkdir} on
     * (then the output creates it when it starts). Run when the configuration is read, so {@code ferry check}
     * refuses what {@code ferry run} would, and again when the output starts.
     *
     * @throws ConfigException with the configuration line if {@code Path} is not usable
     */
    void requireUsableDirectory() {
        if (path == null || Files.isDirectory(path)) {
            return;
        }
        if (Files.exists(path)) {
            throw new ConfigException(where + ": Path '" + path + "' is not a directory");
        }
        if (!mkdir) {
            throw new ConfigException(where + ": Path '" + path + "' does not exist; create it or set Mkdir on");
        }
    }

    /**
     * Refuses a {@code $} in {@code key}: Fluent Bit's out_file reads it as a record accessor ({@code $TAG},
     * {@code $kubernetes['namespace_name']}) and writes each record to the file its values name; ferry
     * would write every record to one file literally named so.
     */
    private static void refuseRecordAccessor(Options o, String key, String instead) {
        String value = o.string(key);
        if (value != null && value.indexOf('$') >= 0) {
            throw o.error(key, "'$' in " + key + " '" + value + "' is a record accessor in Fluent Bit (a file per "
                    + "value, such as $TAG or $kubernetes['namespace_name']); ferry does not support it and would "
                    + "write every record to one file named literally so; leave " + instead);
        }
    }

    private static String delimiter(String value, String dflt) {
        if (value == null) {
            return dflt;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "\\t", "tab" -> "\t";
            case "space" -> " ";
            default -> ",";
        };
    }
}
