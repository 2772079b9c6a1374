package dev.ferry.agent.source.replay;

import java.util.concurrent.atomic.LongAdder;

/** What a replay counts. Thread-safe; read at any time for progress and the summary. */
public final class ReplayCounters {

    final LongAdder files = new LongAdder();
    final LongAdder records = new LongAdder();
    final LongAdder bytesRead = new LongAdder();
    final LongAdder corruptSegments = new LongAdder();
    final LongAdder failedFiles = new LongAdder();
    final LongAdder longLinesSkipped = new LongAdder();
    final LongAdder cutLinesDropped = new LongAdder();
    final LongAdder multilineRecordsSplit = new LongAdder();

    /** Files (archive members) replayed. */
    public long files() {
        return files.sum();
    }

    /** Records handed to the ring (lines, or joined multiline records). */
    public long records() {
        return records.sum();
    }

    /** Uncompressed bytes read. */
    public long bytesRead() {
        return bytesRead.sum();
    }

    /** Segments that ended in corrupt or truncated data (what came before was shipped). */
    public long corruptSegments() {
        return corruptSegments.sum();
    }

    /** Files or sources that could not be read at all. */
    public long failedFiles() {
        return failedFiles.sum();
    }

    /** Lines longer than Buffer_Max_Size, skipped. */
    public long longLinesSkipped() {
        return longLinesSkipped.sum();
    }

    /** Unfinished last lines of segments that end in a cut: fragments, not shipped (their bytes are lost). */
    public long cutLinesDropped() {
        return cutLinesDropped.sum();
    }

    /**
     * Multiline records emitted early at {@code max_record_size}: one event arrives as two or more records;
     * nothing is lost.
     */
    public long multilineRecordsSplit() {
        return multilineRecordsSplit.sum();
    }
}
