package dev.ferry.outputs.loki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.record.ByteSink;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LokiEncoderTest {

    private static LokiStream stream(String labels, String... pairs) {
        String[] names = new String[pairs.length / 2];
        String[] values = new String[pairs.length / 2];
        for (int i = 0; i < pairs.length; i += 2) {
            names[i / 2] = pairs[i];
            values[i / 2] = pairs[i + 1];
        }
        return new LokiStream(labels, names, values);
    }

    private static void add(LokiBatch b, LokiStream s, long t, String line, String... md) {
        int start = b.lines.length();
        b.lines.writeUtf8(line);
        b.add(start, s, t, md.length == 0 ? null : md, "tag", null, -1, dev.ferry.pipeline.record.LogRecord.NO_LINE_HASH);
    }

    private static byte[] protobuf(LokiBatch b) {
        ByteSink out = new ByteSink(64);
        new LokiEncoder().encodeProtobuf(b, out);
        return java.util.Arrays.copyOf(out.array(), out.length());
    }

    @Test
    void protobufGoldenBytes() {
        LokiBatch b = new LokiBatch(null, 64);
        LokiStream s = stream("{job=\"a\"}", "job", "a");
        add(b, s, 1_000_000_001L, "x");
        add(b, s, 2_000_000_000L, "yz");
        // PushRequest{streams: [{labels: {job="a"}, entries: [{ts: 1s 1ns, line: "x"}, {ts: 2s, line: "yz"}]}]},
        // computed by hand from push.proto: 0A=field 1 LEN, 12=field 2 LEN, 08/10=fields 1/2 VARINT.
        assertThat(HexFormat.of().formatHex(protobuf(b))).isEqualTo(
                "0a20" + "0a097b6a6f623d2261227d"
                        + "1209" + "0a0408011001" + "120178"
                        + "1208" + "0a020802" + "1202797a");
    }

    @Test
    void protobufGoldenBytesWithStructuredMetadata() {
        LokiBatch b = new LokiBatch(null, 64);
        add(b, stream("{a=\"b\"}", "a", "b"), 1L, "l", "k", "v");
        // Timestamp with seconds 0 left out (proto3), nanos 1; structuredMetadata = field 3 {name=1 "k", value=2 "v"}.
        assertThat(HexFormat.of().formatHex(protobuf(b))).isEqualTo(
                "0a1a" + "0a077b613d2262227d" + "120f" + "0a021001" + "12016c" + "1a06" + "0a016b" + "120176");
    }

    @Test
    void protobufReadsBackWithAnIndependentDecoderAndStreamsAreTimeOrderedStably() {
        LokiBatch b = new LokiBatch("t", 256);
        LokiStream a = stream("{job=\"a\"}", "job", "a");
        LokiStream c = stream("{job=\"c\", pod=\"p-1\"}", "job", "c", "pod", "p-1");
        add(b, a, 3_000, "a3");
        add(b, c, 1_000, "c1");
        add(b, a, 1_000, "a1-first");
        add(b, a, 2_000, "a2");
        add(b, a, 1_000, "a1-second");
        add(b, c, -1_500_000_000L, "c-negative", "trace_id", "abc");
        List<PushDecoder.Stream> streams = PushDecoder.protobuf(protobuf(b));
        assertThat(streams).extracting(PushDecoder.Stream::labels).containsExactly("{job=\"a\"}",
                "{job=\"c\", pod=\"p-1\"}");
        assertThat(streams.get(0).entries()).extracting(PushDecoder.Entry::line)
                .containsExactly("a1-first", "a1-second", "a2", "a3");
        assertThat(streams.get(0).entries()).extracting(PushDecoder.Entry::timeNanos)
                .containsExactly(1_000L, 1_000L, 2_000L, 3_000L);
        assertThat(streams.get(1).entries()).containsExactly(
                new PushDecoder.Entry(-1_500_000_000L, "c-negative", Map.of("trace_id", "abc")),
                new PushDecoder.Entry(1_000, "c1", Map.of()));
    }

    @Test
    void snappyRoundTrip() {
        LokiBatch b = new LokiBatch(null, 1 << 16);
        LokiStream s = stream("{job=\"a\"}", "job", "a");
        for (int i = 0; i < 2000; i++) {
            add(b, s, 1_704_103_200_000_000_000L + i, "{\"level\":\"info\",\"msg\":\"request served\",\"seq\":" + i + "}");
        }
        ByteSink raw = new ByteSink(1 << 16);
        LokiEncoder e = new LokiEncoder();
        e.encodeProtobuf(b, raw);
        int n = e.snappy(raw.array(), raw.length());
        assertThat(n).isLessThan(raw.length() / 3);
        byte[] back = PushDecoder.unsnappy(java.util.Arrays.copyOf(e.compressed(), n));
        assertThat(back).isEqualTo(java.util.Arrays.copyOf(raw.array(), raw.length()));
        assertThat(PushDecoder.protobuf(back).get(0).entries()).hasSize(2000);
    }

    @Test
    void jsonFormat() {
        LokiBatch b = new LokiBatch(null, 64);
        LokiStream s = stream("{job=\"a\", q=\"x\\\"y\"}", "job", "a", "q", "x\"y");
        add(b, s, 20, "second \"quoted\"\n", "k", "v");
        add(b, s, 10, "first");
        ByteSink out = new ByteSink(64);
        new LokiEncoder().encodeJson(b, out);
        assertThat(new String(out.array(), 0, out.length(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"streams\":[{\"stream\":{\"job\":\"a\",\"q\":\"x\\\"y\"},\"values\":[[\"10\",\"first\"],"
                        + "[\"20\",\"second \\\"quoted\\\"\\n\",{\"k\":\"v\"}]]}]}");
        assertThat(PushDecoder.json(java.util.Arrays.copyOf(out.array(), out.length())).get(0).labels())
                .isEqualTo(s.labels());
    }

    @Test
    void deadLetterEntryIsTheJsonValuesElement() {
        LokiBatch b = new LokiBatch(null, 64);
        add(b, stream("{job=\"a\"}", "job", "a"), 42, "line");
        assertThat(new String(LokiEncoder.entryJson(b, 0), StandardCharsets.UTF_8)).isEqualTo("[\"42\",\"line\"]");
    }
}
