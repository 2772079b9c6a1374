package dev.ferry.agent.source.tail;

import dev.ferry.agent.source.segment.DiskLogWrapIndex;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One generation of a file of an OTP disk_log wrap log ({@code NAME.N} next to {@code NAME.idx}), as
 * a {@link TailedFile} reads it: how many items (log lines: {@code logger_disk_log_h} writes one per
 * event) disk_log recorded for it, once that is known, so that when the file is reused the lines ferry
 * did not read can be counted ({@link TailCounters#lostLines()}).
 *
 * <h2>When disk_log's count belongs to this generation (OTP 25 {@code disk_log_1.erl}, checked with
 * a real node)</h2>
 * disk_log writes a file's item count into {@code NAME.idx} when it moves past the file: it truncates
 * the next file, then writes {@code CurFileNo} and then, in a second write, the count of the file it
 * left. The count of a reused file is not reset when the ring comes back to it: until disk_log moves
 * past it again, its slot holds the count of the generation before. On close it writes the current
 * file's count too, and when it opens the log again it sets the current file's slot to 0 and carries
 * the count on. So a slot is this generation's count only if it was read while {@code CurFileNo} named
 * another file and the file still held this generation afterwards ({@link #observe}). A look between disk_log's
 * two writes sees the old count: that window is tens of microseconds, but a stalled node holds it open, and two
 * looks a millisecond apart once took a count 2 higher from the generation before (OtpRotationIT in CI). disk_log
 * moves through the files in turn, so once {@code CurFileNo} names a file two or more past this one, this slot was
 * written: in a ring of 3 files or more the count is taken only then (one file later; in a ring that turns faster
 * than ferry looks, it may stay unknown, and the lines lost are then reported as not known). A ring of 2 files
 * never shows that, and takes a value once two looks agree.
 *
 * <p>Used by the input's thread only.
 */
final class WrapGeneration {

    private final Path log;
    private final int number;
    private long recorded = -1;
    private long candidate = -1;
    private boolean startUnknown;

    private WrapGeneration(Path log, int number) {
        this.log = log;
        this.number = number;
    }

    /**
     * The generation now in {@code file} if it is a file of a disk_log wrap log ({@code NAME.N} with
     * {@code NAME.idx} beside it), else null.
     */
    static WrapGeneration of(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || dot == name.length() - 1 || dot < name.length() - 9) {
            return null;
        }
        for (int i = dot + 1; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return null;
            }
        }
        int n = Integer.parseInt(name.substring(dot + 1));
        Path log = file.resolveSibling(name.substring(0, dot));
        if (n < 1 || !Files.isRegularFile(log.resolveSibling(name.substring(0, dot) + ".idx"))) {
            return null;
        }
        return new WrapGeneration(log, n);
    }

    /** The wrap log's name: its files are {@code log.1 .. log.N}, its index {@code log.idx}. */
    Path log() {
        return log;
    }

    /** The file's number in the ring, 1-based. */
    int number() {
        return number;
    }

    /**
     * What the index said at one look, read BEFORE the caller checked that the file still holds this
     * generation ({@code stillThisGeneration}): then a count written for another file than the current
     * one is this generation's final count (see the class documentation).
     *
     * @return whether the count became known at this look
     */
    boolean observe(DiskLogWrapIndex idx, boolean stillThisGeneration) {
        if (recorded >= 0 || !stillThisGeneration || idx.currentFile() == number
                || idx.itemCounts().length < number) {
            return false;
        }
        long count = idx.itemCounts()[number - 1];
        int ring = Math.max(idx.maxFiles(), number);
        if (ring > 2 && idx.currentFile() != number % ring + 1) {
            // disk_log wrote this slot before it moved on from the next file: final, whatever the timing
            recorded = count;
            return true;
        }
        if (ring > 2) {
            return false; // CurFileNo names the next file: the slot may not be written yet (see the class doc)
        }
        if (count == candidate) {
            recorded = count;
            return true;
        }
        candidate = count;
        return false;
    }

    /** The item count disk_log recorded for this generation, or -1 while it is not known. */
    long recordedItems() {
        return startUnknown ? -1 : recorded;
    }

    /** Whether no more looks are needed: the count is known, or cannot be used. */
    boolean settled() {
        return recorded >= 0 || startUnknown;
    }

    /** The lines before where reading started could not be counted: lines lost cannot be told. */
    void startUnknown() {
        startUnknown = true;
    }
}
