package dev.ferry.parsers;

import dev.ferry.parsers.json.JsonParser;
import dev.ferry.parsers.text.ErlangReportParser;
import dev.ferry.parsers.text.ErlmcpTextParser;
import dev.ferry.parsers.text.LogfmtParser;
import dev.ferry.parsers.text.LtsvParser;
import dev.ferry.parsers.text.RegexParser;
import dev.ferry.pipeline.spi.Parser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes {@link Parser}s from {@link ParserConfig}s. Stateless; the parsers it makes are thread-safe.
 */
public final class ParserFactory {

    private ParserFactory() {
    }

    /** The parser a validated config describes. */
    public static Parser create(ParserConfig c) {
        return switch (c.format()) {
            case JSON -> new JsonParser(c.name(), c.timeField());
            case REGEX -> new RegexParser(c.name(), c.regex(), c.types(), c.timeField(), c.skipEmptyValues());
            case LOGFMT -> new LogfmtParser(c.name(), c.types(), c.timeField(), c.logfmtNoBareKeys());
            case LTSV -> new LtsvParser(c.name(), c.types(), c.timeField(), c.skipEmptyValues());
            case ERLMCP -> new ErlmcpTextParser(c.name());
            case ERLANG_REPORT -> new ErlangReportParser(c.name(), c.timeOffsetSeconds());
        };
    }

    /**
     * Every parser an input or filter may name: the {@linkplain BuiltinParsers built-ins}, then the
     * user's {@code [PARSER]} sections in order; a later one with the same name replaces an earlier one,
     * so a user's parser overrides a built-in of that name (as a second definition does in Fluent Bit's
     * parsers files).
     *
     * @return parsers by name (names are case-sensitive, as in Fluent Bit)
     */
    public static Map<String, Parser> createAll(List<ParserConfig> user) {
        Map<String, Parser> out = new LinkedHashMap<>();
        for (ParserConfig c : BuiltinParsers.configs().values()) {
            out.put(c.name(), create(c));
        }
        for (ParserConfig c : user) {
            out.put(c.name(), create(c));
        }
        return out;
    }
}
