package dev.ferry.outputs.file;

import dev.ferry.outputs.RecordEncoder;
import dev.ferry.outputs.TimeText;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@code Template} of the file output's {@code template} format, such as
 * {@code {time} {message}}: {@code {time}} becomes the record time as C's {@code %f} of epoch seconds
 * ({@code 1704103200.123457}), {@code {key}} the value of the record's top-level field {@code key}
 * (a string as its raw text, anything else as msgpack-c prints it), and a placeholder whose field is
 * missing stays as written. Like Fluent Bit, a {@code {} inside an open placeholder restarts it
 * ({@code {a{b}} keeps {@code {a} literally) and an unclosed {@code {} is kept literally.
 *
 * <p>Immutable and thread-safe; {@link #write} uses the caller's (non-thread-safe) encoder.
 */
public final class FileTemplate {

    private static final int LITERAL = 0;
    private static final int TIME = 1;
    private static final int FIELD = 2;

    private final String source;
    private final int[] kinds;
    private final byte[][] literals;
    private final String[] keys;

    private FileTemplate(String source, List<Integer> kinds, List<byte[]> literals, List<String> keys) {
        this.source = source;
        this.kinds = kinds.stream().mapToInt(Integer::intValue).toArray();
        this.literals = literals.toArray(new byte[0][]);
        this.keys = keys.toArray(new String[0]);
    }

    /** Compiles {@code template}; every text is a valid template. */
    public static FileTemplate compile(String template) {
        List<Integer> kinds = new ArrayList<>();
        List<byte[]> literals = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int open = -1;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '{') {
                if (open >= 0) {
                    literal.append(template, open, i);
                }
                open = i;
            } else if (c == '}' && open >= 0) {
                String key = template.substring(open + 1, i);
                if (literal.length() > 0) {
                    add(kinds, literals, keys, LITERAL, literal.toString(), null);
                    literal.setLength(0);
                }
                add(kinds, literals, keys, key.equals("time") ? TIME : FIELD, "{" + key + "}", key);
                open = -1;
            } else if (open < 0) {
                literal.append(c);
            }
        }
        if (open >= 0) {
            literal.append(template, open, template.length());
        }
        if (literal.length() > 0) {
            add(kinds, literals, keys, LITERAL, literal.toString(), null);
        }
        return new FileTemplate(template, kinds, literals, keys);
    }

    private static void add(List<Integer> kinds, List<byte[]> literals, List<String> keys, int kind,
            String text, String key) {
        kinds.add(kind);
        literals.add(text.getBytes(StandardCharsets.UTF_8));
        keys.add(key);
    }

    /** Writes the template filled from {@code record} (without a newline). */
    public void write(LogRecord record, RecordEncoder encoder, ByteSink out) {
        RecordFields fields = record.fields();
        for (int s = 0; s < kinds.length; s++) {
            switch (kinds[s]) {
                case TIME -> TimeText.writeFixed6(out, record.timeNanos());
                case FIELD -> {
                    int i = fields.indexOf(keys[s]);
                    if (i < 0) {
                        out.write(literals[s]);
                    } else {
                        encoder.writeValueText(fields, i, false, out);
                    }
                }
                default -> out.write(literals[s]);
            }
        }
    }

    @Override
    public String toString() {
        return source;
    }
}
