package dev.ferry.pipeline.ring;

import dev.ferry.pipeline.record.TagPattern;
import dev.ferry.pipeline.spi.Filter;

/**
 * A configured filter with the tags it takes and the name it is known by in logs and metrics.
 *
 * @param name {@code Alias}, or the plugin name with its index ({@code modify.0})
 */
public record FilterRoute(String name, TagPattern match, Filter filter) {
}
