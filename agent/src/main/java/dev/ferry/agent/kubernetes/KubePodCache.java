package dev.ferry.agent.kubernetes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Pods by namespace and name, with what the API server answered: the pod for {@code Kube_Meta_Cache_TTL}
 * ({@link java.time.Duration#ZERO}: until it is evicted), or the failure for a fixed back-off, so that a
 * failing or refusing API server is asked about a pod once per back-off, not once per record. At most
 * {@code capacity} pods are kept; the least recently used one goes first.
 *
 * <p>Thread-safe (one lock; lookups are short, the API request is made outside it).
 */
final class KubePodCache {

    /** A pod, or why it could not be fetched; the entry is used until {@code expiresAt} (nanoTime). */
    record Entry(KubePod pod, KubeApiClient.KubeApiException failure, long expiresAt) {
    }

    private final long ttlNanos;
    private final long failureTtlNanos;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<String, Entry> entries;

    /**
     * @param ttlNanos how long a pod is used; 0 for no limit
     * @param failureTtlNanos how long a failure is remembered before the API server is asked again
     */
    KubePodCache(int capacity, long ttlNanos, long failureTtlNanos, LongSupplier nanoTime) {
        this.ttlNanos = ttlNanos;
        this.failureTtlNanos = failureTtlNanos;
        this.nanoTime = nanoTime;
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The entry for {@code key} that has not expired, or null. */
    synchronized Entry get(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (e.expiresAt() != Long.MAX_VALUE && nanoTime.getAsLong() - e.expiresAt() >= 0) {
            entries.remove(key);
            return null;
        }
        return e;
    }

    synchronized Entry putPod(String key, KubePod pod) {
        long exp = ttlNanos == 0 ? Long.MAX_VALUE : nanoTime.getAsLong() + ttlNanos;
        Entry e = new Entry(pod, null, exp);
        entries.put(key, e);
        return e;
    }

    synchronized Entry putFailure(String key, KubeApiClient.KubeApiException failure) {
        Entry e = new Entry(null, failure, nanoTime.getAsLong() + failureTtlNanos);
        entries.put(key, e);
        return e;
    }

    synchronized int size() {
        return entries.size();
    }
}
