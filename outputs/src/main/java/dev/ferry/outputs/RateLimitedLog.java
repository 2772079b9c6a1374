package dev.ferry.outputs;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a repeated log line may be written now: at most once per interval for each key, so an
 * endpoint that stays down does not flood the log. Thread-safe.
 */
public final class RateLimitedLog {

    private final long intervalNanos;
    private final ConcurrentHashMap<String, Long> last = new ConcurrentHashMap<>();

    public RateLimitedLog(long intervalMillis) {
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** Whether a line for {@code key} may be logged now; if so, the interval starts again. */
    public boolean allow(String key) {
        long now = System.nanoTime();
        boolean[] ok = new boolean[1];
        last.compute(key, (k, t) -> {
            if (t == null || now - t >= intervalNanos) {
                ok[0] = true;
                return now;
            }
            return t;
        });
        return ok[0];
    }
}
