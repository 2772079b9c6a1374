package dev.ferry.pipeline.config;

import java.util.List;

/**
 * A whole configuration as loaded from a Fluent Bit classic or YAML file (with its includes and parsers
 * files), before any plugin has validated its keys. Sections are in file order.
 *
 * @param origin the main file the configuration was loaded from
 * @param sections every section, including {@code [PARSER]} and {@code [MULTILINE_PARSER]} ones from
 *     {@code Parsers_File} files
 */
public record Configuration(String origin, List<ConfigSection> sections) {

    public Configuration {
        sections = List.copyOf(sections);
    }

    /** The sections of one kind ({@code INPUT}, {@code FILTER}, ...), in file order. */
    public List<ConfigSection> sections(String kind) {
        return sections.stream().filter(s -> s.kind().equalsIgnoreCase(kind)).toList();
    }
}
