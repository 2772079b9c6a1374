package dev.ferry.parsers;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import dev.ferry.pipeline.spi.Parser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsers ferry knows without a {@code [PARSER]} section. A user's {@code [PARSER]} with the same name
 * replaces one (see {@link ParserFactory#createAll}).
 *
 * <ul>
 *   <li>{@code json}: one JSON object per line, time auto-detected from {@code timestamp}, {@code time}
 *       or {@code @timestamp} and kept (Fluent Bit's stock {@code json} instead reads {@code time} as
 *       {@code %d/%b/%Y:%H:%M:%S %z});</li>
 *   <li>{@code erlmcp}: the erlmcp console text format ({@link dev.ferry.parsers.text.ErlmcpTextParser});</li>
 *   <li>{@code erlang_report}: an Erlang/OTP report joined by the {@code erlang} multiline parser
 *       ({@link dev.ferry.parsers.text.ErlangReportParser}); legacy header times read as UTC;</li>
 *   <li>{@code docker}, {@code cri}, {@code apache}, {@code apache2}, {@code nginx}, {@code syslog-rfc5424},
 *       {@code syslog-rfc3164}, {@code logfmt}: as in Fluent Bit's stock {@code parsers.conf}.</li>
 * </ul>
 *
 * <p>They are declared as configuration sections and go through {@link ParserConfig#OPTIONS}, so they are
 * validated by the same code as the user's. Immutable and thread-safe.
 */
public final class BuiltinParsers {

    /** Where errors in a built-in parser would point. */
    public static final String ORIGIN = "built-in parsers";

    private static final Map<String, ParserConfig> CONFIGS = build();

    private BuiltinParsers() {
    }

    /** The built-in parsers' configurations by name, in the order above. */
    public static Map<String, ParserConfig> configs() {
        return CONFIGS;
    }

    /** The built-in parser named {@code name}, if there is one (a new instance each call). */
    public static Optional<Parser> find(String name) {
        ParserConfig c = CONFIGS.get(name);
        return c == null ? Optional.empty() : Optional.of(ParserFactory.create(c));
    }

    /**
     * The built-in parser named {@code name}.
     *
     * @throws IllegalArgumentException if there is none, listing the names there are
     */
    public static Parser get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "no built-in parser '" + name + "'; built-in parsers: " + String.join(", ", CONFIGS.keySet())));
    }

    private static Map<String, ParserConfig> build() {
        List<List<String>> defs = List.of(
                List.of("Name", "json", "Format", "json"),
                List.of("Name", "erlmcp", "Format", "erlmcp"),
                List.of("Name", "erlang_report", "Format", "erlang_report"),
                List.of("Name", "docker", "Format", "json", "Time_Key", "time",
                        "Time_Format", "%Y-%m-%dT%H:%M:%S.%L", "Time_Keep", "On"),
                List.of("Name", "cri", "Format", "regex",
                        "Regex", "^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>[^ ]*) (?<message>.*)$",
                        "Time_Key", "time", "Time_Format", "%Y-%m-%dT%H:%M:%S.%L%z", "Time_Keep", "On"),
                List.of("Name", "apache", "Format", "regex",
                        "Regex", "^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] \"(?<method>\\S+)"
                                + "(?: +(?<path>[^\\\"]*?)(?: +\\S*)?)?\" (?<code>[^ ]*) (?<size>[^ ]*)"
                                + "(?: \"(?<referer>[^\\\"]*)\" \"(?<agent>[^\\\"]*)\")?$",
                        "Time_Key", "time", "Time_Format", "%d/%b/%Y:%H:%M:%S %z"),
                List.of("Name", "apache2", "Format", "regex",
                        "Regex", "^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] \"(?<method>\\S+)"
                                + "(?: +(?<path>[^ ]*) +\\S*)?\" (?<code>[^ ]*) (?<size>[^ ]*)"
                                + "(?: \"(?<referer>[^\\\"]*)\" \"(?<agent>.*)\")?$",
                        "Time_Key", "time", "Time_Format", "%d/%b/%Y:%H:%M:%S %z"),
                List.of("Name", "nginx", "Format", "regex",
                        "Regex", "^(?<remote>[^ ]*) (?<host>[^ ]*) (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] "
                                + "\"(?<method>\\S+)(?: +(?<path>[^\\\"]*?)(?: +\\S*)?)?\" (?<code>[^ ]*) (?<size>[^ ]*)"
                                + "(?: \"(?<referer>[^\\\"]*)\" \"(?<agent>[^\\\"]*)\")",
                        "Time_Key", "time", "Time_Format", "%d/%b/%Y:%H:%M:%S %z"),
                List.of("Name", "syslog-rfc5424", "Format", "regex",
                        "Regex", "^\\<(?<pri>[0-9]{1,5})\\>1 (?<time>[^ ]+) (?<host>[^ ]+) (?<ident>[^ ]+) "
                                + "(?<pid>[-0-9]+) (?<msgid>[^ ]+) (?<extradata>(\\[(.*?)\\]|-)) (?<message>.+)$",
                        "Time_Key", "time", "Time_Format", "%Y-%m-%dT%H:%M:%S.%L%z", "Time_Keep", "On"),
                List.of("Name", "syslog-rfc3164", "Format", "regex",
                        "Regex", "^\\<(?<pri>[0-9]+)\\>(?<time>[^ ]* {1,2}[^ ]* [^ ]*) (?<host>[^ ]*) "
                                + "(?<ident>[a-zA-Z0-9_\\/\\.\\-]*)(?:\\[(?<pid>[0-9]+)\\])?(?:[^\\:]*\\:)? *(?<message>.*)$",
                        "Time_Key", "time", "Time_Format", "%b %d %H:%M:%S", "Time_Keep", "On"),
                List.of("Name", "logfmt", "Format", "logfmt"));
        Map<String, ParserConfig> out = new LinkedHashMap<>();
        int line = 1;
        for (List<String> def : defs) {
            List<ConfigEntry> entries = new ArrayList<>();
            for (int i = 0; i < def.size(); i += 2) {
                entries.add(new ConfigEntry(def.get(i), def.get(i + 1), new SourceLocation(ORIGIN, line++)));
            }
            ParserConfig c = ParserConfig.from(new ConfigSection("PARSER", new SourceLocation(ORIGIN, line), entries));
            out.put(c.name(), c);
        }
        return Collections.unmodifiableMap(out);
    }
}
