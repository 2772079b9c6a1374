package dev.ferry.agent.source.replay;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows how far a replay is: bytes read of the total (as stored: compressed sizes for compressed
 * files), records, records per second, the time left and the file being read. On a terminal it redraws
 * one line with a bar; otherwise it prints a plain line at most every {@code plainEveryMillis}.
 *
 * <p>Called from the replay thread only; prints to the given stream (stderr).
 */
public final class ReplayProgress {

    private final PrintStream out;
    private final boolean terminal;
    private final long plainEveryNanos;
    private LongSupplier records = () -> 0;
    private long total;
    private long doneMembers;
    private long current;
    /** The file being read ({@code archive!member} in an archive), or null between files. */
    private String file;
    private long startNanos;
    private long lastPrint;
    private boolean started;
    /** Length of the line drawn last on a terminal. */
    private int drawnLength;

    public ReplayProgress(PrintStream out, boolean terminal, long plainEveryMillis) {
        this.out = out;
        this.terminal = terminal;
        this.plainEveryNanos = plainEveryMillis * 1_000_000L;
    }

    /** Where the record count comes from. */
    public void records(LongSupplier records) {
        this.records = records;
    }

    void start(long totalBytes) {
        total = totalBytes;
        startNanos = System.nanoTime();
        lastPrint = startNanos;
        started = true;
    }

    /** A file starts: later lines name it. */
    void memberStarted(String name) {
        file = name;
    }

    /** The position in the current file (bytes as stored). */
    void advance(long positionInMember) {
        current = positionInMember;
        long now = System.nanoTime();
        if (now - lastPrint >= (terminal ? 200_000_000L : plainEveryNanos)) {
            lastPrint = now;
            print(now, false);
        }
    }

    /** A file was read, or reported unreadable: its size counts as done either way, so the end shows 100%. */
    void memberDone(long memberSize) {
        doneMembers += memberSize;
        current = 0;
        file = null;
    }

    /** Prints the last state (once the replay ends). */
    void finish() {
        if (started) {
            current = 0;
            print(System.nanoTime(), true);
        }
    }

    private void print(long now, boolean last) {
        long done = Math.min(total, doneMembers + current);
        double secs = Math.max(1e-3, (now - startNanos) / 1e9);
        long recs = records.getAsLong();
        double rate = recs / secs;
        double fraction = total == 0 ? 1 : (double) done / total;
        String eta = fraction <= 0 ? "?" : String.format(Locale.ROOT, "%.0fs", secs / fraction - secs);
        String text = String.format(Locale.ROOT, "replay: %3.0f%% %s of %s, %,d records, %,.0f records/s, ETA %s",
                fraction * 100, mb(done), mb(total), recs, rate, last ? "0s" : eta)
                + (file == null || last ? "" : ", file " + file);
        if (terminal) {
            int width = 30;
            int filled = (int) Math.round(fraction * width);
            String line = "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + text;
            // Blanks over the rest of a longer line drawn before (a longer file name).
            out.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())) + (last ? "\n" : ""));
            drawnLength = line.length();
        } else {
            out.println(text);
        }
        out.flush();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
