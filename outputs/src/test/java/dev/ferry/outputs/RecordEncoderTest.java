package dev.ferry.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordEncoderTest {

    private final ByteSink out = new ByteSink(64);

    private static LogRecord sample() {
        return TestRecords.json("app.log", TestRecords.TIME, "{\"log\":\"hi \\\"there\\\"\",\"n\":1,\"m\":{\"a\":[1,2]}}");
    }

    @Test
    void jsonPutsTheDateKeyFirstAndCopiesTheOriginalBytes() {
        new RecordEncoder("date", JsonDateFormat.DOUBLE).writeJson(sample(), out);
        assertThat(out.toString())
                .isEqualTo("{\"date\":1704103200.123457,\"log\":\"hi \\\"there\\\"\",\"n\":1,\"m\":{\"a\":[1,2]}}");
    }

    @Test
    void jsonWithEveryDateFormat() {
        LogRecord r = TestRecords.json("t", TestRecords.TIME, "{\"a\":1}");
        assertThat(encode(new RecordEncoder("date", JsonDateFormat.EPOCH), r))
                .isEqualTo("{\"date\":1704103200,\"a\":1}");
        assertThat(encode(new RecordEncoder("date", JsonDateFormat.EPOCH_MS), r))
                .isEqualTo("{\"date\":1704103200123,\"a\":1}");
        assertThat(encode(new RecordEncoder("@t", JsonDateFormat.ISO8601), r))
                .isEqualTo("{\"@t\":\"2024-01-01T10:00:00.123456Z\",\"a\":1}");
        assertThat(encode(new RecordEncoder("ts", JsonDateFormat.JAVA_SQL_TIMESTAMP), r))
                .isEqualTo("{\"ts\":\"2024-01-01 10:00:00.123456\",\"a\":1}");
    }

    @Test
    void jsonWithoutDateKeyIsTheRecordAlone() {
        RecordEncoder.withoutDate().writeJsonLine(sample(), out);
        assertThat(out.toString()).isEqualTo("{\"log\":\"hi \\\"there\\\"\",\"n\":1,\"m\":{\"a\":[1,2]}}\n");
    }

    @Test
    void jsonOfARecordWithoutFieldsHasOnlyTheDate() {
        LogRecord r = TestRecords.fields("t", TestRecords.TIME);
        assertThat(encode(new RecordEncoder("date", JsonDateFormat.EPOCH), r)).isEqualTo("{\"date\":1704103200}");
        assertThat(encode(RecordEncoder.withoutDate(), r)).isEqualTo("{}");
    }

    @Test
    void jsonOfAFilteredRecordAppendsTheNewFields() {
        LogRecord r = sample();
        r.fields().remove("n");
        r.fields().put("k8s", Map.of("pod", "p-1"));
        r.fields().put("tags", List.of("a", 2L));
        assertThat(encode(new RecordEncoder("date", JsonDateFormat.EPOCH), r)).isEqualTo(
                "{\"date\":1704103200,\"log\":\"hi \\\"there\\\"\",\"m\":{\"a\":[1,2]},\"k8s\":{\"pod\":\"p-1\"},"
                        + "\"tags\":[\"a\",2]}");
    }

    @Test
    void dateKeyIsEscaped() {
        LogRecord r = TestRecords.json("t", TestRecords.TIME, "{\"a\":1}");
        assertThat(encode(new RecordEncoder("d\"k", JsonDateFormat.EPOCH), r)).isEqualTo("{\"d\\\"k\":1704103200,\"a\":1}");
    }

    @Test
    void outFileLine() {
        RecordEncoder.withoutDate().writeOutFileLine(sample(), out);
        assertThat(out.toString())
                .isEqualTo("app.log: [1704103200.123456789, {\"log\":\"hi \\\"there\\\"\",\"n\":1,\"m\":{\"a\":[1,2]}}]\n");
    }

    @Test
    void msgpackLine() {
        RecordEncoder e = RecordEncoder.withoutDate();
        e.writeMsgpackLine(sample(), 0, out);
        e.writeMsgpackLine(TestRecords.fields("other", TestRecords.TIME, "f", 2.5, "x", null), 1, out);
        assertThat(out.toString()).isEqualTo(
                "[0] app.log: [[1704103200.123456789, {}], {\"log\"=>\"hi \"there\"\", \"n\"=>1, \"m\"=>{\"a\"=>[1, 2]}}]\n"
                        + "[1] other: [[1704103200.123456789, {}], {\"f\"=>2.500000, \"x\"=>nil}]\n");
    }

    private static String encode(RecordEncoder e, LogRecord r) {
        ByteSink s = new ByteSink(64);
        e.writeJson(r, s);
        return s.toString();
    }
}
