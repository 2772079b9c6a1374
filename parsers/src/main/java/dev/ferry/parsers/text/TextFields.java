package dev.ferry.parsers.text;

import dev.ferry.pipeline.record.RecordFields;

/** How the text parsers add a value: as a span of the line, or converted by its {@code Types} entry. */
final class TextFields {

    private TextFields() {
    }

    /** Adds {@code line[start, start+len)} under {@code key}, converted when {@code type} says so. */
    static void add(RecordFields f, String key, byte[] line, int start, int len, FieldType type) {
        Object v = type == null ? null : type.convert(line, start, len);
        if (v != null) {
            f.append(key, v);
        } else {
            f.appendText(key, start, len);
        }
    }

    /** Adds {@code text} under {@code key}, converted when {@code type} says so. */
    static void add(RecordFields f, String key, String text, FieldType type) {
        Object v = type == null ? null : type.convert(text);
        f.append(key, v != null ? v : text);
    }
}
