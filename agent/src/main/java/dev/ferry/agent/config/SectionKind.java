package dev.ferry.agent.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The section kinds a configuration may hold, as {@link dev.ferry.pipeline.config.ConfigSection#kind()} spells them. */
enum SectionKind {
    SERVICE, INPUT, FILTER, OUTPUT, PARSER, MULTILINE_PARSER;

    /** The kind named by {@code text}, case-insensitive; empty if there is none. */
    static Optional<SectionKind> parse(String text) {
        String upper = text.strip().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.name().equals(upper)).findFirst();
    }

    /** All kinds for an error message: {@code SERVICE, INPUT, ...}. */
    static String allowed() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
