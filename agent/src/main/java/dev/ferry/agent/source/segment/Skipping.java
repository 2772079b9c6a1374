package dev.ferry.agent.source.segment;

import java.io.IOException;
import java.io.InterruptedIOException;

/** The decompress-and-discard loop shared by the readers that cannot seek. Stateless. */
final class Skipping {

    private static final int SCRATCH = 64 * 1024;

    private Skipping() {
    }

    static void checkForward(SegmentReader r, long target) {
        if (target < r.position()) {
            throw new IllegalArgumentException("cannot skip back in " + r.name() + ": position " + r.position()
                    + " is past target " + target);
        }
    }

    /** Reads and drops bytes until {@code r} reaches {@code target} or its data ends. */
    static long discard(SegmentReader r, long target, SegmentReader.SkipListener listener) throws IOException {
        return discard(r, target, listener, SegmentReader.SKIP_PROGRESS_BYTES);
    }

    /** As above, calling the listener every {@code every} bytes (tests use a small value). */
    static long discard(SegmentReader r, long target, SegmentReader.SkipListener listener, long every)
            throws IOException {
        checkForward(r, target);
        byte[] scratch = new byte[(int) Math.min(SCRATCH, Math.max(1, target - r.position()))];
        long nextReport = r.position() + every;
        while (r.position() < target) {
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while skipping " + r.name() + " at uncompressed offset "
                        + r.position() + " of " + target);
            }
            int n = r.read(scratch, 0, (int) Math.min(scratch.length, target - r.position()));
            if (n < 0) {
                break;
            }
            if (r.position() >= nextReport) {
                listener.skipped(r.position(), target);
                nextReport = r.position() + every;
            }
        }
        return r.position();
    }
}
