package dev.ferry.outputs.loki;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams the {@code loki} output has seen: interns {@link LokiStream}s by label text and watches
 * label cardinality at run time. Called by the ring's output thread only (not thread-safe); the counter
 * is readable from any thread.
 *
 * <p>Run-time cardinality guard: for each label name it counts distinct values (up to {@code
 * max_label_values} + 1, so memory stays bounded). When a label goes past {@code max_label_values}, one
 * WARN names it, and every new stream that adds a value past the limit is counted in {@link
 * #overLimit}. Records are still sent: the guard informs, Loki's own stream limits decide.
 *
 * <p>The intern table is bounded: past 10,000 streams it is cleared (a stream is then interned anew; the
 * distinct-value counts are kept).
 */
public final class LokiStreams {

    private static final Logger log = LoggerFactory.getLogger(LokiStreams.class);
    private static final int MAX_INTERNED = 10_000;

    private final String outputName;
    private final int maxLabelValues;
    private final Map<String, LokiStream> interned = new HashMap<>();
    private final Map<String, Set<String>> valuesByName = new HashMap<>();
    private final Set<String> warned = new HashSet<>();
    /** New streams that brought a label past {@code max_label_values}. */
    public final LongAdder overLimit = new LongAdder();

    public LokiStreams(String outputName, int maxLabelValues) {
        this.outputName = outputName;
        this.maxLabelValues = maxLabelValues;
    }

    /** The stream for {@code labels} (canonical text) whose pairs are in {@code scratch}. */
    public LokiStream intern(String labels, LokiLabels.Scratch scratch) {
        LokiStream s = interned.get(labels);
        if (s != null) {
            return s;
        }
        int n = scratch.size();
        String[] names = new String[n];
        String[] values = new String[n];
        boolean over = false;
        for (int i = 0; i < n; i++) {
            names[i] = scratch.name(i);
            values[i] = scratch.value(i);
            over |= count(names[i], values[i]);
        }
        if (over) {
            overLimit.increment();
        }
        if (interned.size() >= MAX_INTERNED) {
            interned.clear();
        }
        s = new LokiStream(labels, names, values);
        interned.put(labels, s);
        return s;
    }

    /** Counts a value of label {@code name}; true if it is past the limit. */
    private boolean count(String name, String value) {
        Set<String> values = valuesByName.computeIfAbsent(name, k -> new HashSet<>());
        if (values.contains(value)) {
            return false;
        }
        if (values.size() <= maxLabelValues) {
            values.add(value);
        }
        if (values.size() <= maxLabelValues) {
            return false;
        }
        if (warned.add(name)) {
            log.warn("A Loki label has more distinct values than max_label_values; every value is a new stream. "
                    + "output={} label={} max_label_values={} hint=drop the label or move it to Structured_Metadata",
                    outputName, name, maxLabelValues);
        }
        return true;
    }
}
