package dev.ferry.outputs.loki;

/**
 * Paces pushes to {@code rate_limit} bytes per second: a token bucket shared by the output's workers.
 * Thread-safe.
 *
 * <p>The bucket holds at most one second of tokens (or one batch, if larger), so after a quiet spell a
 * burst is one second's worth. {@link #acquire} takes the tokens of one push, waiting first if the bucket
 * is short; a push larger than the bucket waits for what it lacks. Bytes are counted before compression:
 * Loki's ingestion limit ({@code ingestion_rate_mb}, 4 MB/s per tenant by default) counts line bytes.
 */
public final class LokiRateLimiter {

    private final double bytesPerNano;
    private final double capacity;
    private double tokens;
    private long last;

    /** @param bytesPerSecond the rate; {@code <= 0} means no limit */
    public LokiRateLimiter(long bytesPerSecond, long batchBytes) {
        this.bytesPerNano = bytesPerSecond / 1e9;
        this.capacity = Math.max(bytesPerSecond, batchBytes);
        this.tokens = capacity;
        this.last = System.nanoTime();
    }

    /** Whether pushes are paced at all. */
    public boolean enabled() {
        return bytesPerNano > 0;
    }

    /** Takes {@code bytes} tokens, sleeping until the bucket has them. */
    public void acquire(long bytes) throws InterruptedException {
        if (bytesPerNano <= 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - last) * bytesPerNano);
            last = now;
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens / bytesPerNano);
        }
        if (waitNanos > 0) {
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }
}
