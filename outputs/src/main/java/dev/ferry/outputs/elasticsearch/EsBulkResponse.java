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

    private EsBulkResponse(int httpStatus, boolean errors, int itemCount, int[] statuses, String[] errorTypes,
                           String[] reasons, String body) {
        this.httpStatus = httpStatus;
        this.errors = errors;
        this.itemCount = itemCount;
        this.statuses = statuses;
        this.errorTypes = errorTypes;
        this.reasons = reasons;
        this.body = body;
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
            return new EsBulkResponse(status, true, 0, NO_STATUSES, NO_TEXT, NO_TEXT, text);
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

    private static void readItem(JsonParser p, int i, int[] statuses, String[] types, String[] reasons)
            throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("status".equals(name)) {
                statuses[i] = p.getIntValue();
            } else if ("error".equals(name) && v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String e = p.currentName();
                    JsonToken ev = p.nextToken();
                    if ("type".equals(e) && ev == JsonToken.VALUE_STRING) {
                        types[i] = p.getText();
                    } else if ("reason".equals(e) && ev == JsonToken.VALUE_STRING) {
                        reasons[i] = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
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

    /** The start of a non-2xx response's body (up to 2 KiB), or null. */
    public String body() {
        return body;
    }
}
