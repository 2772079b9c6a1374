package dev.ferry.outputs.loki;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What to do with Loki's answer to a push. Stateless.
 *
 * <table>
 *   <caption>HTTP status of a push to action</caption>
 *   <tr><th>status</th><th>meaning in Loki</th><th>action</th></tr>
 *   <tr><td>2xx (204)</td><td>stored</td><td>DELIVERED</td></tr>
 *   <tr><td>400</td><td>some entries or streams are invalid (too old, too far behind, line too long, bad
 *       labels); Loki stored the rest of the push and lists the problems in the text body</td>
 *       <td>REJECTED: read the body ({@link LokiRejections}), dead-letter the entries it names with
 *       Loki's reason, send the rest again; nothing attributable: dead-letter the whole batch</td></tr>
 *   <tr><td>413</td><td>request body too large (a proxy, or {@code distributor.max_recv_msg_size})</td>
 *       <td>SPLIT in two halves; a single entry: dead letter</td></tr>
 *   <tr><td>429</td><td>ingestion rate limit (tenant or stream)</td><td>RETRY after {@code Retry-After}
 *       when given, else the backoff; when the body names entries in the ingester's per-stream form
 *       (stream rate limit), only those: Loki stored the rest</td></tr>
 *   <tr><td>5xx</td><td>ingester or distributor unavailable</td><td>RETRY</td></tr>
 *   <tr><td>401, 403, 404, other 4xx</td><td>credentials, tenant or path wrong: never an entry's fault,
 *       may be fixed while ferry waits</td><td>RETRY</td></tr>
 * </table>
 * Connection errors and timeouts are RETRY too. Every RETRY counts against {@code Retry_Limit}; past it
 * the batch is dead-lettered ("retry limit reached: ...").
 */
public final class LokiRetryPolicy {

    /** The action for a push's answer. */
    public enum Action {
        /** Loki has every entry. */
        DELIVERED,
        /** Send the whole batch again later. */
        RETRY,
        /** Loki refused some entries: read the body. */
        REJECTED,
        /** Too large: send it in halves. */
        SPLIT
    }

    /** The longest {@code Retry-After} honoured, in milliseconds (a broken header must not park ferry). */
    public static final long MAX_RETRY_AFTER_MILLIS = 300_000;

    private LokiRetryPolicy() {
    }

    /** The action for HTTP status {@code status}. */
    public static Action forStatus(int status) {
        if (status >= 200 && status < 300) {
            return Action.DELIVERED;
        }
        if (status == 400) {
            return Action.REJECTED;
        }
        if (status == 413) {
            return Action.SPLIT;
        }
        return Action.RETRY;
    }

    /**
     * The wait a {@code Retry-After} header asks for, in milliseconds, at most {@link
     * #MAX_RETRY_AFTER_MILLIS}; -1 if absent or unreadable.
     *
     * @param header delay-seconds ({@code 120}) or an HTTP date ({@code Wed, 21 Oct 2015 07:28:00 GMT})
     * @param nowMillis the current time, for an HTTP date
     */
    public static long retryAfterMillis(String header, long nowMillis) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String h = header.trim();
        long millis;
        if (h.chars().allMatch(Character::isDigit)) {
            if (h.length() > 9) {
                return MAX_RETRY_AFTER_MILLIS;
            }
            millis = Long.parseLong(h) * 1000;
        } else {
            try {
                millis = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli()
                        - nowMillis;
            } catch (DateTimeParseException e) {
                return -1;
            }
        }
        return Math.max(0, Math.min(MAX_RETRY_AFTER_MILLIS, millis));
    }
}
