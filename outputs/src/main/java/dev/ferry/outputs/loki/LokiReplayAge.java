package dev.ferry.outputs.loki;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and reports the entries {@code ferry replay} sends to Loki that are older than
 * {@code acceptance_window} before the replay started. Loki refuses such an entry when its stream already
 * holds an entry more than the window newer ("entry too far behind", e.g. a stream also fed live), and any
 * entry older than its {@code reject_old_samples_max_age} (a week by default: "timestamp too old"); the
 * output then dead-letters it with Loki's reason.
 *
 * <p>{@link #beforeSending} warns before the pushes that carry old entries are sent, naming how many and
 * the oldest time; {@link #deadLettered} counts those that Loki refused; {@link #summary} logs both at the
 * end. {@link #beforeSending} and {@link #summary} run on the output thread, {@link #deadLettered} on
 * workers.
 */
final class LokiReplayAge {

    private static final Logger log = LoggerFactory.getLogger(LokiReplayAge.class);

    private final String output;
    private final Duration window;
    private final long oldBeforeNanos;
    private final LongAdder oldDeadLettered = new LongAdder();
    private long oldSent;
    private long oldestNanos = Long.MAX_VALUE;

    /** @param startMillis when the replay started: entries older than this minus {@code window} are old */
    LokiReplayAge(String output, Duration window, long startMillis) {
        this.output = output;
        this.window = window;
        this.oldBeforeNanos = (startMillis - window.toMillis()) * 1_000_000L;
    }

    /** Counts the old entries of {@code pushes}, about to be sent, and warns if there are any. */
    void beforeSending(List<LokiBatch> pushes) {
        long old = 0;
        long oldest = Long.MAX_VALUE;
        for (LokiBatch b : pushes) {
            for (int i = 0; i < b.count; i++) {
                if (b.time(i) < oldBeforeNanos) {
                    old++;
                    oldest = Math.min(oldest, b.time(i));
                }
            }
        }
        if (old == 0) {
            return;
        }
        oldSent += old;
        oldestNanos = Math.min(oldestNanos, oldest);
        log.warn("Replay is sending entries older than acceptance_window; Loki refuses those whose stream holds "
                + "entries newer by more than the window, or older than its reject_old_samples_max_age, and they go "
                + "to the dead-letter file. output={} entries={} oldest={} acceptance_window={}", output, old,
                time(oldest), window);
    }

    /** Counts entry {@code i} of {@code batch}, just dead-lettered, if it is old. */
    void deadLettered(LokiBatch batch, int i) {
        if (batch.time(i) < oldBeforeNanos) {
            oldDeadLettered.increment();
        }
    }

    long oldSent() {
        return oldSent;
    }

    long oldDeadLettered() {
        return oldDeadLettered.sum();
    }

    /** Logs what became of the old entries, if any were sent. */
    void summary() {
        if (oldSent > 0) {
            log.warn("Replay sent entries older than acceptance_window. output={} entries={} oldest={} "
                    + "dead_lettered={} acceptance_window={}", output, oldSent, time(oldestNanos), oldDeadLettered.sum(),
                    window);
        }
    }

    private static String time(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }
}
