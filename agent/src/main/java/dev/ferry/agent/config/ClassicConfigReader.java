package dev.ferry.agent.config;

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
 * # comment (may be indented)
 * &#64;SET    CLUSTER=prod              # a variable for ${CLUSTER}, ahead of the environment
 * &#64;INCLUDE inputs/*.conf            # relative to this file; globs read every match, sorted
 * [SERVICE]
 *     Flush        1
 *     Parsers_File parsers.conf      # may repeat; relative to the main file
 * [FILTER]
 *     Name  modify
 *     Add   cluster ${CLUSTER}       # key = first token, value = rest of the line
 *     Add   host ${HOSTNAME}         # keys may repeat
 * </pre>
 *
 * Section kinds are case-insensitive and must be one of {@link SectionKind}. An {@code @INCLUDE} ends
 * the current section: the included file starts its own, and a key after the include needs a new header.
 * Indentation is not significant. Immutable and thread-safe; see {@link FileConfigReader} for what every
 * format shares.
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
        List<ConfigSection> sections = new ArrayList<>();
        SectionBuilder current = null;
        List<String> lines = ConfigText.read(file).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            SourceLocation where = new SourceLocation(file.toString(), i + 1);
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                close(current, sections);
                current = new SectionBuilder(header(line, where), where, context.variables());
            } else if (line.startsWith("@")) {
                String[] directive = splitFirst(line);
                switch (directive[0].toUpperCase(Locale.ROOT)) {
                    case INCLUDE -> {
                        close(current, sections);
                        current = null;
                        sections.addAll(include(directive[1], file, where, context));
                    }
                    case SET -> set(directive[1], where, context.variables());
                    default -> throw new ConfigException(where + ": unknown directive " + directive[0]
                            + "; allowed directives: " + INCLUDE + ", " + SET);
                }
            } else {
                String[] keyValue = splitFirst(line);
                if (current == null) {
                    throw new ConfigException(where + ": key '" + keyValue[0] + "' is outside any section; put it under"
                            + " a section header, one of [" + SectionKind.allowed().replace(", ", "], [") + "]");
                }
                current.add(keyValue[0], keyValue[1], where);
            }
        }
        close(current, sections);
        return sections;
    }

    private static SectionKind header(String line, SourceLocation where) {
        if (!line.endsWith("]")) {
            throw new ConfigException(where + ": section header '" + line + "' is not closed; write it as [KIND]");
        }
        String name = line.substring(1, line.length() - 1).strip();
        return SectionKind.parse(name).orElseThrow(() -> new ConfigException(
                where + ": unknown section [" + name + "]; allowed sections: " + SectionKind.allowed()));
    }

    private List<ConfigSection> include(String rawPath, Path file, SourceLocation where, LoadContext context) {
        if (rawPath.isEmpty()) {
            throw new ConfigException(where + ": " + INCLUDE + " needs a file path; write " + INCLUDE + " path/to/file.conf");
        }
        String pattern = context.variables().expand(rawPath, where);
        List<ConfigSection> out = new ArrayList<>();
        for (Path included : context.includes().resolve(pattern, file, where, INCLUDE)) {
            out.addAll(context.includes().within(included, where, INCLUDE, () -> readSections(included, context)));
        }
        return out;
    }

    private static void set(String assignment, SourceLocation where, VariableExpander variables) {
        int eq = assignment.indexOf('=');
        if (eq <= 0 || assignment.substring(0, eq).isBlank()) {
            throw new ConfigException(where + ": " + SET + " needs KEY=VALUE; got '" + assignment + "'");
        }
        variables.set(assignment.substring(0, eq).strip(),
                variables.expand(assignment.substring(eq + 1).strip(), where));
    }

    private static void close(SectionBuilder current, List<ConfigSection> sections) {
        if (current != null) {
            sections.add(current.build());
        }
    }

    /** {@code [first token, rest of the line stripped]}; the rest is empty if there is only one token. */
    private static String[] splitFirst(String line) {
        int space = 0;
        while (space < line.length() && !Character.isWhitespace(line.charAt(space))) {
            space++;
        }
        return new String[] {line.substring(0, space), line.substring(space).strip()};
    }
}
