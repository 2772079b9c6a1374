package dev.ferry.pipeline.filter.parser;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Parser;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only parser for lines of {@code k=v} pairs separated by single spaces. Values become text spans of
 * the line; a pair {@code time=N} sets the log time to N nanoseconds instead of becoming a field. Any
 * token without {@code =} fails the parse. Counts its calls.
 */
final class KeyValueTestParser implements Parser {

    private final String name;
    final AtomicInteger calls = new AtomicInteger();

    KeyValueTestParser(String name) {
        this.name = name;
    }

    @Override
    public boolean parse(LogRecord record) {
        calls.incrementAndGet();
        byte[] b = record.line();
        int n = record.lineLength();
        int i = 0;
        while (i < n) {
            int start = i;
            int eq = -1;
            while (i < n && b[i] != ' ') {
                if (eq < 0 && b[i] == '=') {
                    eq = i;
                }
                i++;
            }
            if (eq <= start) {
                record.fields().clear();
                record.parseError("no key=value at offset " + start);
                return false;
            }
            String key = new String(b, start, eq - start, java.nio.charset.StandardCharsets.UTF_8);
            if (key.equals("time")) {
                record.logTime(Long.parseLong(new String(b, eq + 1, i - eq - 1, java.nio.charset.StandardCharsets.UTF_8)));
            } else {
                record.fields().appendText(key, eq + 1, i - eq - 1);
            }
            i++;
        }
        return n > 0;
    }

    @Override
    public String name() {
        return name;
    }
}
