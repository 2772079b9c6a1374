package dev.ferry.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The state of one load of one configuration, shared by every file it reads (main file, includes,
 * parsers files): the variables set so far, the files open, and the warnings found.
 * Created per load, used on one thread, then dropped.
 */
final class LoadContext {

    private final Map<String, String> environment;
    private final List<String> warnings = new ArrayList<>();
    private final VariableExpander variables;
    private final Includes includes = new Includes(warnings);

    LoadContext(Map<String, String> environment) {
        this.environment = environment;
        this.variables = new VariableExpander(environment, warnings);
    }

    /** The process environment this load expands {@code ${VAR}} from. */
    Map<String, String> environment() {
        return environment;
    }

    VariableExpander variables() {
        return variables;
    }

    Includes includes() {
        return includes;
    }

    /** The warnings so far, in the order found; the live list. */
    List<String> warnings() {
        return warnings;
    }
}
