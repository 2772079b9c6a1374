package dev.ferry.pipeline.ring;

import dev.ferry.pipeline.record.TagPattern;
import dev.ferry.pipeline.spi.Output;

/**
 * A configured output with the tags it takes and the name it is known by in logs and metrics.
 *
 * @param name {@code Alias}, or the plugin name with its index ({@code file.0})
 * @param counters what the ring counts of this output (records flushed, failed attempts)
 */
public record OutputRoute(String name, TagPattern match, Output output, RouteCounters counters) {

    public OutputRoute(String name, TagPattern match, Output output) {
        this(name, match, output, new RouteCounters());
    }
}
