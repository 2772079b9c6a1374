package dev.ferry.outputs.loki;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a label set as Loki prints it in its answers ({@code {job="x", service_name="x"}}, Prometheus'
 * {@code labels.String()}: names sorted, values Go-quoted) and tells whether it names a stream of a batch.
 * Stateless.
 *
 * <p>Loki does not print the labels ferry sent. Loki 3's push parser ({@code pkg/loghttp/push/push.go},
 * {@code ParseLokiRequest}) adds {@code service_name} to every stream that has none when
 * {@code discover_service_name} is not empty (the default: from {@code service}, {@code app}, ...,
 * {@code job}, else {@code unknown_service}) and sets the stream's labels to the new set, so every stream
 * name in its errors carries it. With stream sharding on, the distributor adds {@code __stream_shard__}.
 * A printed set therefore names a batch's stream when they are equal once those two labels are left out of
 * the printed one where the batch's stream does not have them.
 */
final class LokiPrintedLabels {

    /** Added by Loki 3 when a stream has none ({@code push.LabelServiceName}). */
    static final String SERVICE_NAME = "service_name";
    /** Added by the distributor when it shards a stream ({@code ingester.ShardLbName}). */
    static final String STREAM_SHARD = "__stream_shard__";

    private LokiPrintedLabels() {
    }

    /**
     * The pairs of {@code printed} in order, or null when it is not a label set in Loki's print form.
     */
    static Map<String, String> parse(String printed) {
        if (printed == null) {
            return null;
        }
        String s = printed.trim();
        if (s.length() < 2 || s.charAt(0) != '{' || s.charAt(s.length() - 1) != '}') {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        int i = 1;
        int end = s.length() - 1;
        while (i < end) {
            while (i < end && (s.charAt(i) == ' ' || s.charAt(i) == ',')) {
                i++;
            }
            if (i >= end) {
                break;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0 || eq + 1 >= end || s.charAt(eq + 1) != '"') {
                return null;
            }
            String name = s.substring(i, eq).trim();
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            boolean closed = false;
            while (j < end) {
                char c = s.charAt(j);
                if (c == '\\' && j + 1 < end) {
                    char n = s.charAt(j + 1);
                    switch (n) {
                        case 'n' -> v.append('\n');
                        case 'r' -> v.append('\r');
                        case 't' -> v.append('\t');
                        case 'x' -> {
                            if (j + 3 >= end) {
                                return null;
                            }
                            v.append((char) Integer.parseInt(s.substring(j + 2, j + 4), 16));
                            j += 2;
                        }
                        default -> v.append(n);
                    }
                    j += 2;
                } else if (c == '"') {
                    closed = true;
                    j++;
                    break;
                } else {
                    v.append(c);
                    j++;
                }
            }
            if (!closed || name.isEmpty()) {
                return null;
            }
            out.put(name, v.toString());
            i = j;
        }
        return out;
    }

    /**
     * Whether {@code printed} (as parsed by {@link #parse}) names {@code stream}: the same pairs, leaving out
     * {@code service_name} and {@code __stream_shard__} where {@code stream} has no such label.
     */
    static boolean names(Map<String, String> printed, LokiStream stream) {
        if (printed == null) {
            return false;
        }
        int extra = 0;
        boolean hasService = false;
        boolean hasShard = false;
        for (int k = 0; k < stream.names.length; k++) {
            String n = stream.names[k];
            hasService |= SERVICE_NAME.equals(n);
            hasShard |= STREAM_SHARD.equals(n);
            if (!stream.values[k].equals(printed.get(n))) {
                return false;
            }
        }
        if (!hasService && printed.containsKey(SERVICE_NAME)) {
            extra++;
        }
        if (!hasShard && printed.containsKey(STREAM_SHARD)) {
            extra++;
        }
        return printed.size() == stream.names.length + extra;
    }
}
