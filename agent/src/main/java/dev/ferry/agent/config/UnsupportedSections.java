package dev.ferry.agent.config;

import java.util.Locale;
import java.util.Map;

/**
 * Fluent Bit sections ferry has no counterpart for, and why, shared by both readers so that a section is
 * judged, and worded, once: refused when skipping it would change what is shipped, else skipped with a
 * warning. Keys are the YAML names; {@link #yamlName} maps a classic header onto them. Stateless.
 */
final class UnsupportedSections {

    /**
     * Sections ferry skips with a warning: whatever would use them is refused on its own (a plugin from a
     * {@code .so} is an unknown plugin, an output's {@code Upstream} an unknown key), so skipping the section
     * itself changes nothing that is shipped.
     */
    static final Map<String, String> SKIPPED = Map.of(
            "plugins", "ferry cannot load Fluent Bit plugin libraries (.so); a pipeline entry naming one of"
                    + " their plugins is refused as an unknown plugin",
            "upstream_servers", "ferry's outputs send to the Host each one names; an output's Upstream key is"
                    + " refused as an unknown key");

    /** Sections ferry refuses: skipping them would stop what they do. */
    static final Map<String, String> REFUSED = Map.of(
            "customs", "ferry has no custom plugins (such as calyptia), and skipping them would stop what they"
                    + " send; remove the section",
            "stream_processor", "ferry has no stream processor, and skipping it would drop the records its"
                    + " tasks create; remove the section");

    /** The classic headers that name one of these sections, by their YAML name. */
    private static final Map<String, String> CLASSIC = Map.of("CUSTOM", "customs", "PLUGINS", "plugins");

    private UnsupportedSections() {}

    /** The YAML name of the section a classic header such as {@code CUSTOM} names, or null if none of these. */
    static String yamlName(String classicHeader) {
        return CLASSIC.get(classicHeader.strip().toUpperCase(Locale.ROOT));
    }
}
