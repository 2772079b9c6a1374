package dev.ferry.agent.config;

import dev.ferry.pipeline.config.SourceLocation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code ${NAME}} expander shared by the classic and YAML readers. A name is looked up first among the
 * variables set by the configuration itself ({@code @SET} or YAML {@code env:}), then in the process
 * environment given at construction. An unset name expands to the empty string, as in Fluent Bit, but
 * adds the warning {@code file:line: variable ${NAME} is not set; using an empty value}.
 *
 * <p>Text without a closing brace, and a {@code $} not followed by {@code {}, are kept as written.
 * One instance serves one load on one thread; it is not thread-safe.
 */
final class VariableExpander {

    private final Map<String, String> environment;
    private final Map<String, String> variables = new HashMap<>();
    private final List<String> warnings;

    /**
     * @param environment the process environment, never modified
     * @param warnings where warnings are appended
     */
    VariableExpander(Map<String, String> environment, List<String> warnings) {
        this.environment = environment;
        this.warnings = warnings;
    }

    /** Sets a configuration variable; it hides an environment variable of the same name from now on. */
    void set(String name, String value) {
        variables.put(name, value);
    }

    /** {@code text} with every {@code ${NAME}} replaced; {@code where} is only used to place warnings. */
    String expand(String text, SourceLocation where) {
        int start = text.indexOf("${");
        if (start < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        while (start >= 0) {
            int end = text.indexOf('}', start + 2);
            if (end < 0) {
                break;
            }
            out.append(text, from, start).append(lookup(text.substring(start + 2, end), where));
            from = end + 1;
            start = text.indexOf("${", from);
        }
        return out.append(text, from, text.length()).toString();
    }

    private String lookup(String name, SourceLocation where) {
        String value = variables.get(name);
        if (value == null) {
            value = environment.get(name);
        }
        if (value == null) {
            warnings.add(where + ": variable ${" + name + "} is not set; using an empty value");
            return "";
        }
        return value;
    }
}
