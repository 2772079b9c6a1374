package dev.ferry.agent;

import dev.ferry.parsers.ParserConfig;
import dev.ferry.parsers.ParserFactory;
import dev.ferry.parsers.multiline.BuiltinMultilineParsers;
import dev.ferry.parsers.multiline.MultilineParserConfig;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.spi.Parser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsers inputs and filters may name: ferry's built-ins and the configuration's {@code [PARSER]}
 * sections (a section overrides a built-in of the same name), and likewise the multiline parsers
 * ({@code [MULTILINE_PARSER]}). Names are case-sensitive, as in Fluent Bit.
 *
 * <p>Immutable and thread-safe; the parsers themselves are safe to share between ring threads.
 */
public final class ParserRegistry {

    private final Map<String, Parser> parsers;
    private final List<String> names;
    private final Map<String, MultilineParserConfig> multiline;

    private ParserRegistry(Map<String, Parser> parsers, Map<String, MultilineParserConfig> multiline) {
        this.parsers = Map.copyOf(parsers);
        this.names = List.copyOf(parsers.keySet());
        this.multiline = multiline;
    }

    /** Validates the {@code [PARSER]} and {@code [MULTILINE_PARSER]} sections and builds every parser. */
    public static ParserRegistry of(List<ConfigSection> sections, List<ConfigSection> multilineSections,
                                    List<String> warnings) {
        List<ParserConfig> user = new ArrayList<>();
        for (ConfigSection s : sections) {
            Options o = ParserConfig.OPTIONS.bind(s);
            warnings.addAll(o.warnings());
            user.add(ParserConfig.from(o));
        }
        Map<String, MultilineParserConfig> multiline = new LinkedHashMap<>(BuiltinMultilineParsers.configs());
        for (ConfigSection s : multilineSections) {
            Options o = MultilineParserConfig.OPTIONS.bind(s);
            warnings.addAll(o.warnings());
            MultilineParserConfig c = MultilineParserConfig.from(o);
            multiline.put(c.name(), c);
        }
        return new ParserRegistry(ParserFactory.createAll(user), Collections.unmodifiableMap(multiline));
    }

    /**
     * The multiline parser named {@code name} (a built-in or a {@code [MULTILINE_PARSER]} section); an
     * unknown name is a configuration error located at {@code key}.
     */
    public MultilineParserConfig requireMultiline(String name, Options options, String key) {
        MultilineParserConfig c = multiline.get(name);
        if (c == null) {
            throw options.error(key, "unknown multiline parser '" + name + "' in key '" + key + "'; known multiline parsers: "
                    + String.join(", ", multiline.keySet()) + " (define it in a [MULTILINE_PARSER] section)");
        }
        return c;
    }

    /** Every multiline parser name, built-ins first. */
    public List<String> multilineNames() {
        return List.copyOf(multiline.keySet());
    }

    /**
     * The parser named {@code name}; an unknown name is a configuration error located at {@code key} of
     * the section {@code options} belongs to.
     */
    public Parser require(String name, Options options, String key) {
        Parser p = parsers.get(name);
        if (p == null) {
            throw options.error(key, "unknown parser '" + name + "' in key '" + key + "'; known parsers: "
                    + String.join(", ", names) + " (define it in a [PARSER] section of a Parsers_File)");
        }
        return p;
    }

    /** The parser named {@code name}, or null (for names known only at run time, such as a pod annotation's). */
    public Parser find(String name) {
        return parsers.get(name);
    }

    /** Every parser name, built-ins first, in definition order. */
    public List<String> names() {
        return names;
    }
}
