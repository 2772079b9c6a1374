package dev.ferry.pipeline.filter.parser;

import dev.ferry.pipeline.filter.FieldOrder;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.spi.Filter;
import dev.ferry.pipeline.spi.Parser;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fluent Bit's {@code parser} filter: parses the string value of {@code Key_Name} with each parser in
 * turn and, with the first that succeeds, rebuilds the record's fields:
 * <ol>
 *   <li>the parsed fields, in the parser's order;</li>
 *   <li>with {@code Reserve_Data}, the record's other original fields, in order (a parsed key wins over
 *       an original field of the same name, so no key appears twice);</li>
 *   <li>with {@code Preserve_Key}, the original {@code Key_Name} field (unless a parsed key has its name).</li>
 * </ol>
 * If the parse found the log's own time, it becomes the record's time. A record whose key is absent, not
 * a string, or that no parser accepts is left as it was. Never drops a record.
 *
 * <p>Thread-safe: each ring thread parses into its own scratch {@link LogRecord}, so the parsers see the
 * usual parse contract (an empty record with the text as its line). Parsed values are copied into the
 * record as Java values, because they point into the scratch line. This is not an allocation-free path:
 * the text, its bytes and the parsed values are allocated per record.
 */
public final class ParserFilter implements Filter {

    private final String keyName;
    private final Parser[] parsers;
    private final boolean reserveData;
    private final boolean preserveKey;
    private final ThreadLocal<LogRecord> scratch = ThreadLocal.withInitial(LogRecord::new);

    /**
     * @param config the filter's configuration
     * @param parsers the parsers {@code config.parsers()} name, resolved, in the same order
     * @throws IllegalArgumentException if {@code parsers} is empty
     */
    public ParserFilter(ParserFilterConfig config, List<Parser> parsers) {
        if (parsers.isEmpty()) {
            throw new IllegalArgumentException("parser filter on key " + config.keyName() + " has no parser");
        }
        this.keyName = config.keyName();
        this.parsers = parsers.toArray(new Parser[0]);
        this.reserveData = config.reserveData();
        this.preserveKey = config.preserveKey();
    }

    @Override
    public boolean apply(LogRecord record) {
        RecordFields fields = record.fields();
        int keyIndex = fields.indexOf(keyName);
        if (keyIndex < 0 || !(fields.value(keyIndex) instanceof String text)) {
            return true;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        LogRecord parsed = scratch.get();
        if (!parse(parsed, bytes, record.tag())) {
            return true;
        }
        if (parsed.timeFromLog()) {
            record.logTime(parsed.timeNanos());
        }
        rebuild(fields, keyIndex, parsed.fields());
        return true;
    }

    private boolean parse(LogRecord parsed, byte[] bytes, String tag) {
        for (Parser p : parsers) {
            parsed.reset(bytes, 0, bytes.length);
            parsed.tag(tag);
            if (p.parse(parsed)) {
                return true;
            }
        }
        return false;
    }

    private void rebuild(RecordFields fields, int keyIndex, RecordFields parsed) {
        int originals = fields.size();
        for (int j = 0; j < parsed.size(); j++) {
            fields.appendCopy(parsed.key(j), parsed, j);
        }
        // The originals now sit in front of the parsed fields: move the kept ones behind them, in order.
        for (int i = 0; i < originals; i++) {
            boolean isKey = i == keyIndex;
            boolean keep = (isKey ? preserveKey : reserveData) && parsed.indexOf(fields.key(0)) < 0;
            if (keep) {
                FieldOrder.moveToEnd(fields, 0);
            } else {
                fields.removeAt(0);
            }
        }
    }
}
