package dev.ferry.parsers.text;

import static dev.ferry.parsers.Records.json;
import static dev.ferry.parsers.Records.nanos;
import static dev.ferry.parsers.Records.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.parsers.time.TimeField;
import dev.ferry.parsers.time.TimeFormat;
import dev.ferry.pipeline.record.LogRecord;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LtsvParserTest {

    private static final String LINE = "time:01/Jan/2024:12:00:00 +0200\thost:10.0.0.1\treq:GET /a:b HTTP/1.1\t"
            + "status:200\tsize:\tjunk\t:nolabel";

    @Test
    void readsLabeledFields() {
        LtsvParser p = new LtsvParser("ltsv", FieldType.parseTypes("status:integer"), null, true);
        LogRecord r = record(LINE);
        assertThat(p.parse(r)).isTrue();
        assertThat(json(r)).isEqualTo("{\"time\":\"01/Jan/2024:12:00:00 +0200\",\"host\":\"10.0.0.1\","
                + "\"req\":\"GET /a:b HTTP/1.1\",\"status\":200}");
    }

    @Test
    void keepsEmptyValuesWhenToldAndReadsTheTime() {
        TimeField time = new TimeField("time", TimeFormat.compile("%d/%b/%Y:%H:%M:%S %z"), false, 0);
        LogRecord r = record(LINE);
        assertThat(new LtsvParser("ltsv", Map.of(), time, false).parse(r)).isTrue();
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        assertThat(json(r)).isEqualTo("{\"host\":\"10.0.0.1\",\"req\":\"GET /a:b HTTP/1.1\",\"status\":\"200\",\"size\":\"\"}");
    }

    @Test
    void rejectsLinesWithoutFields() {
        LogRecord r = record("plain text");
        assertThat(new LtsvParser("lt", Map.of(), null, true).parse(r)).isFalse();
        assertThat(r.parseError()).isEqualTo("no label:value fields in line (parser lt)");
    }

    @Test
    void countsTheInvalidUtf8BytesOfTheLabelsItDecodes() {
        LogRecord r = record(new byte[] {'h', (byte) 0xE9, ':', 'x'});
        assertThat(new LtsvParser("ltsv", Map.of(), null, true).parse(r)).isTrue();
        assertThat(r.fields().invalidUtf8()).isEqualTo(1);
        assertThat(json(r)).isEqualTo("{\"h\uFFFD\":\"x\"}");
    }
}
