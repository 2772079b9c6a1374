package dev.ferry.pipeline.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.record.LogRecord;
import org.junit.jupiter.api.Test;

class TestRecordsTest {

    @Test
    void jsonRecordsHoldRawSpansThatWriteBackVerbatim() {
        String line = "{\"a\":1,\"b\":\"x\\\"y\",\"c\":{\"d\":[1,2]},\"e\":null,\"f\":true,\"g\":\"é\"}";
        LogRecord r = TestRecords.json(line);

        assertThat(r.fields().size()).isEqualTo(6);
        assertThat(r.fields().rawPrefix()).isEqualTo(6);
        assertThat(r.fields().toString()).isEqualTo(line);
        assertThat(r.fields().text("b")).isEqualTo("x\"y");
        assertThat(r.fields().text("c")).isEqualTo("{\"d\":[1,2]}");
        assertThat(r.fields().get("g")).isEqualTo("é");
    }
}
