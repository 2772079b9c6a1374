package dev.ferry.agent.config;

import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The reader of Fluent Bit's YAML configuration format, onto the same sections as the classic one:
 *
 * <pre>
 * env:                      # variables for ${NAME}, ahead of the environment; those of every file
 *                           # (includes too) are read before any section, wherever they stand
 *   CLUSTER: prod
 * includes: [inputs.yaml]   # relative to this file; globs allowed; read where the key stands, each file once
 * service:                  # -&gt; [SERVICE]; parsers_file / parsers_files like Parsers_File
 *   flush: 1
 * parsers: [...]            # list of maps -&gt; [PARSER]
 * multiline_parsers:        # list of maps -&gt; [MULTILINE_PARSER]
 *   - name: java
 *     rules:                # each rule -&gt; rule "STATE" "REGEX" "NEXT", as the classic format writes it
 *       - {state: start_state, regex: '/^\d/', next_state: cont}
 * pipeline:
 *   inputs:  [...]          # list of maps -&gt; [INPUT]
 *   filters: [...]          # -&gt; [FILTER]; a list value (add: [a, b]) becomes repeated entries
 *   outputs: [...]          # -&gt; [OUTPUT]
 * </pre>
 *
 * Fluent Bit's {@code processors} and {@code routes} under a plugin and its {@code customs} and
 * {@code stream_processor} sections are refused (skipping them would change what is shipped); its
 * {@code plugins} and {@code upstream_servers} sections are skipped
 * with a warning, since anything that uses them is refused on its own.
 *
 * Scalars are kept as written ({@code on} stays {@code on}); a map where a value is expected is an error.
 * Line numbers come from SnakeYAML's node marks, so every error and warning names {@code file:line}.
 * Immutable and thread-safe; see {@link FileConfigReader} for what every format shares.
 */
public final class YamlConfigReader extends FileConfigReader {

    private static final String INCLUDES = "includes:";
    private static final List<String> TOP_LEVEL =
            List.of("env", "includes", "service", "pipeline", "parsers", "multiline_parsers");
    private static final Map<String, SectionKind> PIPELINE =
            Map.of("inputs", SectionKind.INPUT, "filters", SectionKind.FILTER, "outputs", SectionKind.OUTPUT);
    private static final List<String> RULE_KEYS = List.of("state", "regex", "next_state");
    /** Keys of a Fluent Bit YAML plugin entry ferry refuses, with why; skipping them would change what is shipped. */
    private static final Map<String, String> REFUSED_PLUGIN_KEYS = Map.of(
            "processors", "ferry has no processors, and skipping them would ship the records unchanged; write"
                    + " each one as a filter under pipeline.filters with a Match for the records it is meant for",
            "routes", "ferry routes by Tag and Match only, and skipping routes would send the records to other"
                    + " outputs; give each output a Match for the records it is meant for");

    /** @param environment the process environment for {@code ${VAR}}, e.g. {@code System.getenv()} */
    public YamlConfigReader(Map<String, String> environment) {
        super(environment);
    }

    @Override
    List<ConfigSection> readSections(Path file, LoadContext context) {
        List<ConfigSection> sections = new ArrayList<>();
        for (Node root : compose(file)) {
            sections.addAll(readDocument(root, file, context));
        }
        return sections;
    }

    /**
     * Reads the {@code env} sections of {@code file} and of every file it includes, so that a variable is
     * set for the whole configuration wherever it is defined, as in Fluent Bit, which sets every {@code env}
     * entry before it applies any property (src/flb_config.c). Within a document {@code env} is read before
     * {@code includes}; a later definition of a name replaces an earlier one. Shape errors other than in
     * {@code env} and {@code includes} are left to {@link #readSections}; warnings found here again there are
     * reported once.
     */
    @Override
    void defineVariables(Path file, LoadContext context) {
        context.includes().within(file, null, null, () -> {
            readEnv(file, context);
            return null;
        });
    }

