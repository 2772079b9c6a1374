package dev.ferry.agent.config;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reader of Fluent Bit's classic configuration format:
 *
 * <pre>
 * # a comment: a line whose first character after the indentation is #
 * &#64;SET CLUSTER=prod
 * &#64;INCLUDE inputs/*.conf
 * [SERVICE]
 *     Flush        1
 *     Parsers_File parsers.conf
 * [FILTER]
 *     Name  modify
 *     Add   cluster ${CLUSTER}
 *     Add   host ${HOSTNAME}
 * </pre>
 *
 * A key is the first word of its line and its value the rest, trimmed; a {@code #} after a value is part of
 * the value, as in Fluent Bit ({@code Tag app # x} is the tag {@code app # x}). Keys may repeat (such as
 * {@code Add}); whether a key takes several values is the plugin's to say. {@code @SET} defines a variable
 * for {@code ${NAME}}, ahead of the environment; {@code Parsers_File} may repeat; relative {@code @INCLUDE}
 * and {@code Parsers_File} paths are found as described in {@link Includes}, and a glob reads every match,
 * sorted.
 *
 * <p>Section kinds are case-insensitive and must be one of {@link SectionKind}, or Fluent Bit's {@code [PLUGINS]},
 * skipped with its keys after a warning, or {@code [CUSTOM]}, refused with the reason ({@link
 * UnsupportedSections}, as in the YAML reader). Each file has its own current section, as in Fluent Bit
 * (flb_cf_fluentbit.c read_config): an included file's keys need a header in that file, and a key after an
 * {@code @INCLUDE} line belongs to the section open before it.
 * A file is included once per configuration: Fluent Bit refuses a file read twice (flb_cf_fluentbit.c keeps
 * the inode of every file read), and reading it again would run its plugins twice. Indentation is not
 * significant: Fluent Bit takes the first key line's indentation for the whole file and refuses a line indented
 * otherwise (check_indent: a key at column 0, a tab for spaces); ferry reads such a line as what it says.
 *
 * <p>An {@code @SET} holds for the whole configuration, wherever it is written, and the last {@code @SET} of a
 * name wins: values are expanded only once the file and everything it includes have been read, as in Fluent
 * Bit, whose reader only collects {@code @SET} lines and which runs them all before it applies any property
 * (src/config_format/flb_cf_fluentbit.c, src/flb_config.c {@code flb_config_load_config_format}). What is
 * read while the file is read, an {@code @INCLUDE} path and an {@code @SET} value, is expanded from the
 * variables set above it (Fluent Bit expands neither).
 *
 * <p>Immutable and thread-safe; see {@link FileConfigReader} for what every format shares.
 */
public final class ClassicConfigReader extends FileConfigReader {

    private static final String INCLUDE = "@INCLUDE";
    private static final String SET = "@SET";

    /** @param environment the process environment for {@code ${VAR}}, e.g. {@code System.getenv()} */
    public ClassicConfigReader(Map<String, String> environment) {
        super(environment);
    }

    @Override
    List<ConfigSection> readSections(Path file, LoadContext context) {
        List<SectionBuilder> sections = new ArrayList<>();
        collect(file, ConfigText.read(file), context, sections);
        return sections.stream().map(SectionBuilder::build).toList();
    }

    /**
     * Adds the sections of {@code file}, whose content is {@code text}, and of the files it includes, in order,
     * with values as written.
     */
    private void collect(Path file, String text, LoadContext context, List<SectionBuilder> sections) {
        List<String> lines = text.lines().toList();
        SectionBuilder current = null;
        boolean skipping = false;
        for (int i = 0; i < lines.size(); i++) {
            SourceLocation where = new SourceLocation(file.toString(), i + 1);
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                String name = headerName(line, where, context);
                skipping = skipped(name, where, context);
                current = skipping ? null : new SectionBuilder(kind(name, where), where, context.variables());
                if (current != null) {
                    sections.add(current);
                }
            } else if (line.startsWith("@")) {
                String[] directive = ConfigEntry.splitFirstWord(line);
                switch (directive[0].toUpperCase(Locale.ROOT)) {
                    case INCLUDE -> include(directive[1], where, context, sections);
                    case SET -> set(directive[1], where, context.variables());
                    default -> throw new ConfigException(where + ": unknown directive " + directive[0]
                            + "; allowed directives: " + INCLUDE + ", " + SET);
                }
            } else if (!skipping) {
                String[] keyValue = ConfigEntry.splitFirstWord(line);
                if (current == null) {
                    throw new ConfigException(where + ": key '" + keyValue[0] + "' is outside any section; put it under"
                            + " a section header, one of [" + SectionKind.allowed().replace(", ", "], [") + "]");
                }
                current.add(keyValue[0], keyValue[1], where);
            }
        }
    }

    /**
     * The name between the brackets of a header line. Fluent Bit reads a header up to its first {@code ]} and
     * ignores the rest of the line (flb_cf_fluentbit.c), so {@code [INPUT]  # app logs} is read too; text after
     * it other than a comment is also ignored, with a warning.
     */
    private static String headerName(String line, SourceLocation where, LoadContext context) {
        int end = line.indexOf(']');
        if (end < 0) {
            throw new ConfigException(where + ": section header '" + line + "' is not closed; write it as [KIND]");
        }
        String rest = line.substring(end + 1).strip();
        if (!rest.isEmpty() && !rest.startsWith("#")) {
            context.warnings().add(where + ": '" + rest + "' after the section header " + line.substring(0, end + 1)
                    + " is ignored, as Fluent Bit ignores it; a comment goes on its own line");
        }
        return line.substring(1, end).strip();
    }

    private static SectionKind kind(String name, SourceLocation where) {
        return SectionKind.parse(name).orElseThrow(() -> new ConfigException(
                where + ": unknown section [" + name + "]; allowed sections: " + SectionKind.allowed()));
    }

    /**
     * Whether the section {@code name} is one of Fluent Bit's that ferry skips, with its keys (after a warning).
     *
     * @throws ConfigException if it is one ferry refuses
     */
    private static boolean skipped(String name, SourceLocation where, LoadContext context) {
        String yamlName = UnsupportedSections.yamlName(name);
        if (yamlName == null) {
            return false;
        }
        String refused = UnsupportedSections.REFUSED.get(yamlName);
        if (refused != null) {
            throw new ConfigException(where + ": section [" + name + "] is not supported: " + refused);
        }
        context.warnings().add(where + ": section [" + name + "] is ignored, with its keys: "
                + UnsupportedSections.SKIPPED.get(yamlName));
        return true;
    }

    private void include(String rawPath, SourceLocation where, LoadContext context, List<SectionBuilder> sections) {
        if (rawPath.isEmpty()) {
            throw new ConfigException(where + ": " + INCLUDE + " needs a file path; write " + INCLUDE + " path/to/file.conf");
        }
        String pattern = context.variables().expand(rawPath, where);
        for (Path included : context.includes().resolveFromMain(pattern, context.mainDirectory(), where, INCLUDE)) {
            context.includes().within(included, where, INCLUDE, () -> {
                context.includes().readOnce(included, where, INCLUDE);
                collect(included, includedText(included, pattern, where), context, sections);
                return null;
            });
        }
    }

    /** The content of an included file; a file that cannot be read is an error at the include line. */
    private static String includedText(Path included, String pattern, SourceLocation where) {
        try {
            return ConfigText.read(included);
        } catch (ConfigException e) {
            throw new ConfigException(where + ": " + INCLUDE + " " + pattern + ": " + e.getMessage(), e);
        }
    }

    private static void set(String assignment, SourceLocation where, VariableExpander variables) {
        int eq = assignment.indexOf('=');
        if (eq <= 0 || assignment.substring(0, eq).isBlank()) {
            throw new ConfigException(where + ": " + SET + " needs KEY=VALUE; got '" + assignment + "'");
        }
        variables.set(assignment.substring(0, eq).strip(),
                variables.expand(assignment.substring(eq + 1).strip(), where));
    }
}
