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

class LogfmtParserTest {

    @Test
    void readsPairsQuotedValuesAndBareKeys() {
        LogfmtParser p = new LogfmtParser("logfmt", FieldType.parseTypes("status:integer"), null);
        LogRecord r = record("level=info msg=\"request \\\"done\\\" ok\" status=200 path=/v3/x empty= quoted=\"\" flag");
        assertThat(p.parse(r)).isTrue();
        assertThat(json(r)).isEqualTo("{\"level\":\"info\",\"msg\":\"request \\\"done\\\" ok\",\"status\":200,"
                + "\"path\":\"/v3/x\",\"empty\":null,\"quoted\":\"\",\"flag\":null}");
    }

    @Test
    void readsTheTimeKey() {
        TimeField time = new TimeField("ts", TimeFormat.compile("%Y-%m-%dT%H:%M:%S%z"), false, 0);
        LogRecord r = record("ts=2024-01-01T12:00:00+0200 msg=hi");
        assertThat(new LogfmtParser("l", Map.of(), time).parse(r)).isTrue();
        assertThat(r.timeNanos()).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        assertThat(json(r)).isEqualTo("{\"msg\":\"hi\"}");
    }

    @Test
    void rejectsLinesWithoutPairs() {
        LogRecord r = record("   ===  \"\"  ");
        assertThat(new LogfmtParser("lf", Map.of(), null).parse(r)).isFalse();
        assertThat(r.parseError()).isEqualTo("no key=value pairs in line (parser lf)");
    }

    @Test
    void withNoBareKeysALineWithAKeyAloneDoesNotParse() {
        LogfmtParser strict = new LogfmtParser("lf", Map.of(), null, true);
        LogRecord bare = record("level=info msg=hi flag");
        assertThat(strict.parse(bare)).isFalse();
        assertThat(bare.parseError()).isEqualTo("key 'flag' has no value and Logfmt_No_Bare_Keys is on (parser lf)");
        assertThat(json(bare)).isEqualTo("{}");
        // key= has a value (empty), as in Fluent Bit
        LogRecord empty = record("level=info empty=");
        assertThat(strict.parse(empty)).isTrue();
        assertThat(json(empty)).isEqualTo("{\"level\":\"info\",\"empty\":null}");
    }

    @Test
    void countsTheInvalidUtf8BytesOfTheKeysAndEscapedValuesItDecodes() {
        // Latin-1 in a key and in an escaped value (both become strings), and in a plain value (a span of the line)
        LogRecord r = record(new byte[] {'k', (byte) 0xE9, '=', 'v', ' ', 'm', '=', '"', '\\', '"', (byte) 0xFF, '"', ' ',
            'p', '=', (byte) 0xE9});
        assertThat(new LogfmtParser("lf", Map.of(), null).parse(r)).isTrue();
        assertThat(r.fields().invalidUtf8()).isEqualTo(2);
        assertThat(json(r)).isEqualTo("{\"k\uFFFD\":\"v\",\"m\":\"\\\"\uFFFD\",\"p\":\"\uFFFD\"}");
        assertThat(r.fields().invalidUtf8()).isEqualTo(3);
    }
}
