package dev.ferry.outputs.loki;

import java.nio.charset.StandardCharsets;

/**
 * One Loki stream: its label set in canonical form ({@code {job="x", pod="y"}}) and as sorted pairs.
 * Immutable; interned by {@link LokiStreams}, so streams compare by identity within an output.
 */
public final class LokiStream {

    final String labels;
    final byte[] labelsUtf8;
    final String[] names;
    final String[] values;

    LokiStream(String labels, String[] names, String[] values) {
        this.labels = labels;
        this.labelsUtf8 = labels.getBytes(StandardCharsets.UTF_8);
        this.names = names;
        this.values = values;
    }

    /** A stream with the label pairs given (any order), for benchmarks and tools outside the output. */
    public static LokiStream of(String... namesAndValues) {
        LokiLabels.Scratch s = new LokiLabels.Scratch();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            s.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return new LokiStream(s.canonical(), s.sortedNames(), s.sortedValues());
    }

    /**
     * The lane ({@link dev.ferry.outputs.BatchDispatcher#submit(Object, int)}) of this stream among {@code lanes}:
     * always the same for one label set, so a stream's pushes go one at a time and in order.
     */
    int lane(int lanes) {
        int h = labels.hashCode();
        return Math.floorMod(h ^ (h >>> 16), lanes);
    }

    /** The canonical label text. */
    public String labels() {
        return labels;
    }

    @Override
    public String toString() {
        return labels;
    }
}