    private void readEnv(Path file, LoadContext context) {
        for (Node root : compose(file)) {
            if (!(root instanceof MappingNode top)) {
                continue;
            }
            for (NodeTuple entry : top.getValue()) {
                if (key(entry, file).equals("env")) {
                    env(entry.getValueNode(), file, context.variables());
                }
            }
            for (NodeTuple entry : top.getValue()) {
                if (!key(entry, file).equals("includes")) {
                    continue;
                }
                for (Node item : items(entry.getValueNode())) {
                    for (Path included : resolve(item, file, context)) {
                        context.includes().within(included, at(file, item), INCLUDES, () -> {
                            readEnv(included, context);
                            return null;
                        });
                    }
                }
            }
        }
    }

    /** One YAML document of {@code file}; a file may hold several ({@code ---}), read in order as Fluent Bit does. */
    private List<ConfigSection> readDocument(Node root, Path file, LoadContext context) {
        if (root instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag())) {
            return List.of(); // an empty document: a lone '---'
        }
        if (!(root instanceof MappingNode top)) {
            throw new ConfigException(at(file, root) + ": the top level must be a map; allowed keys: "
                    + String.join(", ", TOP_LEVEL));
        }
        for (NodeTuple entry : top.getValue()) {
            String key = key(entry, file);
            if (UnsupportedSections.REFUSED.containsKey(key)) {
                throw new ConfigException(at(file, entry.getKeyNode()) + ": '" + key + "' is not supported: "
                        + UnsupportedSections.REFUSED.get(key));
            }
            if (UnsupportedSections.SKIPPED.containsKey(key)) {
                context.warnings().add(at(file, entry.getKeyNode()) + ": '" + key + "' is ignored: "
                        + UnsupportedSections.SKIPPED.get(key));
                continue;
            }
            if (!TOP_LEVEL.contains(key)) {
                throw new ConfigException(at(file, entry.getKeyNode()) + ": unknown top-level key '" + key
                        + "'; allowed keys: " + String.join(", ", TOP_LEVEL));
            }
        }
        List<ConfigSection> sections = new ArrayList<>();
        for (NodeTuple entry : top.getValue()) {
            Node value = entry.getValueNode();
            switch (key(entry, file)) {
                case "includes" -> sections.addAll(includes(value, file, context));
                case "service" -> sections.add(section(SectionKind.SERVICE, value, "service", file, context));
                case "pipeline" -> sections.addAll(pipeline(value, file, context));
                case "parsers" -> sections.addAll(list(SectionKind.PARSER, value, "parsers", file, context));
                case "multiline_parsers" -> sections.addAll(
                        list(SectionKind.MULTILINE_PARSER, value, "multiline_parsers", file, context));
                default -> { } // env: read by defineVariables, before any file; skipped sections warned above
            }
        }
        return sections;
    }

    /** The documents of {@code file}, none for an empty file. */
    private static List<Node> compose(Path file) {
        String text = ConfigText.read(file);
        try {
            List<Node> documents = new ArrayList<>();
            new Yaml().composeAll(new StringReader(text)).forEach(documents::add);
            return documents;
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            SourceLocation where = new SourceLocation(file.toString(), mark == null ? 0 : mark.getLine() + 1);
            String column = mark == null ? "" : " at column " + (mark.getColumn() + 1);
            throw new ConfigException(where + ": invalid YAML" + column + ": " + problem(e, text), e);
        } catch (YAMLException e) {
            throw new ConfigException(file + ": invalid YAML: " + e.getMessage(), e);
        }
    }

    /**
     * SnakeYAML's description of the problem, with a hint for two usual slips: a line indented unlike its
     * siblings ("expected &lt;block end&gt;"), and an unquoted {@code *} (a Fluent Bit {@code Match *} copied
     * into YAML), which YAML reads as an alias and SnakeYAML reports as an "unexpected character": that one
     * names the line as written and says to quote the value.
     */
    private static String problem(MarkedYAMLException e, String text) {
        boolean alias = "while scanning an alias".equals(e.getContext())
                || (e.getProblem() != null && e.getProblem().startsWith("found undefined alias"));
        if (e.getProblem() != null && e.getProblem().startsWith("expected <block end>")) {
            return e.getProblem() + "; check the indentation of this line against the lines above: the keys of"
                    + " one map start in the same column";
        }
        if (!alias || e.getProblemMark() == null) {
            return e.getProblem();
        }
        String line = text.lines().skip(e.getProblemMark().getLine()).findFirst().orElse("").strip();
        return "'" + line + "': a value that starts with * is a YAML alias unless it is quoted; write it in"
                + " quotes, e.g. match: '*'";
    }

    private static void env(Node node, Path file, VariableExpander variables) {
        MappingNode map = mapping(node, file, "env", "a map of NAME: value");
        for (NodeTuple entry : map.getValue()) {
            if (!(entry.getValueNode() instanceof ScalarNode value)) {
                throw shape(entry.getValueNode(), file, "env", "a map of NAME: value");
            }
            SourceLocation where = at(file, value);
            variables.set(scalar(entry.getKeyNode(), file), variables.expand(text(value), where));
        }
    }

    private List<ConfigSection> includes(Node node, Path file, LoadContext context) {
        List<ConfigSection> out = new ArrayList<>();
        for (Node item : items(node)) {
            SourceLocation where = at(file, item);
            for (Path included : resolve(item, file, context)) {
                out.addAll(context.includes().within(included, where, INCLUDES, () -> {
                    context.includes().readOnce(included, where, INCLUDES);
                    return readSections(included, context);
                }));
            }
        }
        return out;
    }

    /** The items of an {@code includes} value: a list, or one path. */
    private static List<Node> items(Node node) {
        return node instanceof SequenceNode seq ? seq.getValue() : List.of(node);
    }

    /** The files one {@code includes} item names, in the order they are to be read. */
    private static List<Path> resolve(Node item, Path file, LoadContext context) {
        if (!(item instanceof ScalarNode path)) {
            throw shape(item, file, "includes", "a list of file paths");
        }
        SourceLocation where = at(file, item);
        String pattern = context.variables().expand(text(path), where);
        return context.includes().resolve(pattern, file, where, INCLUDES);
    }

    private static List<ConfigSection> pipeline(Node node, Path file, LoadContext context) {
        MappingNode map = mapping(node, file, "pipeline", "a map with inputs, filters and outputs");
        List<ConfigSection> out = new ArrayList<>();
        for (NodeTuple entry : map.getValue()) {
            String key = key(entry, file);
            SectionKind kind = PIPELINE.get(key);
            if (kind == null) {
                throw new ConfigException(at(file, entry.getKeyNode()) + ": unknown key '" + key
                        + "' in pipeline; allowed keys: inputs, filters, outputs");
            }
            out.addAll(list(kind, entry.getValueNode(), key, file, context));
        }
        return out;
    }

    private static List<ConfigSection> list(SectionKind kind, Node node, String what, Path file, LoadContext context) {
        if (!(node instanceof SequenceNode seq)) {
            throw shape(node, file, what, node instanceof MappingNode
                    ? "a list of maps, one per plugin; start each one with '- ', as in '- name: tail'"
                    : "a list of maps, one per plugin");
        }
        List<ConfigSection> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            out.add(section(kind, item, what, file, context));
        }
        return out;
    }

    private static ConfigSection section(SectionKind kind, Node node, String what, Path file, LoadContext context) {
        MappingNode map = mapping(node, file, what, kind == SectionKind.SERVICE ? "a map of key: value"
                : "a list of maps, one per plugin");
        SectionBuilder section = new SectionBuilder(kind, at(file, node), context.variables());
        for (NodeTuple entry : map.getValue()) {
            String key = scalar(entry.getKeyNode(), file);
            String refused = REFUSED_PLUGIN_KEYS.get(key.toLowerCase(Locale.ROOT));
            if (refused != null && PIPELINE.containsValue(kind)) {
                throw ConfigException.at(at(file, entry.getKeyNode()), section.build(),
                        "key '" + key + "' is not supported: " + refused);
            }
            if (kind == SectionKind.MULTILINE_PARSER && key.equalsIgnoreCase("rules")) {
                rules(section, entry.getValueNode(), file);
            } else {
                values(section, key, entry.getKeyNode(), entry.getValueNode(), file);
            }
        }
        return section.build();
    }

    /** A scalar becomes one entry, a list of scalars one entry per item. */
    private static void values(SectionBuilder section, String key, Node keyNode, Node value, Path file) {
        if (value instanceof ScalarNode scalar) {
            section.add(key, text(scalar), at(file, keyNode));
            return;
        }
        if (value instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode scalar)) {
                    throw nested(section, key, at(file, item));
                }
                section.add(key, text(scalar), at(file, item));
            }
            return;
        }
        throw nested(section, key, at(file, keyNode));
    }

    private static void rules(SectionBuilder section, Node node, Path file) {
        if (!(node instanceof SequenceNode seq)) {
            throw shape(node, file, "rules", "a list of {state, regex, next_state} maps");
        }
        for (Node item : seq.getValue()) {
            MappingNode rule = mapping(item, file, "rules", "a list of {state, regex, next_state} maps");
            SourceLocation where = at(file, item);
            Map<String, String> fields = new LinkedHashMap<>();
            for (NodeTuple entry : rule.getValue()) {
                String key = key(entry, file);
                if (!RULE_KEYS.contains(key)) {
                    throw ConfigException.at(at(file, entry.getKeyNode()), section.build(),
                            "rule key '" + key + "' is not allowed; a rule is {state, regex, next_state}");
                }
                if (!(entry.getValueNode() instanceof ScalarNode value)) {
                    throw ConfigException.at(at(file, entry.getKeyNode()), section.build(), "rule key '" + key
                            + "' holds a list or a map; state, regex and next_state are single values (several"
                            + " states go in one: state: 'cont, more')");
                }
                fields.put(key, text(value));
            }
            for (String required : RULE_KEYS) {
                if (!fields.containsKey(required)) {
                    throw ConfigException.at(where, section.build(),
                            "rule has no '" + required + "'; a rule is {state, regex, next_state}");
                }
            }
            section.add("rule", "\"" + fields.get("state") + "\" \"" + fields.get("regex") + "\" \""
                    + fields.get("next_state") + "\"", where);
        }
    }

    private static MappingNode mapping(Node node, Path file, String what, String expected) {
        if (node instanceof MappingNode map) {
            return map;
        }
        throw shape(node, file, what, expected);
    }

    private static String key(NodeTuple entry, Path file) {
        return scalar(entry.getKeyNode(), file).toLowerCase(Locale.ROOT);
    }

    private static String scalar(Node node, Path file) {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        throw new ConfigException(at(file, node) + ": a key must be a plain word, not a list or a map");
    }

    /** The scalar as written; a YAML null ({@code key:} or {@code ~}) is the empty string. */
    private static String text(ScalarNode node) {
        return Tag.NULL.equals(node.getTag()) ? "" : node.getValue();
    }

    private static ConfigException shape(Node node, Path file, String what, String expected) {
        return new ConfigException(at(file, node) + ": '" + what + "' must be " + expected);
    }

    private static ConfigException nested(SectionBuilder section, String key, SourceLocation where) {
        return ConfigException.at(where, section.build(),
                "key '" + key + "' holds a map; a value is a scalar or a list of scalars");
    }

    private static SourceLocation at(Path file, Node node) {
        return new SourceLocation(file.toString(), node.getStartMark().getLine() + 1);
    }
}
