package dev.ferry.outputs.discard;

import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import java.util.List;

/**
 * Settings of the {@code null} output ({@code [OUTPUT] Name null}): it has none of its own. Immutable.
 */
public record NullConfig() {

    public static final OptionTable OPTIONS = new OptionTable("OUTPUT", "null", List.of(
            OptionSpec.string("Name", "The output plugin: null.").asRequired()));

    /** Builds the settings from a section bound to {@link #OPTIONS}. */
    public static NullConfig from(Options o) {
        return new NullConfig();
    }
}
