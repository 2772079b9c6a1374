package dev.ferry.agent;

import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;

/**
 * A plugin the agent knows: its options table, how its typed configuration is made from a validated
 * section, and how the running plugin is made from that configuration.
 *
 * <p>Immutable.
 *
 * @param <C> the plugin's typed configuration ({@code TailConfig}, ...)
 * @param <P> what runs ({@code Input}, {@code Filter}, {@code Output})
 */
public record PluginType<C, P>(String kind, String name, OptionTable options, Configurer<C> configure,
                               Creator<C, P> create) {

    /** Makes the typed configuration; may look up parsers so unknown names fail at check time. */
    @FunctionalInterface
    public interface Configurer<C> {
        C configure(Options options, ParserRegistry parsers);
    }

    /** Makes the running plugin. */
    @FunctionalInterface
    public interface Creator<C, P> {
        P create(C config, PluginContext context) throws Exception;
    }
}
