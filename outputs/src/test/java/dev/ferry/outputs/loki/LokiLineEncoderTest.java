package dev.ferry.outputs.loki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.outputs.TestRecords;
import dev.ferry.outputs.loki.LokiLineEncoder.DropSingleKey;
import dev.ferry.outputs.loki.LokiLineEncoder.LineFormat;
import dev.ferry.pipeline.filter.RecordAccessor;
import dev.ferry.pipeline.record.LogRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class LokiLineEncoderTest {

    private static final String JSON = "{\"log\":\"hello \\\"you\\\"\",\"n\":2,\"d\":2.0,\"ok\":true,\"nil\":null,"
            + "\"k\":{\"a\":\"x\",\"b\":[1,2]}}";

    private static String line(LineFormat f, DropSingleKey d, String json, String... remove) {
        List<RecordAccessor> r = java.util.Arrays.stream(remove).map(RecordAccessor::compile).toList();
        LogRecord rec = TestRecords.json("t", 1, json);
        return new LokiLineEncoder(f, d, r).encodeToString(rec);
    }

    @Test
    void jsonKeepsTheOriginalBytesAndRemovesKeys() {
        assertThat(line(LineFormat.JSON, DropSingleKey.OFF, JSON)).isEqualTo(JSON);
        assertThat(line(LineFormat.JSON, DropSingleKey.OFF, JSON, "n", "$k['a']", "nil"))
                .isEqualTo("{\"log\":\"hello \\\"you\\\"\",\"d\":2.0,\"ok\":true,\"k\":{\"b\":[1,2]}}");
    }

    @Test
    void jsonWithoutALabelsKeyKeepsTheOtherMembersBytesAsTheyCame() {
        String json = "{\"log\": \"a \\u00e9\", \"level\": \"info\", \"n\": 1.50, \"m\": {\"x\": [1, 2]}}";
        assertThat(line(LineFormat.JSON, DropSingleKey.OFF, json, "level"))
                .isEqualTo("{\"log\": \"a \\u00e9\",\"n\": 1.50, \"m\": {\"x\": [1, 2]}}");
        assertThat(line(LineFormat.JSON, DropSingleKey.OFF, json, "log", "m"))
                .isEqualTo("{\"level\": \"info\", \"n\": 1.50}");
    }

    @Test
    void keyValueIsFluentBitsFormat() {
        assertThat(line(LineFormat.KEY_VALUE, DropSingleKey.OFF, JSON))
                .isEqualTo("log=\"hello \"you\"\" n=2 d=2.0 ok=true nil=null k=\"map[a:\"x\" b:\"[1 2]\"]\"");
    }

    @Test
    void dropSingleKey() {
        String j = "{\"log\":\"text\",\"level\":\"info\"}";
        assertThat(line(LineFormat.JSON, DropSingleKey.ON, j, "level")).isEqualTo("\"text\"");
        assertThat(line(LineFormat.JSON, DropSingleKey.RAW, j, "level")).isEqualTo("text");
        assertThat(line(LineFormat.KEY_VALUE, DropSingleKey.ON, j, "level")).isEqualTo("text");
        assertThat(line(LineFormat.JSON, DropSingleKey.ON, "{\"k\":{\"a\":1},\"x\":1}", "x")).isEqualTo("{\"a\":1}");
        assertThat(line(LineFormat.JSON, DropSingleKey.ON, j)).isEqualTo(j);
    }
}
