package dev.ferry.parsers.text;

import dev.ferry.pipeline.config.SlashedRegex;
import dev.ferry.pipeline.regex.RubyRegex;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a regex as a configuration writes it ({@code [PARSER] Regex}, a {@code [MULTILINE_PARSER]}
 * rule's regex): bare or {@code /pattern/flags}, split by {@link SlashedRegex}, the pattern translated
 * by {@link RubyRegex} with the flags as {@link java.util.regex.Pattern} flags. Stateless.
 */
public final class ConfiguredRegex {

    private ConfiguredRegex() {
    }

    /**
     * Compiles {@code written}.
     *
     * @throws PatternSyntaxException as {@link RubyRegex#compile} reports it, with
     *     {@link PatternSyntaxException#getPattern()} the pattern without slashes and flags and the index
     *     relative to it
     */
    public static RubyRegex compile(String written) {
        SlashedRegex split = SlashedRegex.parse(written);
        try {
            return RubyRegex.compile(split.pattern(), split.javaFlags());
        } catch (PatternSyntaxException e) {
            throw new PatternSyntaxException(e.getDescription(), split.pattern(), e.getIndex());
        }
    }
}
