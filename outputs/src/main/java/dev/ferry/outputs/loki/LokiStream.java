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

    /** The canonical label text. */
    public String labels() {
        return labels;
    }

    @Override
    public String toString() {
        return labels;
    }
}
