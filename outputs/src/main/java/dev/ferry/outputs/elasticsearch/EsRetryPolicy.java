package dev.ferry.outputs.elasticsearch;

/**
 * What to do with a bulk request's outcome: the whole response, or one item of it. Stateless.
 *
 * <table>
 *   <caption>Item outcomes (status, error type) to action</caption>
 *   <tr><th>status</th><th>error type</th><th>action</th></tr>
 *   <tr><td>2xx</td><td>-</td><td>DELIVERED</td></tr>
 *   <tr><td>409</td><td>version_conflict_engine_exception, with {@code create}</td><td>DELIVERED (already
 *       there: a resend of a document with the same id)</td></tr>
 *   <tr><td>409</td><td>anything else, or not {@code create}</td><td>RETRY</td></tr>
 *   <tr><td>429</td><td>any (es_rejected_execution_exception, circuit_breaking_exception)</td><td>RETRY</td></tr>
 *   <tr><td>5xx</td><td>any</td><td>RETRY</td></tr>
 *   <tr><td>403</td><td>cluster_block_exception (index read-only, disk watermark)</td><td>RETRY</td></tr>
 *   <tr><td>401, 403</td><td>security_exception (the user's role may not write that index)</td><td>RETRY</td></tr>
 *   <tr><td>404</td><td>index_not_found_exception (the index is missing and the cluster does not create
 *       indices on demand: {@code action.auto_create_index})</td><td>RETRY</td></tr>
 *   <tr><td>other 4xx</td><td>mapper_parsing_exception, illegal_argument_exception, ...</td>
 *       <td>DEAD_LETTER</td></tr>
 * </table>
 *
 * A whole response is DELIVERED (its items are then read one by one) for 2xx, and RETRY for anything
 * else: 429, 5xx, 401/403 (credentials may be fixed), 404 (a proxy path), 400. The items' security and
 * missing-index refusals are retried for the same reason: they are about the cluster's configuration, which its
 * operator fixes, not about the record; dead-lettering them would move every record of the index out of reach
 * of the fix. A retried record that has used up {@code Retry_Limit} is dead-lettered as any other. Connection errors and
 * timeouts are RETRY too. A retried record that has used up {@code Retry_Limit} is dead-lettered by the
 * caller. Two whole refusals are about one record rather than the cluster ({@link #refusesARecord}): the
 * caller sends the request again in halves, and dead-letters a single record so refused.
 */
public final class EsRetryPolicy {

    /** The action for a response or item. */
    public enum Action {
        /** Elasticsearch has the document. */
        DELIVERED,
        /** Send it again later (alone, in a new bulk request). */
        RETRY,
        /** Elasticsearch will never take it as it is: keep it in the dead-letter file. */
        DEAD_LETTER
    }

    private EsRetryPolicy() {
    }

    /** The action for a whole bulk response with HTTP status {@code status}. */
    public static Action forResponse(int status) {
        return status >= 200 && status < 300 ? Action.DELIVERED : Action.RETRY;
    }

    /**
     * The action for one bulk item.
     *
     * @param status the item's {@code status}
     * @param errorType the item's {@code error.type}, or null
     * @param operation the bulk action the item was sent with
     */
    public static Action forItem(int status, String errorType, EsConfig.WriteOperation operation) {
        if (status >= 200 && status < 300) {
            return Action.DELIVERED;
        }
        if (status == 409) {
            return isAlreadyPresent(status, errorType, operation) ? Action.DELIVERED : Action.RETRY;
        }
        if (status == 429 || status >= 500) {
            return Action.RETRY;
        }
        if (status == 403 && "cluster_block_exception".equals(errorType)) {
            return Action.RETRY;
        }
        if ((status == 401 || status == 403) && "security_exception".equals(errorType)) {
            return Action.RETRY;
        }
        if (status == 404 && "index_not_found_exception".equals(errorType)) {
            return Action.RETRY;
        }
        return Action.DEAD_LETTER;
    }

    /**
     * Whether a whole refusal is about what one of the request's records is, so that sending the records in
     * smaller requests gets the others through: 413 (the body is over a proxy's or
     * {@code http.max_content_length}'s limit), and 400 {@code action_request_validation_exception}, which
     * Elasticsearch answers for the whole bulk request when one item fails the checks it makes before it
     * runs any (an {@code _id} longer than 512 bytes, an empty {@code _id}).
     *
     * @param errorType the response's {@code error.type}, or null
     */
    public static boolean refusesARecord(int status, String errorType) {
        return status == 413 || (status == 400 && "action_request_validation_exception".equals(errorType));
    }

    /** Whether an item says the document was already there (a 409 on {@code create}). */
    public static boolean isAlreadyPresent(int status, String errorType, EsConfig.WriteOperation operation) {
        return status == 409 && operation == EsConfig.WriteOperation.CREATE
                && "version_conflict_engine_exception".equals(errorType);
    }
}
