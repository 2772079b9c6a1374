package dev.ferry.agent.source.tail;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one tail input, for metrics and tests. Thread-safe: the input's thread increments,
 * anyone reads. Every value only grows.
 */
public final class TailCounters {

    private final LongAdder linesRead = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder longLinesSkipped = new LongAdder();
    private final LongAdder filesOpened = new LongAdder();
    private final LongAdder rotations = new LongAdder();
    private final LongAdder truncations = new LongAdder();
    private final LongAdder lostBytes = new LongAdder();
    private final LongAdder lostLines = new LongAdder();
    private final LongAdder wrapCountsRecorded = new LongAdder();
    private final LongAdder corruptSegments = new LongAdder();
    private final LongAdder segmentsOpened = new LongAdder();
    private final LongAdder lateWrites = new LongAdder();
    private final LongAdder positionsNotFound = new LongAdder();
    private final LongAdder multilineRecordsSplit = new LongAdder();

    /**
     * Lines read and handed on (empty lines dropped by Skip_Empty_Lines and long lines not counted): one per
     * line also when a multiline parser joins several into one record.
     */
    public long linesRead() {
        return linesRead.sum();
    }

    /** Bytes read from files. */
    public long bytesRead() {
        return bytesRead.sum();
    }

    /** Lines longer than Buffer_Max_Size that were skipped. */
    public long longLinesSkipped() {
        return longLinesSkipped.sum();
    }

    /** Files opened for reading (a file is counted again if it is opened again after a restart). */
    public long filesOpened() {
        return filesOpened.sum();
    }

    /** Files that left their path while open: renamed away or deleted. */
    public long rotations() {
        return rotations.sum();
    }

    /** Files found shorter than the position read, or rewritten in place, read again from the start. */
    public long truncations() {
        return truncations.sum();
    }

    /**
     * Bytes that could not be read because they were gone first: overwritten in place (a file
     * truncated with no rotated copy holding them, an OTP wrap file reused) or missing from a copy.
     * Each addition is logged at WARN with the file.
     */
    public long lostBytes() {
        return lostBytes.sum();
    }

    /**
     * Lines that could not be read because they were gone first: those an OTP disk_log wrap log
     * recorded for a file it then reused before ferry had read them (from its {@code .idx}). Lines of a
     * file reused while ferry looked at no index (the ring went round while ferry was stopped, or while
     * its reading thread was held) are not in it: each such case is logged at WARN as not countable.
     */
    public long lostLines() {
        return lostLines.sum();
    }

    /**
     * Item counts of OTP disk_log wrap files learnt from their {@code .idx} (one per file generation
     * the input read and disk_log moved past): what {@link #lostLines()} is counted against.
     */
    public long wrapCountsRecorded() {
        return wrapCountsRecorded.sum();
    }

    /** Rotated segments that could not be read to their end (corrupt, or cut short for good). */
    public long corruptSegments() {
        return corruptSegments.sum();
    }

    /** Rotated siblings opened to read (compressed or plain; not the files Path matches). */
    public long segmentsOpened() {
        return segmentsOpened.sum();
    }

    /**
     * Rotated files found grown after they were let go (their writer wrote on after Rotate_Wait passed without new
     * data), and read on from where they were left. Each is logged at WARN.
     */
    public long lateWrites() {
        return lateWrites.sum();
    }

    /**
     * Saved positions whose data was found nowhere at start (deleted, rotated out or rewritten while
     * ferry was stopped): what was unread of it is lost, in an amount not known. Each is logged at WARN.
     */
    public long positionsNotFound() {
        return positionsNotFound.sum();
    }

    /**
     * Multiline records emitted early because the next line would have taken them past
     * {@code max_record_size} (or one line alone was larger): the lines go on in the next record, so one
     * event arrives as two or more records; nothing is lost. Logged at WARN, at most once a minute.
     */
    public long multilineRecordsSplit() {
        return multilineRecordsSplit.sum();
    }

    void multilineRecordsSplit(long n) {
        multilineRecordsSplit.add(n);
    }

    void positionNotFound() {
        positionsNotFound.increment();
    }

    void lost(long bytes) {
        lostBytes.add(bytes);
    }

    void lostLines(long lines) {
        lostLines.add(lines);
    }

    void wrapCountRecorded() {
        wrapCountsRecorded.increment();
    }

    void corruptSegment() {
        corruptSegments.increment();
    }

    void segmentOpened() {
        segmentsOpened.increment();
    }

    void lateWrite() {
        lateWrites.increment();
    }

    void linesRead(int n) {
        linesRead.add(n);
    }

    void bytesRead(long n) {
        bytesRead.add(n);
    }

    void longLineSkipped() {
        longLinesSkipped.increment();
    }

    void fileOpened() {
        filesOpened.increment();
    }

    void rotation() {
        rotations.increment();
    }

    void truncation() {
        truncations.increment();
    }
}
