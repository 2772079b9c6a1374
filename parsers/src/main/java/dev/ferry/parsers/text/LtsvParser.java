package dev.ferry.parsers.text;

import dev.ferry.parsers.time.TimeField;
import dev.ferry.parsers.time.TimeFormat;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.spi.Parser;
import java.util.Map;

/**
 * The {@code Format ltsv} parser (Labeled Tab-separated Values): {@code label:value} fields separated
 * by tabs; the label ends at the first {@code ':'} and the value runs to the next tab. A field without
 * a {@code ':'} or with an empty label is skipped. Values stay spans of the line; Types apply;
 * {@code Time_Key} works as in {@link RegexParser}; with {@code Skip_Empty_Values} an empty value is left
 * out.
 *
 * <p>A line with no field at all: false, with {@code parseError("no label:value fields in line (parser NAME)")}.
 *
 * <p>Stateless and thread-safe.
 */
public final class LtsvParser implements Parser {

    private final String name;
    private final Map<String, FieldType> types;
    private final TimeField time;
    private final boolean skipEmpty;
    private final String noFields;

    public LtsvParser(String name, Map<String, FieldType> types, TimeField time, boolean skipEmpty) {
        this.name = name;
        this.types = Map.copyOf(types);
        this.time = time;
        this.skipEmpty = skipEmpty;
        this.noFields = "no label:value fields in line (parser " + name + ")";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean parse(LogRecord record) {
        byte[] s = record.line();
        int end = record.lineLength();
        RecordFields f = record.fields();
        int found = 0;
        int i = 0;
        while (i <= end) {
            int fieldEnd = i;
            while (fieldEnd < end && s[fieldEnd] != '\t') {
                fieldEnd++;
            }
            int colon = i;
            while (colon < fieldEnd && s[colon] != ':') {
                colon++;
            }
            if (colon > i && colon < fieldEnd) {
                found++;
                String key = f.decodeText(i, colon - i);
                int vStart = colon + 1;
                int vLen = fieldEnd - vStart;
                if (!(skipEmpty && vLen == 0)) {
                    add(record, f, key, s, vStart, vLen);
                }
            }
            i = fieldEnd + 1;
        }
        if (found == 0) {
            f.clear();
            record.parseError(noFields);
            return false;
        }
        return true;
    }

    private void add(LogRecord record, RecordFields f, String key, byte[] s, int start, int len) {
        if (time != null && len > 0 && key.equals(time.key())) {
            long nanos = time.read(s, start, len);
            if (nanos != TimeFormat.NO_TIME) {
                record.logTime(nanos);
                if (time.removesField()) {
                    return;
                }
            }
        }
        TextFields.add(f, key, s, start, len, types.get(key));
    }
}
