package dev.ferry.pipeline.record;

/**
 * Where records come from: one file (or one stream) of an input, seen from the pipeline.
 *
 * <p>The last stage of the ring calls {@link #acknowledge(long)} from its single thread, after the
 * outputs have taken every record up to that offset (flushed at the end of a ring batch), in offset
 * order. The input persists that position (its DB), so a restart resumes after what was handed on.
 */
public interface RecordOrigin {

    /** The path as the input found it; written into records by {@code Path_Key}. */
    String path();

    /**
     * Where the data is, for log lines: {@link #path()}, unless the input knows better (a file of {@code ferry
     * replay} as it was given, or {@code archive!member}, where its records' path is the member's own).
     */
    default String location() {
        return path();
    }

    /**
     * A stable identity of the data (not of the path): the same bytes keep the same identity across
     * renames, restarts and compression, so document ids derived from it are stable.
     */
    String id();

    /** Everything before {@code nextOffset} (an offset into the uncompressed stream) was handed on. */
    void acknowledge(long nextOffset);
}
