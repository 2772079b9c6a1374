package dev.ferry.outputs;

import java.util.concurrent.ThreadLocalRandom;

/**
 * When an output tries a failed request or record again: exponential backoff with full jitter, bounded
 * by {@code Retry_Limit}. Output-agnostic, so every HTTP output shares it.
 *
 * <p>Retry {@code n} (from 1) waits a uniformly random time in {@code [0, min(cap, base * 2^(n-1))]}
 * ("full jitter", as in the AWS architecture blog's analysis of backoff): many agents that failed
 * together do not come back together. Immutable and thread-safe.
 *
 * @param limit how many retries are allowed ({@code Retry_Limit})
 * @param baseMillis the ceiling of the first wait, in milliseconds
 * @param capMillis the largest ceiling of any wait, in milliseconds
 */
public record RetrySchedule(RetryLimit limit, long baseMillis, long capMillis) {

    /** The default ceilings: 1 s for the first retry, doubling up to 60 s. */
    public static RetrySchedule of(RetryLimit limit) {
        return new RetrySchedule(limit, 1_000, 60_000);
    }

    public RetrySchedule {
        if (baseMillis < 1 || capMillis < baseMillis) {
            throw new IllegalArgumentException("need 1 <= baseMillis <= capMillis, got " + baseMillis + ", " + capMillis);
        }
    }

    /** Whether retry number {@code retry} (1 for the first retry) may happen. */
    public boolean allows(long retry) {
        return limit.allows(retry - 1);
    }

    /** The upper bound of the wait before retry {@code retry} (from 1), in milliseconds. */
    public long ceilingMillis(long retry) {
        long shift = Math.max(0, Math.min(retry - 1, 40));
        long ceiling = baseMillis << shift;
        return ceiling <= 0 || ceiling > capMillis ? capMillis : ceiling;
    }

    /** A random wait in {@code [0, ceilingMillis(retry)]}, in milliseconds. */
    public long delayMillis(long retry) {
        return ThreadLocalRandom.current().nextLong(ceilingMillis(retry) + 1);
    }
}
