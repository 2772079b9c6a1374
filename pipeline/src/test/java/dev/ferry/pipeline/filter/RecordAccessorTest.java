package dev.ferry.pipeline.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.pipeline.record.LogRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordAccessorTest {

    private final LogRecord record = TestRecords.json(
            "{\"log\":\"hello\",\"status\":200,\"k8s\":{\"labels\":{\"app\":\"web\",\"tier\":null},"
                    + "\"ports\":[80,{\"name\":\"https\"}]},\"ok\":true,\"nothing\":null}");

    @Test
    void plainKeyAndDollarKeyReadTopLevelFields() {
        assertThat(RecordAccessor.compile("log").text(record)).isEqualTo("hello");
        assertThat(RecordAccessor.compile("$log").text(record)).isEqualTo("hello");
        assertThat(RecordAccessor.compile("$status").get(record)).isEqualTo(200L);
        assertThat(RecordAccessor.compile("$status").text(record)).isEqualTo("200");
        assertThat(RecordAccessor.compile("ok").text(record)).isEqualTo("true");
        assertThat(RecordAccessor.compile("$log").nested()).isFalse();
    }

    @Test
    void plainKeyIsTakenVerbatimEvenWithBrackets() {
        LogRecord r = TestRecords.json("{\"a['b']\":\"literal\"}");

        assertThat(RecordAccessor.compile("a['b']").text(r)).isEqualTo("literal");
        assertThat(RecordAccessor.compile("a['b']").key()).isEqualTo("a['b']");
    }

    @Test
    void subscriptsWalkMapsAndArrays() {
        assertThat(RecordAccessor.compile("$k8s['labels']['app']").text(record)).isEqualTo("web");
        assertThat(RecordAccessor.compile("$k8s[\"labels\"][\"app\"]").text(record)).isEqualTo("web");
        assertThat(RecordAccessor.compile("$k8s['ports'][0]").get(record)).isEqualTo(80L);
        assertThat(RecordAccessor.compile("$k8s['ports'][1]['name']").text(record)).isEqualTo("https");
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("app", "web");
        labels.put("tier", null);
        assertThat(RecordAccessor.compile("$k8s['labels']").get(record)).isEqualTo(labels);
        assertThat(RecordAccessor.compile("$k8s['labels']").text(record)).isEqualTo("{\"app\":\"web\",\"tier\":null}");
        assertThat(RecordAccessor.compile("$k8s['ports']").get(record)).isEqualTo(List.of(80L, Map.of("name", "https")));
        assertThat(RecordAccessor.compile("$k8s['labels']['app']").nested()).isTrue();
    }

    @Test
    void absentPathsAreNullAndDoNotExist() {
        for (String path : List.of("$missing", "missing", "$k8s['nope']", "$k8s['ports'][2]", "$log['x']",
                "$k8s['labels'][0]", "$k8s['ports']['x']", "$status[0]")) {
            RecordAccessor ra = RecordAccessor.compile(path);
            assertThat(ra.get(record)).as(path).isNull();
            assertThat(ra.text(record)).as(path).isNull();
            assertThat(ra.exists(record)).as(path).isFalse();
        }
    }

    @Test
    void jsonNullExistsWithTextNull() {
        RecordAccessor top = RecordAccessor.compile("$nothing");
        RecordAccessor nested = RecordAccessor.compile("$k8s['labels']['tier']");

        assertThat(top.exists(record)).isTrue();
        assertThat(top.get(record)).isNull();
        assertThat(top.text(record)).isEqualTo("null");
        assertThat(nested.exists(record)).isTrue();
        assertThat(nested.text(record)).isEqualTo("null");
    }

    @Test
    void badSyntaxIsRejectedWithWhereItWentWrong() {
        assertError("$", "no key after '$'");
        assertError("$['a']", "no key after '$'");
        assertError("$a[", "unclosed '[' at end");
        assertError("$a['b'", "expected ']' at position 6");
        assertError("$a['b", "unclosed quote at position 3");
        assertError("$a[x]", "expected a quoted key or an array index at position 3");
        assertError("$a['b']c", "expected '[' at position 7");
        assertError("$a[-1]", "expected a quoted key or an array index at position 3");
        assertError("", "empty key");
    }

    private static void assertError(String text, String message) {
        assertThatThrownBy(() -> RecordAccessor.compile(text)).as(text)
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
