package dev.ferry.outputs.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.outputs.TestRecords;
import dev.ferry.pipeline.filter.RecordAccessor;
import dev.ferry.pipeline.record.LogRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LokiLabelsTest {

    private static final LogRecord RECORD = TestRecords.json("t", 1, "{\"level\":\"info\",\"sub\":{\"stream\":\"stdout\","
            + "\"id\":\"x\"},\"kubernetes\":{\"labels\":{\"app.kubernetes.io/name\":\"web\",\"team\":\"core\","
            + "\"n\":1},\"pod_name\":\"web-1\"},\"trace_id\":\"abc\",\"q\":\"say \\\"hi\\\"\"}");

    private static String labels(LokiLabels l) {
        return l.build(RECORD, new LokiLabels.Scratch());
    }

    @Test
    void fixedAccessorAndNormalizedNamesSortedAndQuoted() {
        LokiLabels l = LokiLabels.compile(List.of("job=ferry", "lvl=$level", "$sub['stream']", "quote=$q"),
                List.of("$kubernetes['pod_name']"), null, false, true);
        assertThat(labels(l)).isEqualTo("{job=\"ferry\", kubernetes_pod_name=\"web-1\", lvl=\"info\", "
                + "quote=\"say \\\"hi\\\"\", sub_stream=\"stdout\"}");
        assertThat(l.isFixed()).isFalse();
        assertThat(l.keysToRemove()).extracting(RecordAccessor::toString)
                .containsExactly("$level", "$sub['stream']", "$q", "$kubernetes['pod_name']");
    }

    @Test
    void noLabelsGiveFluentBitsDefaultJob() {
        assertThat(labels(LokiLabels.compile(List.of(), List.of(), null, false, true))).isEqualTo("{job=\"fluent-bit\"}");
        assertThat(labels(LokiLabels.compile(List.of("x=$absent"), List.of(), null, false, true)))
                .isEqualTo("{job=\"fluent-bit\"}");
    }

    @Test
    void labelMapAndKubernetesLabels() {
        LokiLabels l = LokiLabels.compile(List.of("job=k"), List.of(),
                Map.of("kubernetes", Map.of("pod_name", "pod")), true, true);
        // kubernetes.labels: names sanitized (app.kubernetes.io/name), non-string values left out (n).
        assertThat(labels(l)).isEqualTo("{app_kubernetes_io_name=\"web\", job=\"k\", pod=\"web-1\", team=\"core\"}");
    }

    @Test
    void highCardinalityKeyIsRefusedUnlessTheCheckIsOff() {
        assertThatThrownBy(() -> LokiLabels.compile(List.of("trace=$trace_id"), List.of(), null, false, true))
                .hasMessage("label 'trace' takes its value from $trace_id, a high-cardinality key (trace_id): every "
                        + "distinct value makes a new Loki stream; keep it in the line or use Structured_Metadata, or "
                        + "set label_cardinality_check off");
        assertThatThrownBy(() -> LokiLabels.compile(List.of(), List.of("$fields['seq']"), null, false, true))
                .hasMessageContaining("a high-cardinality key (seq)");
        assertThat(labels(LokiLabels.compile(List.of("trace=$trace_id"), List.of(), null, false, false)))
                .isEqualTo("{trace=\"abc\"}");
    }

    @Test
    void badItemsAreRefused() {
        assertThatThrownBy(() -> LokiLabels.compile(List.of("job"), List.of(), null, false, true))
                .hasMessage("invalid key value pair 'job' in Labels; allowed: name=value, name=$record['accessor'] "
                        + "or $record['accessor']");
        assertThatThrownBy(() -> LokiLabels.compile(List.of("my-job=x"), List.of(), null, false, true))
                .hasMessage("invalid label name 'my-job' in Labels; allowed: letters, digits and _, not starting "
                        + "with a digit");
        assertThatThrownBy(() -> LokiLabels.compile(List.of(), List.of("level"), null, false, true))
                .hasMessage("invalid label key 'level' in Label_Keys: the name must start with '$'");
    }

    @Test
    void runTimeGuardCountsStreamsPastTheLimit() {
        LokiStreams streams = new LokiStreams("loki.0", 2);
        LokiLabels l = LokiLabels.compile(List.of("lvl=$level"), List.of(), null, false, true);
        LokiLabels.Scratch s = new LokiLabels.Scratch();
        for (String level : List.of("a", "b", "a", "c", "d")) {
            LogRecord r = TestRecords.json("t", 1, "{\"level\":\"" + level + "\"}");
            String text = l.build(r, s);
            assertThat(streams.intern(text, s).labels()).isEqualTo("{lvl=\"" + level + "\"}");
        }
        assertThat(streams.overLimit.sum()).isEqualTo(2);
    }

    @Test
    void aLabelSetMetBeforeGivesItsTextAgainAndEveryOtherItsOwn() {
        LokiLabels l = LokiLabels.compile(List.of("job=erlmcp", "level=$level", "$kubernetes['pod_name']"), List.of(),
                null, false, true);
        LokiLabels.Scratch s = new LokiLabels.Scratch();
        String info = l.build(TestRecords.json("t", 1, "{\"level\":\"info\",\"kubernetes\":{\"pod_name\":\"web-1\"}}"), s);
        assertThat(info).isEqualTo("{job=\"erlmcp\", kubernetes_pod_name=\"web-1\", level=\"info\"}");
        // More distinct sets than are remembered, twice round: each gets its own text, with its own pairs left in
        // the scratch; an absent label is no label, not the one of the set before.
        for (int round = 0; round < 2; round++) {
            for (int n = 0; n < 40; n++) {
                String pod = n % 5 == 0 ? "" : ",\"kubernetes\":{\"pod_name\":\"web-" + (n % 20) + "\"}";
                String text = l.build(TestRecords.json("t", 1, "{\"level\":\"l" + (n / 20) + "\"" + pod + "}"), s);
                String expected = n % 5 == 0 ? "{job=\"erlmcp\", level=\"l" + (n / 20) + "\"}"
                        : "{job=\"erlmcp\", kubernetes_pod_name=\"web-" + (n % 20) + "\", level=\"l" + (n / 20) + "\"}";
                assertThat(text).isEqualTo(expected);
                assertThat(s.size()).isEqualTo(n % 5 == 0 ? 2 : 3);
                assertThat(s.value(s.size() - 1)).isEqualTo("l" + (n / 20));
            }
        }
        String again = l.build(TestRecords.json("t", 2, "{\"kubernetes\":{\"pod_name\":\"web-3\"},\"level\":\"l0\"}"), s);
        assertThat(l.build(TestRecords.json("t", 3, "{\"level\":\"l0\",\"kubernetes\":{\"pod_name\":\"web-3\"}}"), s))
                .as("the set just met: the same text, not built again").isSameAs(again);
    }
}
