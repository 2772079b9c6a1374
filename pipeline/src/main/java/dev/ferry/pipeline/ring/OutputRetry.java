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
     * Where the records an output has not taken wait while it fails, and what becomes of them if ferry stops
     * meanwhile: what the log tells the operator, which differs between a run and a replay.
     */
    enum Holder {
        /** The ring writes to the outputs directly: it holds, so the inputs are paused. */
        INPUTS("Output failed; retrying, inputs are paused meanwhile.",
                "Output failed while ferry was stopping; the records not yet handed on are not acknowledged, so an"
                        + " input that keeps its positions (a DB, or --state-dir) reads them again at its next start."),
        /** The output reads the disk spool, which keeps what it has not taken. */
        SPOOL("Output failed; retrying, the spool keeps the records meanwhile.",
                "Output failed while ferry was stopping; the spool keeps the records not yet handed on for the next"
                        + " start."),
        /** {@code ferry replay}: the ring holds, so the replay reads no further; it keeps no positions. */
        REPLAY("Output failed; retrying, the replay reads no further meanwhile.",
                "Output failed while the replay was stopping; the records not yet handed on are counted as not"
                        + " handed on and the replay exits 1. A replay keeps no positions: run it again to ship them.");

        private final String retrying;
        private final String givenUp;

        Holder(String retrying, String givenUp) {
            this.retrying = retrying;
            this.givenUp = givenUp;
        }
    }

    /**
     * Waits before attempt {@code attempt + 1} of an output's write or flush.
     *
     * @param holder where the records wait meanwhile, for the log
     * @return false if {@code stopping} says to give up (nothing is acknowledged then)
     */
    static boolean pause(String output, String action, Exception e, int attempt, BooleanSupplier stopping, Holder holder) {
        return pause(LOG, holder.retrying, holder.givenUp, "output=" + output + " action=" + action, e, attempt, stopping);
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
