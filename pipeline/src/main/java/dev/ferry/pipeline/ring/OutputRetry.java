package dev.ferry.pipeline.ring;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pause between attempts when an output's write or flush fails, or a spool consumer's position
 * cannot be saved: growing from 100 ms to 5 s, logged at ERROR on the first attempt and every tenth, and
 * given up when ferry is stopping. Shared by the ring's output stage and the spool consumers. Stateless
 * and thread-safe.
 */
final class OutputRetry {

    private static final Logger LOG = LoggerFactory.getLogger(OutputRetry.class);

    private OutputRetry() {
    }

    /** The pause before attempt {@code attempt + 1}: 100 ms, doubling up to 5 s. */
    static long backoffMillis(int attempt) {
        return Math.min(5_000L, 100L << Math.min(attempt, 6));
    }

    /**
     * Waits before attempt {@code attempt + 1} of an output's write or flush.
     *
     * @param waiting what is paused meanwhile, for the log ("inputs are paused", "the spool keeps the records")
     * @return false if {@code stopping} says to give up (nothing is acknowledged then)
     */
    static boolean pause(String output, String action, Exception e, int attempt, BooleanSupplier stopping, String waiting) {
        return pause(LOG, "Output failed; retrying, " + waiting + " meanwhile.",
                "Output failed while ferry was stopping; the records not yet handed on are not acknowledged: a run reads"
                        + " them again at its next start (or the spool keeps them), a replay counts them as not handed on and exits 1.",
                "output=" + output + " action=" + action, e, attempt, stopping);
    }

    /**
     * Waits before attempt {@code attempt + 1} of something an output needs, with {@link #backoffMillis}, and
     * says so: at ERROR on the first attempt and every tenth ({@code retrying}, then {@code context},
     * {@code attempt}, {@code retry_in} and {@code error}), and once more when it gives up ({@code givenUp},
     * {@code context}, {@code error}).
     *
     * @param log the logger of the part that retries
     * @param context what is retried, as the log's key=value pairs ({@code output=es.0 action=flush})
     * @return false if {@code stopping} says to give up
     */
    static boolean pause(Logger log, String retrying, String givenUp, String context, Throwable error, int attempt,
            BooleanSupplier stopping) {
        if (stopping.getAsBoolean()) {
            log.error("{} {} error={}", givenUp, context, error.toString());
            return false;
        }
        long millis = backoffMillis(attempt);
        if (attempt == 0 || attempt % 10 == 0) {
            log.error("{} {} attempt={} retry_in={}ms error={}", retrying, context, attempt + 1, millis, error.toString());
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
        return true;
    }
}
