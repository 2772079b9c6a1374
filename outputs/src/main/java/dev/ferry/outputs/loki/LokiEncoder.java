package dev.ferry.outputs.loki;

import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.JsonText;
import io.airlift.compress.snappy.SnappyCompressor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.IdentityHashMap;

/**
 * Writes a {@link LokiBatch} as the body of {@code POST /loki/api/v1/push}: Loki's protobuf (to be
 * snappy-compressed, the format of Loki's own clients) or its JSON. Pure; not thread-safe (scratch
 * space): one instance per sending thread.
 *
 * <p>Entries are grouped by stream (streams in the order they first appear) and each stream's entries are
 * sorted by timestamp, stably (equal timestamps keep the order they were written in): Loki accepts a
 * stream's entries out of order only within its window, so a push never adds disorder of its own.
 *
 * <p>Protobuf wire format (Loki's {@code pkg/push/push.proto}, written by hand; proto3, so empty strings
 * and zero numbers are left out, except the timestamp message, always written as Loki's gogoproto
 * non-nullable field is):
 * <pre>
 * PushRequest   { repeated StreamAdapter streams = 1; }
 * StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; }          (hash = 3 never sent)
 * EntryAdapter  { google.protobuf.Timestamp timestamp = 1; string line = 2;
 *                 repeated LabelPairAdapter structuredMetadata = 3; }
 * Timestamp     { int64 seconds = 1; int32 nanos = 2; }
 * LabelPairAdapter { string name = 1; string value = 2; }
 * </pre>
 * A length-delimited field is {@code (number << 3 | 2)}, a varint length, the bytes; a varint field
 * {@code (number << 3 | 0)} and the value as a base-128 varint (negative int64: ten bytes). Sizes are
 * computed first, so each message is written once, front to back.
 *
 * <p>JSON ({@code push_format json}): {@code {"streams":[{"stream":{"job":"x"},"values":[["<unix ns>",
 * "<line>"],["<unix ns>","<line>",{"<name>":"<value>"}]]}]}}, the third element only for entries with
 * structured metadata.
 */
public final class LokiEncoder {

    private final SnappyCompressor snappy = new SnappyCompressor();
    private int[] order = new int[256];
    private int[] entrySizes = new int[256];
    private LokiStream[] streamList = new LokiStream[16];
    private int[] streamStart = new int[17];
    private int streamCount;

    /** Writes {@code batch} as an uncompressed protobuf {@code PushRequest}. */
    public void encodeProtobuf(LokiBatch batch, ByteSink out) {
        group(batch);
        int[] streamSizes = new int[streamCount];
        for (int s = 0; s < streamCount; s++) {
            int size = stringField(streamList[s].labelsUtf8.length);
            for (int k = streamStart[s]; k < streamStart[s + 1]; k++) {
                int e = order[k];
                int es = entrySize(batch, e);
                entrySizes[k] = es;
                size += 1 + varintSize(es) + es;
            }
            streamSizes[s] = size;
        }
        for (int s = 0; s < streamCount; s++) {
            tag(out, 1, 2);
            out.writeVarint(streamSizes[s]);
            byte[] labels = streamList[s].labelsUtf8;
            if (labels.length > 0) {
                tag(out, 1, 2);
                out.writeVarint(labels.length);
                out.write(labels);
            }
            for (int k = streamStart[s]; k < streamStart[s + 1]; k++) {
                int e = order[k];
                tag(out, 2, 2);
                out.writeVarint(entrySizes[k]);
                writeEntry(batch, e, out);
            }
        }
    }

    /** Writes {@code batch} as a JSON push request. */
    public void encodeJson(LokiBatch batch, ByteSink out) {
        group(batch);
        out.writeAscii("{\"streams\":[");
        for (int s = 0; s < streamCount; s++) {
            if (s > 0) {
                out.write(',');
            }
            LokiStream st = streamList[s];
            out.writeAscii("{\"stream\":{");
            for (int i = 0; i < st.names.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                JsonText.writeString(out, st.names[i]);
                out.write(':');
                JsonText.writeString(out, st.values[i]);
            }
            out.writeAscii("},\"values\":[");
            for (int k = streamStart[s]; k < streamStart[s + 1]; k++) {
                if (k > streamStart[s]) {
                    out.write(',');
                }
                writeJsonEntry(batch, order[k], out);
            }
            out.writeAscii("]}");
        }
        out.writeAscii("]}");
    }

    /**
     * Entry {@code i} as the JSON value it has in a push's {@code values}: {@code ["<unix ns>","<line>"]},
     * with a third element for structured metadata (the record of its dead letter).
     */
    public static byte[] entryJson(LokiBatch batch, int i) {
        ByteSink s = new ByteSink(batch.lineLength(i) + 48);
        writeJsonEntry(batch, i, s);
        return Arrays.copyOf(s.array(), s.length());
    }

    private static void writeJsonEntry(LokiBatch batch, int e, ByteSink out) {
        out.writeAscii("[\"");
        out.writeAscii(Long.toString(batch.time(e)));
        out.writeAscii("\",");
        JsonText.writeText(out, batch.lines.array(), batch.lineStart(e), batch.lineLength(e));
        String[] md = batch.metadata(e);
        if (md != null) {
            out.writeAscii(",{");
            for (int m = 0; m < md.length; m += 2) {
                if (m > 0) {
                    out.write(',');
                }
                JsonText.writeString(out, md[m]);
                out.write(':');
                JsonText.writeString(out, md[m + 1]);
            }
            out.write('}');
        }
        out.write(']');
    }

