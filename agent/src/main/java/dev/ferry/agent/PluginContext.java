package dev.ferry.agent;

import dev.ferry.pipeline.config.Options;

/**
 * What a plugin needs from the agent when it is created: its instance name, its validated options (for
 * located errors), the parsers by name, and the service settings. Immutable.
 *
 * @param instanceName {@code Alias}, or the plugin name with its index among plugins of that kind
 *     ({@code tail.0})
 * @param index the plugin's index among the sections of its kind
 */
public record PluginContext(String instanceName, int index, Options options, ParserRegistry parsers,
                            ServiceConfig service) {
}
