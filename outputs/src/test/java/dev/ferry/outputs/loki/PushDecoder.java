package dev.ferry.outputs.loki;

import dev.ferry.pipeline.record.JsonValues;
import io.airlift.compress.snappy.SnappyDecompressor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test code: reads Loki push bodies back, independently of {@link LokiEncoder}: a minimal protobuf wire
 * reader (varint and length-delimited fields only, which is all push.proto uses) and the JSON form.
 */
public final class PushDecoder {

    public record Entry(long timeNanos, String line, Map<String, String> metadata) {
    }

    public record Stream(String labels, List<Entry> entries) {
    }

    private PushDecoder() {
    }

    public static byte[] unsnappy(byte[] compressed) {
        int n = SnappyDecompressor.getUncompressedLength(compressed, 0);
        byte[] out = new byte[n];
        int got = new SnappyDecompressor().decompress(compressed, 0, compressed.length, out, 0, n);
        if (got != n) {
            throw new IllegalStateException("snappy: " + got + " of " + n + " bytes");
        }
        return out;
    }

    /** Decodes a PushRequest. */
    public static List<Stream> protobuf(byte[] b) {
        List<Stream> streams = new ArrayList<>();
        for (Field f : fields(b, 0, b.length)) {
            require(f.number == 1 && f.bytes != null, "PushRequest field " + f.number);
            String labels = "";
            List<Entry> entries = new ArrayList<>();
            for (Field s : fields(f.bytes, 0, f.bytes.length)) {
                if (s.number == 1) {
                    labels = new String(s.bytes, StandardCharsets.UTF_8);
                } else if (s.number == 2) {
                    entries.add(entry(s.bytes));
                } else {
                    require(s.number == 3, "StreamAdapter field " + s.number);
                }
            }
            streams.add(new Stream(labels, entries));
        }
        return streams;
    }

    private static Entry entry(byte[] b) {
        long seconds = 0;
        long nanos = 0;
        String line = "";
        Map<String, String> md = new LinkedHashMap<>();
        for (Field f : fields(b, 0, b.length)) {
            switch (f.number) {
                case 1 -> {
                    for (Field t : fields(f.bytes, 0, f.bytes.length)) {
                        if (t.number == 1) {
                            seconds = t.varint;
                        } else if (t.number == 2) {
                            nanos = t.varint;
                        }
                    }
                }
                case 2 -> line = new String(f.bytes, StandardCharsets.UTF_8);
                case 3 -> {
                    String name = "";
                    String value = "";
                    for (Field p : fields(f.bytes, 0, f.bytes.length)) {
                        if (p.number == 1) {
                            name = new String(p.bytes, StandardCharsets.UTF_8);
                        } else if (p.number == 2) {
                            value = new String(p.bytes, StandardCharsets.UTF_8);
                        }
                    }
                    md.put(name, value);
                }
                default -> throw new IllegalStateException("EntryAdapter field " + f.number);
            }
        }
        return new Entry(seconds * 1_000_000_000L + nanos, line, md);
    }

    /** Decodes a JSON push. */
    @SuppressWarnings("unchecked")
    public static List<Stream> json(byte[] b) {
        Map<String, Object> root = (Map<String, Object>) JsonValues.parse(new String(b, StandardCharsets.UTF_8));
        List<Stream> out = new ArrayList<>();
        for (Object o : (List<Object>) root.get("streams")) {
            Map<String, Object> s = (Map<String, Object>) o;
            Map<String, Object> labels = (Map<String, Object>) s.get("stream");
            StringBuilder sb = new StringBuilder("{");
            labels.keySet().stream().sorted().forEach(k -> {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                StringBuilder q = new StringBuilder();
                LokiLabels.quote(q, (String) labels.get(k));
                sb.append(k).append('=').append(q);
            });
            sb.append('}');
            List<Entry> entries = new ArrayList<>();
            for (Object v : (List<Object>) s.get("values")) {
                List<Object> e = (List<Object>) v;
                Map<String, String> md = new LinkedHashMap<>();
                if (e.size() > 2) {
                    ((Map<String, Object>) e.get(2)).forEach((k, x) -> md.put(k, (String) x));
                }
                entries.add(new Entry(Long.parseLong((String) e.get(0)), (String) e.get(1), md));
            }
            out.add(new Stream(sb.toString(), entries));
        }
        return out;
    }

    private record Field(int number, long varint, byte[] bytes) {
    }

    private static List<Field> fields(byte[] b, int from, int to) {
        List<Field> out = new ArrayList<>();
        int[] pos = {from};
        while (pos[0] < to) {
            long key = varint(b, pos);
            int number = (int) (key >>> 3);
            int type = (int) (key & 7);
            if (type == 0) {
                out.add(new Field(number, varint(b, pos), null));
            } else if (type == 2) {
                int len = (int) varint(b, pos);
                require(pos[0] + len <= to, "length past the end");
                byte[] v = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + len);
                pos[0] += len;
                out.add(new Field(number, 0, v));
            } else {
                throw new IllegalStateException("wire type " + type + " not used by push.proto");
            }
        }
        return out;
    }

    private static long varint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalStateException("varint too long");
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("bad push: " + what);
        }
    }
}
