package dev.ferry.outputs.loki;

import dev.ferry.pipeline.filter.RecordAccessor;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.JsonValues;
import dev.ferry.pipeline.record.LogRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The structured metadata of a record's Loki entry, as Fluent Bit's out_loki builds it
 * ({@code pack_structured_metadata} in {@code plugins/out_loki/loki.c}): first every member of each map that
 * {@code Structured_Metadata_Map_Keys} names (a member's name sanitized as a label name is, a value that is
 * not a string as its JSON text), then the {@code Structured_Metadata} items ({@code name=value},
 * {@code name=$accessor}, or a bare {@code $accessor} named by its path as {@code Label_Keys} are; one with an
 * accessor is left out when the record has no value for it). Immutable; any thread.
 */
final class LokiStructuredMetadata {

    private record Item(String name, String fixed, RecordAccessor accessor) {
    }

    private final List<RecordAccessor> maps;
    private final List<Item> items = new ArrayList<>();
    private final List<RecordAccessor> keysToRemove = new ArrayList<>();

    /**
     * @param items {@code Structured_Metadata} items, already validated ({@link LokiConfig#from})
     * @param maps {@code Structured_Metadata_Map_Keys} accessors
     */
    LokiStructuredMetadata(List<String> items, List<RecordAccessor> maps) {
        this.maps = List.copyOf(maps);
        keysToRemove.addAll(maps);
        for (String item : items) {
            if (item.startsWith("$")) {
                RecordAccessor a = RecordAccessor.compile(item);
                this.items.add(new Item(LokiLabels.normalizedName(item), null, a));
                keysToRemove.add(a);
                continue;
            }
            int eq = item.indexOf('=');
            String name = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            if (value.startsWith("$")) {
                RecordAccessor a = RecordAccessor.compile(value);
                this.items.add(new Item(name, null, a));
                keysToRemove.add(a);
            } else {
                this.items.add(new Item(name, value, null));
            }
        }
    }

    /**
     * The record keys whose values went to metadata: they leave the line (Fluent Bit's
     * {@code remove_keys_derived}).
     */
    List<RecordAccessor> keysToRemove() {
        return keysToRemove;
    }

    /** The metadata of {@code record} as name, value, name, value...; null for none. */
    String[] of(LogRecord record) {
        if (maps.isEmpty()) {
            if (items.isEmpty()) {
                return null;
            }
            String[] out = new String[items.size() * 2];
            int n = addItems(record, out, 0);
            return n == 0 ? null : n == out.length ? out : Arrays.copyOf(out, n);
        }
        List<String> pairs = new ArrayList<>();
        for (RecordAccessor a : maps) {
            if (a.get(record) instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    pairs.add(LokiLabels.sanitize(String.valueOf(e.getKey())));
                    pairs.add(e.getValue() instanceof String s ? s : json(e.getValue()));
                }
            }
        }
        String[] out = Arrays.copyOf(pairs.toArray(new String[0]), pairs.size() + items.size() * 2);
        int n = addItems(record, out, pairs.size());
        return n == 0 ? null : n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Writes the items with a value into {@code out} from {@code n}; returns the new end. */
    private int addItems(LogRecord record, String[] out, int n) {
        for (Item m : items) {
            String v = m.fixed != null ? m.fixed : m.accessor.text(record);
            if (v != null && !v.isEmpty()) {
                out[n++] = m.name;
                out[n++] = v;
            }
        }
        return n;
    }

    private static String json(Object v) {
        ByteSink sink = new ByteSink(32);
        JsonValues.write(sink, v);
        return sink.toString();
    }
}
