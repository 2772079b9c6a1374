package dev.ferry.outputs;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WARN line that tells an operator records went to the dead-letter file instead of the destination:
 * at most once a minute (or at once when closing), with how many are new and the last reason. Thread-safe.
 */
public final class DeadLetterWarnings {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterWarnings.class);

    private final String name;
    private final String destination;
    private final DeliveryCounters counters;
    private final java.nio.file.Path file;
    private final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - TimeUnit.MINUTES.toNanos(1));
    private final AtomicLong totalAtWarn = new AtomicLong();
    private volatile String lastReason;

    /**
     * @param name the output instance name
     * @param destination what the records were going to ("Elasticsearch", "Loki")
     */
    public DeadLetterWarnings(String name, String destination, DeliveryCounters counters, java.nio.file.Path file) {
        this.name = name;
        this.destination = destination;
        this.counters = counters;
        this.file = file;
    }

    /** Remembers the reason of the latest dead letter, for the next WARN. */
    public void reason(String reason) {
        lastReason = reason;
    }

    /** WARNs about new dead letters, at most once a minute unless {@code force}. */
    public void maybeWarn(boolean force) {
        long total = counters.deadLettered.sum();
        long before = totalAtWarn.get();
        if (total == before) {
            return;
        }
        long now = System.nanoTime();
        long last = lastWarn.get();
        if (!force && now - last < TimeUnit.MINUTES.toNanos(1)) {
            return;
        }
        if (!lastWarn.compareAndSet(last, now)) {
            return;
        }
        totalAtWarn.set(total);
        String reason = String.valueOf(lastReason);
        log.warn("Records were written to the dead-letter file instead of {}. output={} new={} total={} file={} "
                + "last_reason={}", destination, name, total - before, total, file,
                reason.length() <= 300 ? reason : reason.substring(0, 300) + "...");
    }
}
