package dev.ferry.agent.kubernetes;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.spi.Parser;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code Merge_Log} of the kubernetes filter, as Fluent Bit's pack_map_content does it: the record's
 * {@code log} field, when it is a string that {@code Merge_Parser} (or, without one, JSON as one object)
 * parses, or when it is already an object, has its members added to the record after its fields, or
 * under {@code Merge_Log_Key} as one object. {@code Keep_Log Off} removes {@code log} once merged; a log
 * that does not parse stays as it was. With {@code Merge_Log_Trim}, string members lose trailing
 * newlines and trailing {@code \n}/{@code \r} escapes. The time a {@code Merge_Parser} (or a pod's
 * {@code fluentbit.io/parser}) finds becomes the record's time; JSON leaves the time alone.
 *
 * <p>Differs from Fluent Bit in one way: a merged member whose name the record already has replaces that
 * field in place, where Fluent Bit writes the name twice.
 *
 * <p>Thread-safe: the parse goes into a scratch record per thread; merged values are copied out of it.
 */
final class KubeLogMerger {

    private final Parser parser;
    private final boolean parserTime;
    private final String mergeKey;
    private final boolean keepLog;
    private final boolean trim;
    private final ThreadLocal<LogRecord> scratch = ThreadLocal.withInitial(LogRecord::new);

    /**
     * @param parser the parser for the log text: Merge_Parser's, or a JSON parser
     * @param parserTime whether the time the parser finds becomes the record's (Merge_Parser)
     */
    KubeLogMerger(Parser parser, boolean parserTime, String mergeKey, boolean keepLog, boolean trim) {
        this.parser = parser;
        this.parserTime = parserTime;
        this.mergeKey = mergeKey;
        this.keepLog = keepLog;
        this.trim = trim;
    }

    /** Merges the record's {@code log} field, if it has one that merges. */
    void merge(LogRecord record) {
        merge(record, null);
    }

    /**
     * Merges the record's {@code log} field with {@code annotated} (a pod's {@code fluentbit.io/parser}, whose
     * time becomes the record's) instead of the configured parser when not null.
     */
    void merge(LogRecord record, Parser annotated) {
        RecordFields fields = record.fields();
        int i = fields.indexOf("log");
        if (i < 0) {
            return;
        }
        Object log = fields.value(i);
        Map<String, Object> members;
        if (log instanceof Map<?, ?> m) {
            members = new LinkedHashMap<>();
            m.forEach((k, v) -> members.put(String.valueOf(k), v));
        } else if (log instanceof String text) {
            members = annotated != null ? parse(record, text, annotated, true) : parse(record, text, parser, parserTime);
            if (members == null) {
                return;
            }
            if (trim) {
                members.replaceAll((k, v) -> v instanceof String s ? trimmed(s) : v);
            }
        } else {
            return;
        }
        if (!keepLog) {
            fields.removeAt(i);
        }
        if (mergeKey != null) {
            if (!members.isEmpty()) {
                fields.put(mergeKey, members);
            }
        } else {
            members.forEach(fields::put);
        }
    }

    private Map<String, Object> parse(LogRecord record, String text, Parser parser, boolean parserTime) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        LogRecord parsed = scratch.get();
        parsed.reset(bytes, 0, bytes.length);
        parsed.tag(record.tag());
        if (!parser.parse(parsed)) {
            return null;
        }
        if (parserTime && parsed.timeFromLog()) {
            record.logTime(parsed.timeNanos());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        RecordFields f = parsed.fields();
        for (int j = 0; j < f.size(); j++) {
            out.put(f.key(j), f.value(j));
        }
        return out;
    }

    /** Fluent Bit's value_trim_size: drops trailing newlines and trailing backslash-n / backslash-r pairs. */
    static String trimmed(String s) {
        int size = s.length();
        for (int i = size - 1; i > 0; i--) {
            char c = s.charAt(i);
            if (c == '\n') {
                size--;
                continue;
            }
            if (s.charAt(i - 1) == '\\' && (c == 'n' || c == 'r')) {
                size -= 2;
                i--;
            } else {
                break;
            }
        }
        return size == s.length() ? s : s.substring(0, size);
    }
}
