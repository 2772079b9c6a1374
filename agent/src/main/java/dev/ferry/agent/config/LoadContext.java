package dev.ferry.agent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The state of one load of one configuration, shared by every file it reads (main file, includes,
 * parsers files): the main file's directory, the variables set so far, the files open, and the warnings found.
 * Created per load, used on one thread, then dropped.
 */
final class LoadContext {

    private final Map<String, String> environment;
    private final Path mainDirectory;
    private final List<String> warnings = new ArrayList<>();
    private final VariableExpander variables;
    private final Includes includes = new Includes(warnings);

    /** @param mainDirectory what relative classic includes and parsers files are found in after the working directory */
    LoadContext(Map<String, String> environment, Path mainDirectory) {
        this.environment = environment;
        this.mainDirectory = mainDirectory;
        this.variables = new VariableExpander(environment, warnings);
    }

    /** The process environment this load expands {@code ${VAR}} from. */
    Map<String, String> environment() {
        return environment;
    }

    /** The main configuration file's directory (symbolic links resolved), or the working directory for flags. */
    Path mainDirectory() {
        return mainDirectory;
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
