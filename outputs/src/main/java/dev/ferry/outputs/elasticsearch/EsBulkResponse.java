package dev.ferry.outputs.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The parsed answer to one {@code POST /_bulk}: the HTTP status and, for a 2xx answer with
 * {@code "errors":true}, each item's status, error type and reason in request order. Immutable once
 * parsed; not shared between threads.
 *
 * <p>Parsed with jackson-core's streaming parser, never a tree. When {@code errors} is false (every item
 * succeeded) the items are not read at all: that is the common case and costs almost nothing.
 * Elasticsearch writes {@code errors} before {@code items}; if it came after, the items are read anyway.
 */
public final class EsBulkResponse {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int[] NO_STATUSES = new int[0];
    private static final String[] NO_TEXT = new String[0];

    private final int httpStatus;
    private final boolean errors;
    private final int itemCount;
    private final int[] statuses;
    private final String[] errorTypes;
    private final String[] reasons;
    private final String body;
    private final String wholeType;
    private final String wholeReason;

    private EsBulkResponse(int httpStatus, boolean errors, int itemCount, int[] statuses, String[] errorTypes,
                           String[] reasons, String body) {
        this(httpStatus, errors, itemCount, statuses, errorTypes, reasons, body, null, null);
    }

    private EsBulkResponse(int httpStatus, boolean errors, int itemCount, int[] statuses, String[] errorTypes,
                           String[] reasons, String body, String wholeType, String wholeReason) {
        this.httpStatus = httpStatus;
        this.errors = errors;
        this.itemCount = itemCount;
        this.statuses = statuses;
        this.errorTypes = errorTypes;
        this.reasons = reasons;
        this.body = body;
        this.wholeType = wholeType;
        this.wholeReason = wholeReason;
    }

    /**
     * Parses a response.
     *
     * @param status the HTTP status
     * @param body the response body
     * @param expectedItems how many actions the request had (sizes the item arrays)
     * @throws IOException if a 2xx body is not a bulk response
     */
    public static EsBulkResponse parse(int status, byte[] body, int expectedItems) throws IOException {
        return parse(status, body, body.length, expectedItems);
    }

    /**
     * Parses a response whose body is {@code body[0, length)}; nothing of {@code body} is kept.
     *
     * @throws IOException if a 2xx body is not a bulk response
     */
    public static EsBulkResponse parse(int status, byte[] body, int length, int expectedItems) throws IOException {
        if (status < 200 || status >= 300) {
            String text = new String(body, 0, Math.min(length, 2048), StandardCharsets.UTF_8);
            String[] error = wholeError(body, length);
            return new EsBulkResponse(status, true, 0, NO_STATUSES, NO_TEXT, NO_TEXT, text, error[0], error[1]);
        }
        int[] statuses = null;
        String[] types = null;
        String[] reasons = null;
        boolean errors = true;
        int n = 0;
        try (JsonParser p = JSON.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the bulk response is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("errors".equals(name)) {
                    errors = v == JsonToken.VALUE_TRUE;
                    if (!errors) {
                        return new EsBulkResponse(status, false, expectedItems, NO_STATUSES, NO_TEXT, NO_TEXT, null);
                    }
                } else if ("items".equals(name) && v == JsonToken.START_ARRAY) {
                    statuses = new int[expectedItems];
                    types = new String[expectedItems];
                    reasons = new String[expectedItems];
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        // {"create":{...}}: one member named after the action.
                        p.nextToken();
                        p.nextToken();
                        if (n >= expectedItems) {
                            throw new IOException("the bulk response has more items than the request's "
                                    + expectedItems + " actions");
                        }
                        readItem(p, n, statuses, types, reasons);
                        n++;
                        p.nextToken(); // END_OBJECT of the wrapper
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        if (statuses == null) {
            return new EsBulkResponse(status, errors, 0, NO_STATUSES, NO_TEXT, NO_TEXT, null);
        }
        return new EsBulkResponse(status, errors, n, statuses, types, reasons, null);
    }

    // {error.type, error.reason} of a refusal's body ({"error":{"type":..,"reason":..},"status":..}); nulls
    // when it is not one (a proxy's HTML page, an older server's plain text).
    private static String[] wholeError(byte[] body, int length) {
        String[] out = new String[2];
        try (JsonParser p = JSON.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("error".equals(name) && v == JsonToken.START_OBJECT) {
                    readError(p, out);
                    return out;
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            // not JSON: no type or reason
        }
        return out;
    }

    // Reads an error object (the parser on its START_OBJECT) to its end: {type, reason} into out.
    private static void readError(JsonParser p, String[] out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String e = p.currentName();
            JsonToken ev = p.nextToken();
            if ("type".equals(e) && ev == JsonToken.VALUE_STRING) {
                out[0] = p.getText();
            } else if ("reason".equals(e) && ev == JsonToken.VALUE_STRING) {
                out[1] = p.getText();
            } else {
                p.skipChildren();
            }
        }
    }

    private static void readItem(JsonParser p, int i, int[] statuses, String[] types, String[] reasons)
            throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("status".equals(name)) {
                statuses[i] = p.getIntValue();
            } else if ("error".equals(name) && v == JsonToken.START_OBJECT) {
                String[] error = new String[2];
                readError(p, error);
                types[i] = error[0];
                reasons[i] = error[1];
            } else {
                p.skipChildren();
            }
        }
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Whether any item failed ({@code errors}); true for a non-2xx response. */
    public boolean errors() {
        return errors;
    }

    /** How many items the response had (the request's action count when {@code errors} is false). */
    public int itemCount() {
        return itemCount;
    }

    public int status(int item) {
        return errors ? statuses[item] : 201;
    }

    /** The item's {@code error.type}, or null. */
    public String errorType(int item) {
        return errors ? errorTypes[item] : null;
    }

    /** The item's {@code error.reason}, or null. */
    public String reason(int item) {
        return errors ? reasons[item] : null;
    }

    /** A non-2xx response's {@code error.type}, or null (not an Elasticsearch error, or a 2xx response). */
    public String wholeErrorType() {
        return wholeType;
    }

    /** A non-2xx response's {@code error.reason}, whole, or null. */
    public String wholeReason() {
        return wholeReason;
    }

    /** The start of a non-2xx response's body (up to 2 KiB), or null. */
    public String body() {
        return body;
    }
}
