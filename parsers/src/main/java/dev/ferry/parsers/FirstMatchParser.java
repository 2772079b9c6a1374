package dev.ferry.parsers;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Parser;
import java.util.List;

/**
 * Several parsers as one: the first that accepts the line gives its fields and time. If none does, the
 * parse fails with every parser's reason, in order. A line one parser accepts costs no more than the
 * failed attempts before it.
 *
 * <p>Thread-safe if the parsers are (each keeps its per-call state to itself, see {@link Parser}).
 */
public final class FirstMatchParser implements Parser {

    private final String name;
    private final Parser[] parsers;

    /**
     * @param name the name reasons are given under
     * @param parsers two or more parsers, in the order they are tried
     */
    public FirstMatchParser(String name, List<Parser> parsers) {
        if (parsers.size() < 2) {
            throw new IllegalArgumentException(name + ": a first-match parser needs two or more parsers");
        }
        this.name = name;
        this.parsers = parsers.toArray(new Parser[0]);
    }

    @Override
    public boolean parse(LogRecord record) {
        for (Parser p : parsers) {
            if (p.parse(record)) {
                record.parseError(null);
                return true;
            }
        }
        // None accepts it: parse again for each one's reason, rather than keep reasons on every line a
        // later parser accepts (a failed parse is rare, and parsers are deterministic).
        StringBuilder reasons = new StringBuilder("no parser of ").append(name).append(" accepts the line: ");
        for (int i = 0; i < parsers.length; i++) {
            parsers[i].parse(record);
            reasons.append(i == 0 ? "" : "; ").append(parsers[i].name()).append(": ").append(record.parseError());
        }
        record.parseError(reasons.toString());
        return false;
    }

    @Override
    public String name() {
        return name;
    }
}
