package dev.ferry.agent;

import dev.ferry.agent.kubernetes.KubernetesConfig;
import dev.ferry.agent.kubernetes.KubernetesFilter;
import dev.ferry.agent.source.tail.TailConfig;
import dev.ferry.agent.source.tail.TailInput;
import dev.ferry.outputs.discard.NullConfig;
import dev.ferry.parsers.multiline.MultilineParserConfig;
import dev.ferry.parsers.multiline.MultilineParserList;
import dev.ferry.outputs.discard.NullOutput;
import dev.ferry.outputs.elasticsearch.EsConfig;
import dev.ferry.outputs.elasticsearch.EsOutput;
import dev.ferry.outputs.file.FileConfig;
import dev.ferry.outputs.file.FileOutput;
import dev.ferry.outputs.loki.LokiConfig;
import dev.ferry.outputs.loki.LokiOutput;
import dev.ferry.outputs.stdout.StdoutConfig;
import dev.ferry.outputs.stdout.StdoutOutput;
import dev.ferry.pipeline.filter.grep.GrepConfig;
import dev.ferry.pipeline.filter.grep.GrepFilter;
import dev.ferry.pipeline.filter.modify.ModifyConfig;
import dev.ferry.pipeline.filter.modify.ModifyFilter;
import dev.ferry.pipeline.filter.parser.ParserFilter;
import dev.ferry.pipeline.filter.parser.ParserFilterConfig;
import dev.ferry.pipeline.filter.recordmodifier.RecordModifierConfig;
import dev.ferry.pipeline.filter.recordmodifier.RecordModifierFilter;
import dev.ferry.pipeline.ring.LineDecoder;
import dev.ferry.pipeline.spi.Parser;
import dev.ferry.parsers.text.RegexParser;
import dev.ferry.pipeline.config.Options;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every plugin ferry knows, by kind and Fluent Bit name. The one place where a new plugin is added.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class PluginCatalog {

    private final Map<String, PluginType<?, ?>> byKey = new LinkedHashMap<>();

    /** The plugins of this build. */
    public static PluginCatalog standard() {
        PluginCatalog c = new PluginCatalog();
        c.add(new PluginType<>("INPUT", "tail", TailConfig.OPTIONS, (o, parsers) -> {
            TailConfig config = TailConfig.from(o);
            if (config.parser() != null) {
                parsers.require(config.parser(), o, "Parser");
            }
            multiline(config, parsers, o);
            return config;
        }, (config, ctx) -> new TailInput(config, ctx.instanceName(), decoder(config, ctx), multiline(config, ctx))));

        c.add(new PluginType<>("FILTER", "modify", ModifyConfig.OPTIONS, (o, p) -> ModifyConfig.from(o),
                (config, ctx) -> new ModifyFilter(config)));
        c.add(new PluginType<>("FILTER", "record_modifier", RecordModifierConfig.OPTIONS,
                (o, p) -> RecordModifierConfig.from(o), (config, ctx) -> new RecordModifierFilter(config)));
        c.add(new PluginType<>("FILTER", "grep", GrepConfig.OPTIONS, (o, p) -> GrepConfig.from(o),
                (config, ctx) -> new GrepFilter(config)));
        c.add(new PluginType<>("FILTER", "parser", ParserFilterConfig.OPTIONS, (o, parsers) -> {
            ParserFilterConfig config = ParserFilterConfig.from(o);
            for (String name : config.parsers()) {
                parsers.require(name, o, "Parser");
            }
            return config;
        }, (config, ctx) -> {
            List<Parser> resolved = new ArrayList<>();
            for (String name : config.parsers()) {
                resolved.add(ctx.parsers().require(name, ctx.options(), "Parser"));
            }
            return new ParserFilter(config, resolved);
        }));
        c.add(new PluginType<>("FILTER", "kubernetes", KubernetesConfig.OPTIONS, (o, parsers) -> {
            KubernetesConfig config = KubernetesConfig.from(o);
            regexParser(config, parsers, o);
            if (config.mergeParser() != null) {
                parsers.require(config.mergeParser(), o, "Merge_Parser");
            }
            return config;
        }, (config, ctx) -> KubernetesFilter.create(ctx.instanceName(), config,
                regexParser(config, ctx.parsers(), ctx.options()),
                config.mergeParser() == null ? null : ctx.parsers().require(config.mergeParser(), ctx.options(), "Merge_Parser"),
                ctx.parsers()::find)));

        c.add(new PluginType<>("OUTPUT", "stdout", StdoutConfig.OPTIONS, (o, p) -> StdoutConfig.from(o),
                (config, ctx) -> new StdoutOutput(config)));
        c.add(new PluginType<>("OUTPUT", "file", FileConfig.OPTIONS, (o, p) -> FileConfig.from(o),
                (config, ctx) -> new FileOutput(config)));
        c.add(new PluginType<>("OUTPUT", "null", NullConfig.OPTIONS, (o, p) -> NullConfig.from(o),
                (config, ctx) -> new NullOutput(config)));
        c.add(new PluginType<>("OUTPUT", "es", EsConfig.OPTIONS, (o, p) -> EsConfig.from(o),
                (config, ctx) -> new EsOutput(config, ctx.instanceName())));
        c.add(new PluginType<>("OUTPUT", "loki", LokiConfig.OPTIONS, (o, p) -> LokiConfig.from(o),
                (config, ctx) -> new LokiOutput(config, ctx.instanceName(), ctx.replay())));
        return c;
    }

    /**
     * How a tail input's records become fields: the record parser of its container multiline format
     * ({@code multiline.parser cri}, {@code docker}), else its Parser; and Path_Key and Offset_Key.
     */
    static LineDecoder decoder(TailConfig config, PluginContext ctx) {
        MultilineParserList multiline = multiline(config, ctx.parsers(), ctx.options());
        Parser parser = multiline == null ? null : multiline.recordParser();
        if (parser == null && config.parser() != null) {
            parser = ctx.parsers().require(config.parser(), ctx.options(), "Parser");
        }
        return new LineDecoder(parser, config.pathKey(), config.offsetKey());
    }

    /** The kubernetes filter's Regex_Parser, which must be a regex parser, or null for the built-in tag regex. */
    static RegexParser regexParser(KubernetesConfig config, ParserRegistry parsers, Options o) {
        if (config.regexParser() == null) {
            return null;
        }
        Parser p = parsers.require(config.regexParser(), o, "Regex_Parser");
        if (!(p instanceof RegexParser regex)) {
            throw o.error("Regex_Parser", "parser '" + config.regexParser() + "' in key 'Regex_Parser' is not a regex "
                    + "parser; the kubernetes filter takes pod_name, namespace_name, container_name and docker_id from "
                    + "the named groups of a [PARSER] with Format regex");
        }
        return regex;
    }

    /** A tail input's multiline parsers, or null. */
    static MultilineParserList multiline(TailConfig config, PluginContext ctx) {
        return multiline(config, ctx.parsers(), ctx.options());
    }

    /**
     * A tail input's multiline parsers, or null; an unknown name, or a list ferry cannot read, is an error
     * at {@code multiline.parser}. A {@code Parser} is refused beside a container format: the format's
     * own parser reads the records (Fluent Bit ignores {@code Parser} whenever {@code multiline.parser}
     * is set), so the Parser would change nothing the user expects.
     */
    private static MultilineParserList multiline(TailConfig config, ParserRegistry parsers, Options o) {
        if (config.multilineParsers().isEmpty()) {
            return null;
        }
        List<MultilineParserConfig> resolved = new ArrayList<>();
        for (String name : config.multilineParsers()) {
            resolved.add(parsers.requireMultiline(name, o, "multiline.parser"));
        }
        MultilineParserList list;
        try {
            list = new MultilineParserList(resolved);
        } catch (IllegalArgumentException e) {
            throw o.error("multiline.parser", e.getMessage());
        }
        if (config.parser() != null && list.recordParser() != null) {
            throw o.error("Parser", "Parser " + config.parser() + " has no effect with multiline.parser " + list.names()
                    + ": records are read by the container format itself into time, stream, _p (cri) and log, as "
                    + "Fluent Bit does (it ignores Parser when multiline.parser is set). Remove Parser; to parse the "
                    + "application's text in log, use the kubernetes filter's Merge_Log or a parser filter on log");
        }
        return list;
    }

    private void add(PluginType<?, ?> type) {
        byKey.put(key(type.kind(), type.name()), type);
    }

    /** The plugin of {@code kind} named {@code name} (case-insensitive), or null. */
    public PluginType<?, ?> find(String kind, String name) {
        return byKey.get(key(kind, name));
    }

    /** The names of the plugins of {@code kind}, in registration order. */
    public List<String> names(String kind) {
        List<String> out = new ArrayList<>();
        for (PluginType<?, ?> t : byKey.values()) {
            if (t.kind().equalsIgnoreCase(kind)) {
                out.add(t.name());
            }
        }
        return out;
    }

    private static String key(String kind, String name) {
        return kind.toUpperCase(Locale.ROOT) + "/" + name.toLowerCase(Locale.ROOT);
    }
}
