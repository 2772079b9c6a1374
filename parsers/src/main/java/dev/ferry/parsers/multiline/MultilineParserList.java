package dev.ferry.parsers.multiline;

import dev.ferry.parsers.FirstMatchParser;
import dev.ferry.parsers.multiline.MultilineParserConfig.Mode;
import dev.ferry.pipeline.spi.Parser;
import java.util.ArrayList;
import java.util.List;

/**
 * The multiline parsers of one input, in the order {@code multiline.parser} lists them (a comma list,
 * or the key repeated, as Fluent Bit takes it): one file's line goes to the first that takes it
 * ({@link FirstClaimMultilineAssembler}); with one parser, to that one.
 *
 * <p>The container formats ({@code cri}, {@code docker}) give records their own fields and time
 * ({@link #recordParser()}); the rule-based parsers give text. The two kinds cannot be listed together:
 * the records of one input are read by one parser, and which kind joined a record is not known when it
 * is read. Immutable and thread-safe.
 *
 * @param parsers one or more, no name twice
 */
public record MultilineParserList(List<MultilineParserConfig> parsers) {

    public MultilineParserList {
        parsers = List.copyOf(parsers);
        if (parsers.isEmpty()) {
            throw new IllegalArgumentException("a multiline parser list needs at least one parser");
        }
        List<String> containers = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        for (MultilineParserConfig c : parsers) {
            (c.mode() == Mode.REGEX ? rules : containers).add(c.name());
        }
        if (!containers.isEmpty() && !rules.isEmpty()) {
            throw new IllegalArgumentException("multiline.parser lists container formats (" + String.join(", ", containers)
                    + ") with rule-based parsers (" + String.join(", ", rules) + "); ferry reads the records of one input "
                    + "either as container lines or as text: list only " + String.join(", ", containers)
                    + " for container logs, or give the other files an input of their own");
        }
    }

    /** One parser. */
    public static MultilineParserList of(MultilineParserConfig parser) {
        return new MultilineParserList(List.of(parser));
    }

    /** A new assembler for one file. */
    public MultilineAssembler newAssembler() {
        if (parsers.size() == 1) {
            return MultilineAssembler.create(parsers.get(0));
        }
        PendingRecordAssembler[] parts = new PendingRecordAssembler[parsers.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = (PendingRecordAssembler) MultilineAssembler.create(parsers.get(i));
        }
        return new FirstClaimMultilineAssembler(parts);
    }

    /**
     * The parser of the records when the list holds container formats (the first that accepts a record,
     * in list order), or null for rule-based parsers, whose records are text for the input's own
     * {@code Parser}.
     */
    public Parser recordParser() {
        List<Parser> out = new ArrayList<>();
        for (MultilineParserConfig c : parsers) {
            Parser p = BuiltinMultilineParsers.recordParser(c.mode());
            if (p != null) {
                out.add(p);
            }
        }
        return switch (out.size()) {
            case 0 -> null;
            case 1 -> out.get(0);
            default -> new FirstMatchParser("multiline.parser " + names(), out);
        };
    }

    /** The names, comma-separated, as configured. */
    public String names() {
        return String.join(", ", parsers.stream().map(MultilineParserConfig::name).toList());
    }

    /**
     * The parsers' {@code max_record_size} in bytes, for a log line: the number when they all have the same
     * (always so with one parser), else {@code name=bytes} for each, comma-separated.
     */
    public String maxRecordSizes() {
        long first = parsers.get(0).maxRecordSize();
        if (parsers.stream().allMatch(c -> c.maxRecordSize() == first)) {
            return Long.toString(first);
        }
        return String.join(",", parsers.stream().map(c -> c.name() + "=" + c.maxRecordSize()).toList());
    }
}
