package dev.ferry.pipeline.filter.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.filter.TestRecords;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Parser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParserFilterTest {

    private final KeyValueTestParser kv = new KeyValueTestParser("kv");

    private static Options options(String... lines) {
        List<String> all = new ArrayList<>();
        all.add("Name parser");
        all.addAll(List.of(lines));
        return ParserFilterConfig.OPTIONS.bind(TestRecords.filter(all.toArray(String[]::new)));
    }

    private static ParserFilterConfig config(String... lines) {
        return ParserFilterConfig.from(options(lines));
    }

    private static String run(ParserFilter f, LogRecord r) {
        assertThat(f.apply(r)).isTrue();
        return r.fields().toString();
    }

    @ParameterizedTest(name = "Reserve_Data {0}, Preserve_Key {1}")
    @CsvSource(delimiterString = " ~ ", value = {
        "off ~ off ~ {\"a\":\"1\",\"b\":\"two\"}",
        "off ~ on ~ {\"a\":\"1\",\"b\":\"two\",\"log\":\"a=1 b=two\"}",
        "on ~ off ~ {\"a\":\"1\",\"b\":\"two\",\"stream\":\"stdout\",\"n\":{\"x\":[1]}}",
        "on ~ on ~ {\"a\":\"1\",\"b\":\"two\",\"stream\":\"stdout\",\"log\":\"a=1 b=two\",\"n\":{\"x\":[1]}}",
    })
    void reserveDataAndPreserveKeyDecideWhatStaysNextToTheParsedFields(String reserve, String preserve,
            String expected) {
        ParserFilter f = new ParserFilter(config("Key_Name log", "Parser kv", "Reserve_Data " + reserve,
                "Preserve_Key " + preserve), List.of(kv));
        LogRecord r = TestRecords.json("{\"stream\":\"stdout\",\"log\":\"a=1 b=two\",\"n\":{\"x\":[1]}}");

        assertThat(run(f, r)).isEqualTo(expected);
    }

    @Test
    void parsedKeysWinOverOriginalFieldsOfTheSameName() {
        ParserFilter f = new ParserFilter(config("Key_Name log", "Parser kv", "Reserve_Data on",
                "Preserve_Key on"), List.of(kv));
        LogRecord r = TestRecords.json("{\"level\":\"old\",\"log\":\"level=new log=inner\",\"z\":0}");

        assertThat(run(f, r)).isEqualTo("{\"level\":\"new\",\"log\":\"inner\",\"z\":0}");
    }

    @Test
    void logTimeFromTheParseBecomesTheRecordTime() {
        ParserFilter f = new ParserFilter(config("Key_Name log", "Parser kv"), List.of(kv));
        LogRecord r = TestRecords.json("{\"log\":\"time=1700000000123456789 msg=hi\"}");
        r.readTime(5);

        assertThat(run(f, r)).isEqualTo("{\"msg\":\"hi\"}");
        assertThat(r.timeNanos()).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(r.timeFromLog()).isTrue();
    }

    @Test
    void readTimeStaysWhenTheParseFindsNoTime() {
        ParserFilter f = new ParserFilter(config("Key_Name log", "Parser kv"), List.of(kv));
        LogRecord r = TestRecords.json("{\"log\":\"msg=hi\"}");
        r.readTime(5);

        f.apply(r);

        assertThat(r.timeNanos()).isEqualTo(5);
        assertThat(r.timeFromLog()).isFalse();
    }

    @Test
    void firstParserThatSucceedsWins() {
        int[] neverCalls = {0};
        Parser never = new Parser() {
            @Override
            public boolean parse(LogRecord record) {
                neverCalls[0]++;
                record.fields().appendText("partial", 0, 1);
                record.fields().clear();
                record.parseError("never matches");
                return false;
            }

            @Override
            public String name() {
                return "never";
            }
        };
        KeyValueTestParser second = new KeyValueTestParser("second");
        KeyValueTestParser third = new KeyValueTestParser("third");
        ParserFilter f = new ParserFilter(config("Key_Name log", "Parser never", "Parser second", "Parser third"),
                List.of(never, second, third));
        LogRecord r = TestRecords.json("{\"log\":\"a=1\"}");

        assertThat(run(f, r)).isEqualTo("{\"a\":\"1\"}");
        assertThat(neverCalls[0]).isEqualTo(1);
        assertThat(second.calls).hasValue(1);
        assertThat(third.calls).hasValue(0);
    }

    @Test
    void recordIsUnchangedWhenNoParserSucceeds() {
        ParserFilter f = new ParserFilter(config("Key_Name log", "Parser kv", "Reserve_Data on"), List.of(kv));
        LogRecord r = TestRecords.json("{\"log\":\"not key value\",\"a\":1}");
        r.readTime(7);

        assertThat(run(f, r)).isEqualTo("{\"log\":\"not key value\",\"a\":1}");
        assertThat(r.fields().rawPrefix()).isEqualTo(2);
        assertThat(r.timeNanos()).isEqualTo(7);
        assertThat(kv.calls).hasValue(1);
    }

    @Test
    void recordIsUnchangedWhenTheKeyIsAbsentOrNotAString() {
        ParserFilter f = new ParserFilter(config("Key_Name log", "Parser kv"), List.of(kv));

        assertThat(run(f, TestRecords.json("{\"msg\":\"a=1\"}"))).isEqualTo("{\"msg\":\"a=1\"}");
        assertThat(run(f, TestRecords.json("{\"log\":{\"a\":\"b=1\"}}"))).isEqualTo("{\"log\":{\"a\":\"b=1\"}}");
        assertThat(run(f, TestRecords.json("{\"log\":42}"))).isEqualTo("{\"log\":42}");
        assertThat(kv.calls).hasValue(0);
    }

    @Test
    void escapedJsonStringsAreParsedDecoded() {
        ParserFilter f = new ParserFilter(config("Key_Name log", "Parser kv"), List.of(kv));
        LogRecord r = TestRecords.json("{\"log\":\"path=C:\\\\tmp q=\\\"x\\\" u=\\u00e9\"}");

        assertThat(run(f, r)).isEqualTo("{\"path\":\"C:\\\\tmp\",\"q\":\"\\\"x\\\"\",\"u\":\"é\"}");
    }

    @Test
    void textLogFieldIsParsed() {
        ParserFilter f = new ParserFilter(config("Key_Name log", "Parser kv", "Preserve_Key on"), List.of(kv));

        assertThat(run(f, TestRecords.text("a=1 b=2"))).isEqualTo("{\"a\":\"1\",\"b\":\"2\",\"log\":\"a=1 b=2\"}");
    }

    @Test
    void parsedValuesOutliveTheScratchRecord() {
        ParserFilter f = new ParserFilter(config("Key_Name log", "Parser kv"), List.of(kv));
        LogRecord first = TestRecords.json("{\"log\":\"a=first\"}");
        LogRecord second = TestRecords.json("{\"log\":\"a=SECOND_LONGER\"}");

        f.apply(first);
        f.apply(second);

        assertThat(first.fields().toString()).isEqualTo("{\"a\":\"first\"}");
        assertThat(second.fields().toString()).isEqualTo("{\"a\":\"SECOND_LONGER\"}");
    }

    @Test
    void threadsParseIntoTheirOwnScratchRecords() throws Exception {
        ParserFilter f = new ParserFilter(config("Key_Name log", "Parser kv", "Reserve_Data on"), List.of(kv));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        LogRecord r = TestRecords.json("{\"log\":\"t=" + id + " i=" + i + "\"}");
                        f.apply(r);
                        if (!r.fields().toString().equals("{\"t\":\"" + id + "\",\"i\":\"" + i + "\"}")) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void configRecordsTheParserNamesInOrder() {
        ParserFilterConfig c = config("Key_Name log", "Parser json", "Parser  docker ", "Reserve_Data true");

        assertThat(c).isEqualTo(new ParserFilterConfig("log", List.of("json", "docker"), true, false));
    }

    @Test
    void keyNameIsRequired() {
        assertThatThrownBy(() -> config("Parser json")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:3: [FILTER] parser: missing required key 'Key_Name' (The field whose value "
                        + "is parsed)");
    }

    @Test
    void parserIsRequired() {
        assertThatThrownBy(() -> config("Key_Name log")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:3: [FILTER] parser: missing required key 'Parser' (A parser name ([PARSER] "
                        + "Name or a built-in); repeat for several, the first that succeeds wins)");
    }

    @Test
    void emptyParserName() {
        assertThatThrownBy(() -> config("Key_Name log", "Parser ")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:6: [FILTER] parser: 'Parser' needs a parser name");
    }

    @Test
    void emptyKeyName() {
        assertThatThrownBy(() -> config("Key_Name ", "Parser json")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [FILTER] parser: 'Key_Name' needs a key");
    }

    @Test
    void badBoolean() {
        assertThatThrownBy(() -> config("Key_Name log", "Parser json", "Reserve_Data maybe"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:7: [FILTER] parser: bad value 'maybe' for key 'Reserve_Data'; "
                        + "allowed: on, off, true, false, yes or no");
    }

    @Test
    void unescapeKeyIsAcceptedWithAWarning() {
        Options o = options("Key_Name log", "Parser json", "Unescape_Key on");

        assertThat(o.warnings()).containsExactly("test.conf:7: [FILTER] parser: key 'Unescape_Key' has no effect "
                + "in ferry (values are parsed as the decoded strings they are)");
        assertThat(ParserFilterConfig.from(o).keyName()).isEqualTo("log");
    }

    @Test
    void filterNeedsAtLeastOneParser() {
        assertThatThrownBy(() -> new ParserFilter(config("Key_Name log", "Parser json"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parser filter on key log has no parser");
    }
}
