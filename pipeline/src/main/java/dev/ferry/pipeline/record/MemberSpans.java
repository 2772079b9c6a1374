package dev.ferry.pipeline.record;

import java.util.Arrays;

/**
 * Where the values of a JSON object's members lie in its bytes: for member {@code i}, the value starts at
 * {@link #start(int)} and ends just before {@link #end(int)}, offsets from the object's first byte, in member
 * order. {@link RecordFields#writeJson(ByteSink, MemberSpans)} reports them for what it writes, and
 * {@link RecordFields#splitAt} cuts the object at them again without scanning its values: the disk spool carries
 * them with each record, so its readers get fields without parsing the JSON a second time.
 *
 * <p>Reused: one per writer or reader thread. Not thread-safe.
 */
public final class MemberSpans {

    private int[] spans = new int[32];
    private int count;

    /** Number of members. */
    public int count() {
        return count;
    }

    public int start(int i) {
        return spans[2 * i];
    }

    public int end(int i) {
        return spans[2 * i + 1];
    }

    /** Empties the spans. */
    public void clear() {
        count = 0;
    }

    /** Appends the next member's value span. */
    public void add(int start, int end) {
        if (2 * count + 2 > spans.length) {
            spans = Arrays.copyOf(spans, spans.length * 2);
        }
        spans[2 * count] = start;
        spans[2 * count + 1] = end;
        count++;
    }
}
