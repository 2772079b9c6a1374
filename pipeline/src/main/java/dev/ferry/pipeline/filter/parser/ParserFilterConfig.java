package dev.ferry.pipeline.filter.parser;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration of one {@code parser} filter. The parsers are named here; whoever builds the filter
 * resolves the names to {@link dev.ferry.pipeline.spi.Parser} instances (and reports unknown names).
 * Immutable.
 *
 * @param keyName the field whose text is parsed ({@code Key_Name})
 * @param parsers the parser names in the order written; the first that succeeds wins
 * @param reserveData whether the record's other fields are kept next to the parsed ones
 * @param preserveKey whether the parsed field itself is kept
 */
public record ParserFilterConfig(String keyName, List<String> parsers, boolean reserveData, boolean preserveKey) {

    public static final OptionTable OPTIONS = new OptionTable("FILTER", "parser", List.of(
            OptionSpec.string("Name", "The filter plugin: parser").asRequired(),
            OptionSpec.string("Key_Name", "The field whose value is parsed").asRequired(),
            OptionSpec.string("Parser", "A parser name ([PARSER] Name or a built-in); repeat for several, the "
                    + "first that succeeds wins").asRequired().asRepeatable(),
            OptionSpec.bool("Reserve_Data", false, "Keep the record's other fields next to the parsed ones"),
            OptionSpec.bool("Preserve_Key", false, "Keep the parsed field itself"),
            OptionSpec.ignoredOption("Unescape_Key", "values are parsed as the decoded strings they are")));

    public ParserFilterConfig {
        parsers = List.copyOf(parsers);
    }

    /** Builds the configuration from a section bound to {@link #OPTIONS} (plus the common filter keys). */
    public static ParserFilterConfig from(Options o) {
        List<String> parsers = new ArrayList<>();
        for (ConfigEntry e : o.section().entries()) {
            if (e.is("Parser")) {
                String name = e.value().strip();
                if (name.isEmpty()) {
                    throw o.error(e, "'Parser' needs a parser name");
                }
                parsers.add(name);
            }
        }
        String key = o.string("Key_Name");
        if (key.isEmpty()) {
            throw o.error("Key_Name", "'Key_Name' needs a key");
        }
        return new ParserFilterConfig(key, parsers, o.bool("Reserve_Data"), o.bool("Preserve_Key"));
    }
}
