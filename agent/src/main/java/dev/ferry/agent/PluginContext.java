package dev.ferry.agent;

import dev.ferry.pipeline.config.Options;

/**
 * What a plugin needs from the agent when it is created: its instance name, its validated options (for
 * located errors), the parsers by name, and the service settings. Immutable.
 *
 * @param instanceName {@code Alias}, or the plugin name with its index among plugins of that kind
 *     ({@code tail.0})
 * @param index the plugin's index among the sections of its kind
 * @param replay whether {@code ferry replay} runs it (an output may then order and pace what it sends;
 *     see the Loki output)
 */
public record PluginContext(String instanceName, int index, Options options, ParserRegistry parsers,
                            ServiceConfig service, boolean replay) {
}
