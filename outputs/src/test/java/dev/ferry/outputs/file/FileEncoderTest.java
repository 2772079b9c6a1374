package dev.ferry.outputs.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.outputs.Sections;
import dev.ferry.outputs.TestRecords;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import org.junit.jupiter.api.Test;

class FileEncoderTest {

    private static final LogRecord RECORD =
            TestRecords.json("app.log", TestRecords.TIME, "{\"message\":\"hello \\\"you\\\"\",\"n\":1,\"f\":0.5,\"o\":{\"k\":null}}");

    private static String encode(LogRecord r, String... keyValues) {
        String[] all = new String[keyValues.length + 2];
        all[0] = "Name";
        all[1] = "file";
        System.arraycopy(keyValues, 0, all, 2, keyValues.length);
        FileEncoder e = new FileEncoder(FileConfig.from(Sections.bind(FileConfig.OPTIONS, all)));
        ByteSink out = new ByteSink(64);
        e.encode(r, out);
        return out.toString();
    }

    @Test
    void outFileIsTheDefault() {
        assertThat(encode(RECORD)).isEqualTo(
                "app.log: [1704103200.123456789, {\"message\":\"hello \\\"you\\\"\",\"n\":1,\"f\":0.5,\"o\":{\"k\":null}}]\n");
    }

    @Test
    void plainIsTheRecordJson() {
        assertThat(encode(RECORD, "Format", "plain"))
                .isEqualTo("{\"message\":\"hello \\\"you\\\"\",\"n\":1,\"f\":0.5,\"o\":{\"k\":null}}\n");
    }

    @Test
    void csvPrintsTheTimeAndTheValues() {
        assertThat(encode(RECORD, "Format", "csv"))
                .isEqualTo("1704103200.123456789,\"hello \"you\"\",1,0.500000,{\"k\"=>nil}\n");
        assertThat(encode(RECORD, "Format", "csv", "Delimiter", "tab"))
                .isEqualTo("1704103200.123456789\t\"hello \"you\"\"\t1\t0.500000\t{\"k\"=>nil}\n");
    }

    @Test
    void ltsvPrintsLabelledValues() {
        assertThat(encode(RECORD, "Format", "ltsv")).isEqualTo(
                "\"time\":1704103200.123457\t\"message\":\"hello \"you\"\"\t\"n\":1\t\"f\":0.500000\t\"o\":{\"k\"=>nil}\n");
        assertThat(encode(RECORD, "Format", "ltsv", "Delimiter", "space", "Label_Delimiter", "comma")).isEqualTo(
                "\"time\",1704103200.123457 \"message\",\"hello \"you\"\" \"n\",1 \"f\",0.500000 \"o\",{\"k\"=>nil}\n");
    }

    @Test
    void ltsvPrintsKeysRawAsMsgpackCDoes() {
        // plugins/out_file/file.c ltsv_output prints keys with msgpack_object_print: quoted, not escaped.
        LogRecord r = TestRecords.fields("t", TestRecords.TIME, "a\"b\tcé", 1);
        assertThat(encode(r, "Format", "ltsv")).isEqualTo("\"time\":1704103200.123457\t\"a\"b\tcé\":1\n");
    }

    @Test
    void csvAndLtsvSkipRecordsWithoutFields() {
        LogRecord empty = TestRecords.fields("t", TestRecords.TIME);
        assertThat(encode(empty, "Format", "csv")).isEmpty();
        assertThat(encode(empty, "Format", "ltsv")).isEmpty();
    }

    @Test
    void templateDefaultIsTimeAndMessage() {
        assertThat(encode(RECORD, "Format", "template")).isEqualTo("1704103200.123457 hello \"you\"\n");
    }

    @Test
    void templateFillsFieldsAndKeepsUnknownPlaceholders() {
        assertThat(encode(RECORD, "Format", "template", "Template", "[{n}] {o} {missing} {f}"))
                .isEqualTo("[1] {\"k\"=>nil} {missing} 0.500000\n");
    }

    @Test
    void templateBracesAsFluentBitReadsThem() {
        assertThat(encode(RECORD, "Format", "template", "Template", "a{x{n}b}c {unclosed"))
                .isEqualTo("a{x1b}c {unclosed\n");
        assertThat(encode(RECORD, "Format", "template", "Template", "no placeholders"))
                .isEqualTo("no placeholders\n");
    }
}
