package dev.ferry.pipeline.ring;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.spi.Parser;
import java.util.concurrent.atomic.LongAdder;

/**
 * How one input's lines become record fields: its parser (or none), and the keys it adds
 * ({@code Path_Key}, {@code Offset_Key}). Runs on the ring's parse stage. A line with an origin is hashed
 * first ({@link LogRecord#hashLine}), before any parser sees it.
 *
 * <p>A line the parser rejects is kept whole under {@code log} (Fluent Bit's key for unparsed lines),
 * with the parser's reason under {@value #PARSE_ERROR_KEY}, and is counted in {@link #parseErrors()}.
 * A line without a parser is kept whole under {@code log}.
 *
 * <p>Immutable apart from its counters; thread-safe (called from several ring threads at once).
 */
public final class LineDecoder {

    /** The key under which an unparsed line is kept. */
    public static final String LOG_KEY = "log";
    /** The key under which the reason a line did not parse is recorded. */
    public static final String PARSE_ERROR_KEY = "ferry_parse_error";

    private final Parser parser;
    private final String pathKey;
    private final String offsetKey;
    private final LongAdder parsed = new LongAdder();
    private final LongAdder parseErrors = new LongAdder();

    /**
     * @param parser the input's parser, or null to keep lines whole under {@code log}
     * @param pathKey the key for the file path ({@code Path_Key}), or null
     * @param offsetKey the key for the line's byte offset ({@code Offset_Key}), or null
     */
    public LineDecoder(Parser parser, String pathKey, String offsetKey) {
        this.parser = parser;
        this.pathKey = pathKey;
        this.offsetKey = offsetKey;
    }

    /**
     * Fills {@code record.fields()} from its line.
     *
     * @return false if the parser rejected the line (it is then kept whole under {@code log})
     */
    public boolean decode(LogRecord record) {
        if (record.origin() != null) {
            record.hashLine();
        }
        RecordFields f = record.fields();
        boolean ok = true;
        if (parser == null) {
            f.appendText(LOG_KEY, 0, record.lineLength());
        } else if (parser.parse(record)) {
            parsed.increment();
        } else {
            ok = false;
            parseErrors.increment();
            f.clear();
            f.appendText(LOG_KEY, 0, record.lineLength());
            f.append(PARSE_ERROR_KEY, record.parseError() != null ? record.parseError() : "parser " + parser.name() + " did not match");
        }
        if (pathKey != null && record.origin() != null) {
            f.put(pathKey, record.origin().path());
        }
        if (offsetKey != null) {
            f.put(offsetKey, record.offset());
        }
        return ok;
    }

    public Parser parser() {
        return parser;
    }

    /** Lines the parser accepted. */
    public long parsed() {
        return parsed.sum();
    }

    /** Lines the parser rejected (kept whole). */
    public long parseErrors() {
        return parseErrors.sum();
    }
}
