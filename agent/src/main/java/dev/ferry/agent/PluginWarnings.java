package dev.ferry.agent;

import java.util.List;

/**
 * A plugin's typed configuration that has warnings of its own beyond its options table's (a value that
 * is valid but not acted on yet): {@link TopologyPlan} adds them to the plan's warnings, so that
 * {@code ferry check} prints them and {@code ferry run} logs them.
 */
public interface PluginWarnings {

    /** Located warnings ({@code file:line: [FILTER] name: ...}). */
    List<String> warnings();
}
