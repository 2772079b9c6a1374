package dev.ferry.pipeline.ring;

import dev.ferry.pipeline.record.TagPattern;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which of a list of routes (filters or outputs) take a given tag, remembered per tag so that matching
 * runs once per tag rather than once per record.
 *
 * <p>Not thread-safe: each ring thread owns its own instance. Tags are few (one per file), so the cache
 * is unbounded only in theory; it is cleared past {@value #MAX_TAGS} entries.
 */
final class TagRoutes<T> {

    private static final int MAX_TAGS = 10_000;

    private final List<T> routes;
    private final Function<T, TagPattern> match;
    private final Class<T> type;
    private final Map<String, T[]> byTag = new HashMap<>();
    // Consecutive records mostly come from one file and carry the same tag instance.
    private String lastTag;
    private T[] lastRoutes;

    TagRoutes(List<T> routes, Function<T, TagPattern> match, Class<T> type) {
        this.routes = List.copyOf(routes);
        this.match = match;
        this.type = type;
    }

    /** The routes that take {@code tag}, in configuration order. */
    T[] forTag(String tag) {
        if (tag == lastTag) {
            return lastRoutes;
        }
        T[] r = byTag.get(tag);
        if (r == null) {
            List<T> hits = new ArrayList<>();
            for (T route : routes) {
                if (match.apply(route).matches(tag)) {
                    hits.add(route);
                }
            }
            @SuppressWarnings("unchecked")
            T[] arr = hits.toArray((T[]) Array.newInstance(type, 0));
            if (byTag.size() >= MAX_TAGS) {
                byTag.clear();
            }
            byTag.put(tag, arr);
            r = arr;
        }
        lastTag = tag;
        lastRoutes = r;
        return r;
    }
}
