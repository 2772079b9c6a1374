package dev.ferry.pipeline.filter;

import dev.ferry.pipeline.record.RecordFields;

/**
 * Moves fields within a {@link RecordFields} while keeping each value in its form (a raw JSON or text span
 * of the line stays a span; nothing is decoded). {@code RecordFields} only appends and removes, so a move
 * is an append of a copy followed by a removal. Stateless; the caller owns the fields.
 */
public final class FieldOrder {

    private FieldOrder() {
    }

    /** Moves field {@code i} to the end. */
    public static void moveToEnd(RecordFields fields, int i) {
        fields.appendCopy(fields.key(i), fields, i);
        fields.removeAt(i);
    }

    /**
     * Moves the last field to position {@code to} (0-based), shifting the fields from {@code to} on
     * one place towards the end.
     */
    public static void moveLastTo(RecordFields fields, int to) {
        int n = fields.size() - 1;
        for (int k = to; k < n; k++) {
            moveToEnd(fields, to);
        }
    }
}
