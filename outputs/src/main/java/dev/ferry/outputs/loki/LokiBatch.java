package dev.ferry.outputs.loki;

import dev.ferry.outputs.DeadLetter;
import dev.ferry.outputs.RecordOrigins;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The entries of one Loki push being built or sent: each entry's stream, timestamp, line and structured
 * metadata, plus what a dead letter needs to say about it (tag, origin, offset). Entries are kept in the
 * order written; {@link LokiEncoder} groups them by stream and orders each stream by time.
 *
 * <p>Package-private mutators are the output's; {@link #addEntry} is for benchmarks and tools.
 *
 * <p>Owned by one thread at a time: the output thread while it fills it, then the worker that sends it
 * (handed over through the executor, which orders the memory), then, once each of its entries has a final
 * answer, the output thread again, which refills it ({@link #reuse}; handed back through a concurrent queue).
 */
public final class LokiBatch {

    /** The tenant ({@code X-Scope-OrgID}) of every entry, or null for none. */
    String tenant;
    final ByteSink lines;
    int count;
    /** Retries already made for these entries. */
    int retries;
    /** The error that made the last attempt fail, for "retry limit reached: ...". */
    String lastError;
    int lastStatus;
    /** Bytes of the push before compression, roughly: lines, labels of new streams, 16 per entry. */
    long bytes;
    private int[] starts;
    private int[] lengths;
    private long[] times;
    private LokiStream[] streams;
    private String[][] metadata;
    private final RecordOrigins origins = new RecordOrigins();
    private LokiStream lastStream;
    private boolean severalStreams;

    /**
     * @param tenant the {@code X-Scope-OrgID} of every entry, or null
     * @param capacity initial bytes for the lines
     */
    public LokiBatch(String tenant, int capacity) {
        this(tenant, capacity, 256);
    }

    /**
     * @param capacity initial bytes for the lines
     * @param entries initial room for entries
     */
    LokiBatch(String tenant, int capacity, int entries) {
        this.tenant = tenant;
        this.lines = new ByteSink(capacity);
        int n = Math.max(16, entries);
        starts = new int[n];
        lengths = new int[n];
        times = new long[n];
        streams = new LokiStream[n];
        metadata = new String[n][];
    }

    /** Bytes of all the lines. */
    int linesLength() {
        return lines.length();
    }

    /** Bytes the lines buffer holds without growing. */
    int linesCapacity() {
        return lines.array().length;
    }

    /**
     * Empties the batch for {@code tenant}'s entries, keeping its buffers (a pooled batch): no line, no retry
     * state, and no reference to the entries' metadata, streams or origins.
     */
    void reuse(String tenant) {
        Arrays.fill(metadata, 0, count, null);
        Arrays.fill(streams, 0, count, null);
        origins.clear(count);
        this.tenant = tenant;
        lines.reset();
        count = 0;
        retries = 0;
        lastError = null;
        lastStatus = 0;
        bytes = 0;
        lastStream = null;
        severalStreams = false;
    }

    /** Adds an entry whose line is {@code line} (UTF-8); for benchmarks and tools outside the output. */
    public void addEntry(LokiStream stream, long timeNanos, byte[] line, String[] metadata) {
        int start = lines.length();
        lines.write(line);
        add(start, stream, timeNanos, metadata, null, null, -1, LogRecord.NO_LINE_HASH);
    }

    /** How many entries. */
    public int count() {
        return count;
    }

    /**
     * Records the entry whose line was just written to {@link #lines} from {@code start}.
     *
     * @param metadata structured metadata as name, value, name, value...; or null
     */
    void add(int start, LokiStream stream, long timeNanos, String[] metadata, String tag, String originId,
            long offset, long lineHash) {
        if (count == starts.length) {
            int n = count * 2;
            starts = Arrays.copyOf(starts, n);
            lengths = Arrays.copyOf(lengths, n);
            times = Arrays.copyOf(times, n);
            streams = Arrays.copyOf(streams, n);
            this.metadata = Arrays.copyOf(this.metadata, n);
        }
        starts[count] = start;
        lengths[count] = lines.length() - start;
        times[count] = timeNanos;
        streams[count] = stream;
        this.metadata[count] = metadata;
        origins.set(count, tag, originId, offset, lineHash);
        bytes += lengths[count] + 16;
        if (stream != lastStream) {
            bytes += stream.labelsUtf8.length;
            severalStreams |= lastStream != null;
            lastStream = stream;
        }
        if (metadata != null) {
            for (String m : metadata) {
                bytes += m.length() + 2;
            }
        }
        count++;
    }

    /** Copies entry {@code i} of {@code src} to the end of this batch. */
    void appendFrom(LokiBatch src, int i) {
        int start = lines.length();
        lines.write(src.lines.array(), src.starts[i], src.lengths[i]);
        add(start, src.streams[i], src.times[i], src.metadata[i], null, null, -1, LogRecord.NO_LINE_HASH);
        origins.copy(count - 1, src.origins, i);
    }

    /**
     * A new batch with the entries whose {@code drop} flag is false, and the same retry state; sized for them, so
     * that splitting a full batch by stream copies its lines once and grows nothing.
     */
    LokiBatch without(boolean[] drop) {
        int kept = 0;
        int keptBytes = 0;
        for (int i = 0; i < count; i++) {
            if (!drop[i]) {
                kept++;
                keptBytes += lengths[i];
            }
        }
        LokiBatch b = new LokiBatch(tenant, Math.max(64, keptBytes), kept);
        for (int i = 0; i < count; i++) {
            if (!drop[i]) {
                b.appendFrom(this, i);
            }
        }
        b.retries = retries;
        b.lastError = lastError;
        b.lastStatus = lastStatus;
        return b;
    }

    /**
     * The entries whose {@code drop} flag is false, one new batch per stream (streams in the order they first
     * appear, entries in batch order), each with the same retry state.
     */
    java.util.List<LokiBatch> withoutByStream(boolean[] drop) {
        java.util.Map<LokiStream, boolean[]> keep = new java.util.LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            if (!drop[i]) {
                keep.computeIfAbsent(streams[i], s -> {
                    boolean[] all = new boolean[count];
                    Arrays.fill(all, true);
                    return all;
                })[i] = false;
            }
        }
        java.util.List<LokiBatch> out = new java.util.ArrayList<>(keep.size());
        for (boolean[] d : keep.values()) {
            out.add(without(d));
        }
        return out;
    }

    /** Whether the entries belong to more than one stream. */
    boolean severalStreams() {
        return severalStreams;
    }

    LokiStream stream(int i) {
        return streams[i];
    }

    long time(int i) {
        return times[i];
    }

    int lineStart(int i) {
        return starts[i];
    }

    int lineLength(int i) {
        return lengths[i];
    }

    String[] metadata(int i) {
        return metadata[i];
    }

    String line(int i) {
        return new String(lines.array(), starts[i], lengths[i], StandardCharsets.UTF_8);
    }

    /** The dead letter of entry {@code i}: its entry as JSON, its stream's labels and its origin. */
    DeadLetter letter(int i, int status, String reason, long timeMillis) {
        return origins.letter(i, LokiEncoder.entryJson(this, i), streams[i].labels, status, reason, timeMillis);
    }
}
