package dev.ferry.agent.config;

import dev.ferry.pipeline.config.Configuration;
import java.util.List;

/**
 * A configuration as loaded, together with the warnings found while loading it (for example an unset
 * {@code ${VAR}}). The caller decides how to report the warnings; loading never logs them itself.
 * Immutable.
 *
 * @param configuration every section, in file order, {@code Parsers_File} sections last
 * @param warnings complete operator-facing sentences, each starting with {@code file:line:}, in the order found
 */
public record LoadedConfig(Configuration configuration, List<String> warnings) {

    public LoadedConfig {
        warnings = List.copyOf(warnings);
    }
}
