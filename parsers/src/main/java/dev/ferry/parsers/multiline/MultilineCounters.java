package dev.ferry.parsers.multiline;

/**
 * What one {@link MultilineAssembler} has done since it was made.
 *
 * <p>Written by the assembler's thread only, with plain fields: read them on that thread (or publish
 * them from it); another thread may see stale values.
 */
public final class MultilineCounters {

    long lines;
    long records;
    long joinedLines;
    long timeouts;
    long oversize;

    /** Lines accepted. */
    public long lines() {
        return lines;
    }

    /** Records emitted (a line that joined nothing is a record of its own). */
    public long records() {
        return records;
    }

    /** Lines appended to a record another line started: {@code lines() - joinedLines()} lines began records. */
    public long joinedLines() {
        return joinedLines;
    }

    /** Records emitted because no line came for {@code Flush_Timeout}. */
    public long timeouts() {
        return timeouts;
    }

    /**
     * Records emitted early because the next line would take them past {@code max_record_size} (or one
     * line alone is larger); the following lines go on in a new record, so nothing is lost.
     */
    public long oversize() {
        return oversize;
    }

    /** Adds {@code other}'s counts to these. */
    void add(MultilineCounters other) {
        lines += other.lines;
        records += other.records;
        joinedLines += other.joinedLines;
        timeouts += other.timeouts;
        oversize += other.oversize;
    }

    @Override
    public String toString() {
        return "lines=" + lines + " records=" + records + " joined_lines=" + joinedLines + " timeouts=" + timeouts
                + " oversize=" + oversize;
    }
}
