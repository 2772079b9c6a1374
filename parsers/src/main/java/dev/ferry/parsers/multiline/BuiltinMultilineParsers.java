package dev.ferry.parsers.multiline;

import dev.ferry.parsers.ParserConfig;
import dev.ferry.parsers.ParserFactory;
import dev.ferry.parsers.json.JsonParser;
import dev.ferry.parsers.multiline.MultilineParserConfig.Mode;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Parser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The multiline parsers ferry knows without a {@code [MULTILINE_PARSER]} section, as {@code
 * multiline.parser} names them:
 *
 * <ul>
 *   <li>{@code java}, {@code go}, {@code ruby}: Fluent Bit's rules, unchanged (exception stack traces
 *       with {@code at}, {@code Caused by:}, {@code ... N more}; Go panics and {@code fatal error:}s with
 *       their goroutine dumps; Ruby backtraces with their {@code from} lines), as in Fluent Bit's
 *       {@code src/multiline/flb_ml_parser_java.c}, {@code _go.c} and {@code _ruby.c}.</li>
 *   <li>{@code python}: Fluent Bit's rules plus one for the {@code ^^^^} / {@code ~~~~} marker lines
 *       Python 3.11+ prints under a code line (without it the traceback is cut there).</li>
 *   <li>{@code erlang} (ferry's own): Erlang/OTP reports. A record starts at a report header
 *       {@code =ERROR REPORT==== 1-Jan-2024::10:00:00.123456 ===} ({@code ERROR}, {@code CRASH},
 *       {@code SUPERVISOR}, {@code PROGRESS}, {@code INFO}, {@code WARNING}, ...) or at a line starting
 *       with a timestamp, bare or in brackets ({@code 2024-01-01T10:00:00.123456+00:00 error:},
 *       {@code [2024-01-01 10:00:00]}: OTP {@code logger_formatter} with {@code single_line => false},
 *       or the erlmcp console format), and takes every following line that starts with neither a
 *       timestamp nor {@code =}: indented report lines, {@code ** ...} gen_server lines, free-form message
 *       lines and the blank line OTP writes after a report.</li>
 *   <li>{@code cri}, {@code docker}: partial lines of container runtimes ({@link CriMultilineAssembler},
 *       {@link DockerMultilineAssembler}). Their records are read by their own parser
 *       ({@link #recordParser}), as Fluent Bit's {@code _ml_cri} and {@code _ml_json_docker} read them.</li>
 * </ul>
 * All use Fluent Bit's flush timeout (4000 ms) and the default {@code max_record_size}. The rule-based
 * ones are declared as configuration sections and go through {@link MultilineParserConfig#OPTIONS}, so
 * they are validated by the same code as the user's. Immutable and thread-safe.
 */
public final class BuiltinMultilineParsers {

    /** Where errors in a built-in multiline parser would point. */
    public static final String ORIGIN = "built-in multiline parsers";

    private static final String TIMESTAMP = "\\[?\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d";

    private static final Map<String, MultilineParserConfig> CONFIGS = build();

    /**
     * The record parsers of the container formats, Fluent Bit's (src/multiline/flb_ml_parser_cri.c and
     * flb_ml_parser_docker.c): the time is read and kept, not strict, and an empty {@code log} is kept.
     * {@code (?s)}: Onigmo's {@code .} takes every character but {@code \n}, and a CRI record holds
     * none, where Java's would stop at a {@code \r}.
     */
    private static final Parser CRI_RECORDS = recordParser("multiline.parser cri", "Format", "regex",
            "Regex", "(?s)^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$",
            "Time_Key", "time", "Time_Format", "%Y-%m-%dT%H:%M:%S.%L%z", "Time_Keep", "On", "Time_Strict", "Off",
            "Skip_Empty_Values", "Off");
    private static final Parser DOCKER_RECORDS = new DockerRecords(recordParser("multiline.parser docker",
            "Format", "json", "Time_Key", "time", "Time_Format", "%Y-%m-%dT%H:%M:%S.%L", "Time_Keep", "On",
            "Time_Strict", "Off"));

    private BuiltinMultilineParsers() {
    }

    /** The built-in multiline parsers' configurations by name. */
    public static Map<String, MultilineParserConfig> configs() {
        return CONFIGS;
    }

    /** The built-in multiline parser named {@code name}, if there is one. */
    public static Optional<MultilineParserConfig> find(String name) {
        return Optional.ofNullable(CONFIGS.get(name));
    }

    /**
     * The parser that reads the records of a container format into Fluent Bit's fields: for {@code cri}
     * {@code time}, {@code stream}, {@code _p}, {@code log}, for {@code docker} the JSON object's members;
     * the record time from {@code time}. Null for {@link Mode#REGEX}, whose records are text. A line
     * the format's assembler did not take fails this parser, so it is kept whole under {@code log} with
     * the reason, and counted. Thread-safe.
     */
    public static Parser recordParser(Mode mode) {
        return switch (mode) {
            case REGEX -> null;
            case CRI -> CRI_RECORDS;
            case DOCKER -> DOCKER_RECORDS;
        };
    }

    /**
     * The docker record parser: the JSON parser, after a check that says "not JSON" of a line that does
     * not start with {@code {} without building a message. With {@code docker, cri} on a containerd node
     * every record is a CRI line that docker is asked about first.
     */
    private record DockerRecords(Parser json) implements Parser {

        static final String NOT_AN_OBJECT = "not a docker JSON line: it does not start with {";

        @Override
        public boolean parse(LogRecord record) {
            if (!JsonParser.startsWithObject(record.line(), record.lineLength())) {
                record.fields().clear();
                record.parseError(NOT_AN_OBJECT);
                return false;
            }
            return json.parse(record);
        }

        @Override
        public String name() {
            return json.name();
        }
    }

    private static Parser recordParser(String name, String... keyValues) {
        List<ConfigEntry> entries = new ArrayList<>();
        SourceLocation at = new SourceLocation(ORIGIN, 0);
        entries.add(new ConfigEntry("Name", name, at));
        for (int i = 0; i < keyValues.length; i += 2) {
            entries.add(new ConfigEntry(keyValues[i], keyValues[i + 1], at));
        }
        return ParserFactory.create(ParserConfig.from(new ConfigSection("PARSER", at, entries)));
    }

    private static Map<String, MultilineParserConfig> build() {
        Map<String, List<String>> rules = new LinkedHashMap<>();
        rules.put("java", List.of(
                rule("start_state, java_start_exception",
                        "/(.)(?:Exception|Error|Throwable|V8 errors stack trace)[:\\r\\n]/", "java_after_exception"),
                rule("java_after_exception", "/^[\\t ]*nested exception is:[\\t ]*/", "java_start_exception"),
                rule("java_after_exception", "/^[\\r\\n]*$/", "java_after_exception"),
                rule("java_after_exception, java", "/^[\\t ]+(?:eval )?at /", "java"),
                rule("java_after_exception, java", "/^[\\t ]+--- End of inner exception stack trace ---$/", "java"),
                rule("java_after_exception, java",
                        "/^--- End of stack trace from previous location where exception was thrown ---$/", "java"),
                rule("java_after_exception, java", "/^[\\t ]*(?:Caused by|Suppressed):/", "java_after_exception"),
                rule("java_after_exception, java", "/^[\\t ]*... \\d+ (?:more|common frames omitted)/", "java")));
        rules.put("go", List.of(
                rule("start_state", "/\\bpanic: /", "go_after_panic"),
                rule("start_state", "/http: panic serving/", "go_goroutine"),
                rule("start_state", "/\\bfatal error: /", "go_after_panic"),
                rule("go_after_panic", "/^$/", "go_goroutine"),
                rule("go_after_panic, go_after_signal, go_frame_1", "/^$/", "go_goroutine"),
                rule("go_after_panic", "/^\\[signal /", "go_after_signal"),
                rule("go_goroutine", "/^goroutine \\d+ \\[[^\\]]+\\]:$/", "go_frame_1"),
                rule("go_frame_1", "/^(?:[^\\s.:]+\\.)*[^\\s.():]+\\(|^created by /", "go_frame_2"),
                rule("go_frame_2", "/^\\s/", "go_frame_1")));
        rules.put("ruby", List.of(
                rule("start_state, ruby_start_exception", "/^.+:\\d+:in\\s+.*/", "ruby_after_exception"),
                rule("ruby_after_exception, ruby", "/^\\s+from\\s+.*:\\d+:in\\s+.*/", "ruby")));
        rules.put("python", List.of(
                rule("start_state", "/^Traceback \\(most recent call last\\):$/", "python"),
                rule("python", "/^[\\t ]+File /", "python_code"),
                rule("python_code", "/[^\\t ]/", "python"),
                rule("python", "/^[\\t ]+[~^]+$/", "python"),
                rule("python", "/^(?:[^\\s.():]+\\.)*[^\\s.():]+:/", "start_state")));
        rules.put("erlang", List.of(
                rule("start_state", "/^(?:=[A-Z][A-Z ]* REPORT==== |" + TIMESTAMP + ")/", "erlang_cont"),
                rule("erlang_cont", "/^(?!=|" + TIMESTAMP + ")/", "erlang_cont")));
        Map<String, MultilineParserConfig> out = new LinkedHashMap<>();
        int line = 1;
        for (Map.Entry<String, List<String>> def : rules.entrySet()) {
            SourceLocation at = new SourceLocation(ORIGIN, line);
            List<ConfigEntry> entries = new ArrayList<>();
            entries.add(new ConfigEntry("Name", def.getKey(), new SourceLocation(ORIGIN, line++)));
            entries.add(new ConfigEntry("Type", "regex", new SourceLocation(ORIGIN, line++)));
            for (String r : def.getValue()) {
                entries.add(new ConfigEntry("Rule", r, new SourceLocation(ORIGIN, line++)));
            }
            MultilineParserConfig c = MultilineParserConfig.from(new ConfigSection("MULTILINE_PARSER", at, entries));
            out.put(c.name(), c);
        }
        out.put("cri", MultilineParserConfig.builtinMode("cri", Mode.CRI));
        out.put("docker", MultilineParserConfig.builtinMode("docker", Mode.DOCKER));
        return Collections.unmodifiableMap(out);
    }

    private static String rule(String from, String regex, String next) {
        return "\"" + from + "\" \"" + regex + "\" \"" + next + "\"";
    }
}