    /**
     * Compresses {@code src[0, length)} with snappy (block format, as Loki reads a push body) into this
     * encoder's buffer, {@link #compressed()}, which stays valid until the next call.
     *
     * @return the compressed length
     */
    public int snappy(byte[] src, int length) {
        int max = snappy.maxCompressedLength(length);
        if (compressed.length < max) {
            compressed = new byte[max];
        }
        return snappy.compress(src, 0, length, compressed, 0, compressed.length);
    }

    /** The buffer of the last {@link #snappy} result (its first bytes, as many as it returned). */
    public byte[] compressed() {
        return compressed;
    }

    private byte[] compressed = new byte[0];

    /** Groups the entries by stream (first appearance order), each stream sorted stably by time. */
    private void group(LokiBatch b) {
        int n = b.count;
        if (order.length < n) {
            order = new int[n * 2];
            entrySizes = new int[n * 2];
        }
        IdentityHashMap<LokiStream, Integer> index = new IdentityHashMap<>();
        int[] streamOf = new int[n];
        int[] counts = new int[Math.max(16, n)];
        streamCount = 0;
        for (int i = 0; i < n; i++) {
            LokiStream st = b.stream(i);
            Integer s = index.get(st);
            if (s == null) {
                s = streamCount++;
                index.put(st, s);
                if (streamList.length < streamCount) {
                    streamList = Arrays.copyOf(streamList, streamCount * 2);
                }
                streamList[s] = st;
            }
            streamOf[i] = s;
            counts[s]++;
        }
        if (streamStart.length < streamCount + 1) {
            streamStart = new int[streamCount * 2 + 1];
        }
        streamStart[0] = 0;
        for (int s = 0; s < streamCount; s++) {
            streamStart[s + 1] = streamStart[s] + counts[s];
        }
        int[] fill = Arrays.copyOf(streamStart, streamCount);
        for (int i = 0; i < n; i++) {
            order[fill[streamOf[i]]++] = i;
        }
        for (int s = 0; s < streamCount; s++) {
            sortByTime(b, streamStart[s], streamStart[s + 1]);
        }
    }

    /** Stable sort of {@code order[from, to)} by entry time; nothing to do in the usual, ordered case. */
    private void sortByTime(LokiBatch b, int from, int to) {
        boolean sorted = true;
        for (int k = from + 1; k < to && sorted; k++) {
            sorted = b.time(order[k - 1]) <= b.time(order[k]);
        }
        if (sorted) {
            return;
        }
        Integer[] boxed = new Integer[to - from];
        for (int k = from; k < to; k++) {
            boxed[k - from] = order[k];
        }
        Arrays.sort(boxed, (x, y) -> Long.compare(b.time(x), b.time(y)));
        for (int k = from; k < to; k++) {
            order[k] = boxed[k - from];
        }
    }

    private static int entrySize(LokiBatch b, int e) {
        int ts = timestampSize(b.time(e));
        int size = 1 + varintSize(ts) + ts;
        size += stringField(b.lineLength(e));
        String[] md = b.metadata(e);
        if (md != null) {
            for (int m = 0; m < md.length; m += 2) {
                int p = pairSize(md[m], md[m + 1]);
                size += 1 + varintSize(p) + p;
            }
        }
        return size;
    }

    private static void writeEntry(LokiBatch b, int e, ByteSink out) {
        long t = b.time(e);
        long seconds = Math.floorDiv(t, 1_000_000_000L);
        int nanos = (int) Math.floorMod(t, 1_000_000_000L);
        tag(out, 1, 2);
        out.writeVarint(timestampSize(t));
        if (seconds != 0) {
            tag(out, 1, 0);
            out.writeVarint(seconds);
        }
        if (nanos != 0) {
            tag(out, 2, 0);
            out.writeVarint(nanos);
        }
        int len = b.lineLength(e);
        if (len > 0) {
            tag(out, 2, 2);
            out.writeVarint(len);
            out.write(b.lines.array(), b.lineStart(e), len);
        }
        String[] md = b.metadata(e);
        if (md != null) {
            for (int m = 0; m < md.length; m += 2) {
                byte[] name = md[m].getBytes(StandardCharsets.UTF_8);
                byte[] value = md[m + 1].getBytes(StandardCharsets.UTF_8);
                tag(out, 3, 2);
                out.writeVarint(stringField(name.length) + stringField(value.length));
                if (name.length > 0) {
                    tag(out, 1, 2);
                    out.writeVarint(name.length);
                    out.write(name);
                }
                if (value.length > 0) {
                    tag(out, 2, 2);
                    out.writeVarint(value.length);
                    out.write(value);
                }
            }
        }
    }

    private static int pairSize(String name, String value) {
        return stringField(name.getBytes(StandardCharsets.UTF_8).length)
                + stringField(value.getBytes(StandardCharsets.UTF_8).length);
    }

    private static int timestampSize(long t) {
        long seconds = Math.floorDiv(t, 1_000_000_000L);
        int nanos = (int) Math.floorMod(t, 1_000_000_000L);
        return (seconds != 0 ? 1 + varintSize(seconds) : 0) + (nanos != 0 ? 1 + varintSize(nanos) : 0);
    }

    /** Size of a string/bytes field of {@code len} bytes (0 when empty: proto3 leaves it out). */
    private static int stringField(int len) {
        return len == 0 ? 0 : 1 + varintSize(len) + len;
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static void tag(ByteSink out, int field, int wireType) {
        out.write((field << 3) | wireType);
    }
}
