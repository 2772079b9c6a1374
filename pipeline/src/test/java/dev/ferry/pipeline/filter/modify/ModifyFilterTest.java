package dev.ferry.pipeline.filter.modify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.filter.TestRecords;
import dev.ferry.pipeline.record.LogRecord;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModifyFilterTest {

    static ModifyFilter modify(String... rules) {
        List<String> lines = new ArrayList<>();
        lines.add("Name modify");
        lines.addAll(List.of(rules));
        return new ModifyFilter(ModifyConfig.from(ModifyConfig.OPTIONS.bind(TestRecords.filter(lines.toArray(String[]::new)))));
    }

    static String run(ModifyFilter filter, String json) {
        LogRecord r = TestRecords.json(json);
        assertThat(filter.apply(r)).isTrue();
        return r.fields().toString();
    }

    @Test
    void setReplacesEveryFieldOfThatNameWithOneStringAtTheEnd() {
        ModifyFilter f = modify("Set b x");

        assertThat(run(f, "{\"a\":1,\"b\":2,\"c\":3}")).isEqualTo("{\"a\":1,\"c\":3,\"b\":\"x\"}");
        assertThat(run(f, "{\"a\":1}")).isEqualTo("{\"a\":1,\"b\":\"x\"}");
        assertThat(run(f, "{\"a\":1,\"b\":2}")).isEqualTo("{\"a\":1,\"b\":\"x\"}");
        assertThat(run(f, "{\"b\":1,\"a\":1,\"b\":2}")).isEqualTo("{\"a\":1,\"b\":\"x\"}");
    }

    @Test
    void setValuesAreStrings() {
        assertThat(run(modify("Set n 5"), "{}")).isEqualTo("{\"n\":\"5\"}");
    }

    @Test
    void addOnlyWhenAbsent() {
        ModifyFilter f = modify("Add host web-1");

        assertThat(run(f, "{\"log\":\"x\"}")).isEqualTo("{\"log\":\"x\",\"host\":\"web-1\"}");
        assertThat(run(f, "{\"host\":\"db\",\"log\":\"x\"}")).isEqualTo("{\"host\":\"db\",\"log\":\"x\"}");
        assertThat(run(f, "{\"Host\":\"db\"}")).isEqualTo("{\"Host\":\"db\",\"host\":\"web-1\"}");
    }

    @Test
    void valuesTakeTheRestOfTheLineAndQuotesKeepSpaces() {
        assertThat(run(modify("Add message hello world"), "{}")).isEqualTo("{\"message\":\"hello world\"}");
        assertThat(run(modify("Add message \"  padded  \""), "{}")).isEqualTo("{\"message\":\"  padded  \"}");
        assertThat(run(modify("Add \"my key\" v"), "{}")).isEqualTo("{\"my key\":\"v\"}");
    }

    @Test
    void removeTakesEveryFieldOfThatName() {
        ModifyFilter f = modify("Remove a");

        assertThat(run(f, "{\"a\":1,\"b\":2,\"a\":3}")).isEqualTo("{\"b\":2}");
        assertThat(run(f, "{\"b\":2}")).isEqualTo("{\"b\":2}");
        assertThat(run(f, "{\"A\":2}")).isEqualTo("{\"A\":2}");
    }

    @Test
    void removeWildcardTakesKeysWithThePrefix() {
        String in = "{\"Mem.total\":1,\"Mem.used\":2,\"Swap.total\":3,\"mem.x\":4,\"Mem\":5}";

        assertThat(run(modify("Remove_wildcard Mem.*"), in)).isEqualTo("{\"Swap.total\":3,\"mem.x\":4,\"Mem\":5}");
        assertThat(run(modify("Remove_wildcard Mem"), in)).isEqualTo("{\"Swap.total\":3,\"mem.x\":4}");
        assertThat(run(modify("Remove_wildcard *"), in)).isEqualTo("{}");
    }

    @Test
    void removeRegexTakesKeysContainingAMatch() {
        String in = "{\"Mem.total\":1,\"Swap.used\":2,\"cpu\":3,\"x_Mem\":4}";

        assertThat(run(modify("Remove_regex ^(Mem|Swap)\\."), in)).isEqualTo("{\"cpu\":3,\"x_Mem\":4}");
        assertThat(run(modify("Remove_regex Mem"), in)).isEqualTo("{\"Swap.used\":2,\"cpu\":3}");
    }

    @Test
    void renameKeepsPositionAndNeverOverwrites() {
        ModifyFilter f = modify("Rename a c");

        assertThat(run(f, "{\"a\":1,\"b\":2}")).isEqualTo("{\"c\":1,\"b\":2}");
        assertThat(run(f, "{\"a\":1,\"c\":2}")).isEqualTo("{\"a\":1,\"c\":2}");
        assertThat(run(f, "{\"b\":2}")).isEqualTo("{\"b\":2}");
    }

    @Test
    void hardRenameReplacesTheTarget() {
        ModifyFilter f = modify("Hard_rename a b");

        assertThat(run(f, "{\"a\":1,\"b\":2,\"c\":3}")).isEqualTo("{\"b\":1,\"c\":3}");
        assertThat(run(f, "{\"b\":2,\"a\":1}")).isEqualTo("{\"b\":1}");
        assertThat(run(f, "{\"a\":1}")).isEqualTo("{\"b\":1}");
        assertThat(run(f, "{\"b\":2}")).isEqualTo("{\"b\":2}");
        assertThat(run(modify("Hard_rename a a"), "{\"a\":1}")).isEqualTo("{\"a\":1}");
    }

    @Test
    void copyInsertsAfterTheSourceOnlyWithoutCollision() {
        ModifyFilter f = modify("Copy a c");

        assertThat(run(f, "{\"a\":{\"x\":[1]},\"b\":2}")).isEqualTo("{\"a\":{\"x\":[1]},\"c\":{\"x\":[1]},\"b\":2}");
        assertThat(run(f, "{\"a\":1,\"c\":2}")).isEqualTo("{\"a\":1,\"c\":2}");
        assertThat(run(f, "{\"a\":1,\"a\":2}")).isEqualTo("{\"a\":1,\"a\":2}");
        assertThat(run(f, "{\"b\":2}")).isEqualTo("{\"b\":2}");
    }

    @Test
    void hardCopyReplacesTheTarget() {
        ModifyFilter f = modify("Hard_copy a b");

        assertThat(run(f, "{\"a\":1,\"b\":2,\"c\":3}")).isEqualTo("{\"a\":1,\"b\":1,\"c\":3}");
        assertThat(run(f, "{\"b\":2,\"a\":\"s\",\"c\":3}")).isEqualTo("{\"a\":\"s\",\"b\":\"s\",\"c\":3}");
        assertThat(run(f, "{\"a\":1}")).isEqualTo("{\"a\":1,\"b\":1}");
        assertThat(run(f, "{\"a\":1,\"b\":2,\"b\":3}")).isEqualTo("{\"a\":1,\"b\":2,\"b\":3}");
        assertThat(run(f, "{\"b\":2}")).isEqualTo("{\"b\":2}");
    }

    @Test
    void moveToStartAndEndKeepTheOrderWithinEachGroup() {
        String in = "{\"a\":1,\"k1\":2,\"b\":3,\"k2\":4}";

        assertThat(run(modify("Move_to_start k*"), in)).isEqualTo("{\"k1\":2,\"k2\":4,\"a\":1,\"b\":3}");
        assertThat(run(modify("Move_to_end k*"), in)).isEqualTo("{\"a\":1,\"b\":3,\"k1\":2,\"k2\":4}");
        assertThat(run(modify("Move_to_start z*"), in)).isEqualTo(in);
        assertThat(run(modify("Move_to_end z*"), in)).isEqualTo(in);
    }

    @Test
    void rulesRunInTheOrderWritten() {
        ModifyFilter f = modify("Rename a b", "Add a new", "Copy a c", "Remove_wildcard x");

        assertThat(run(f, "{\"a\":1,\"x1\":0}")).isEqualTo("{\"b\":1,\"a\":\"new\",\"c\":\"new\"}");
    }

    @Test
    void textFieldsAreMovedAndCopiedAsText() {
        LogRecord r = TestRecords.text("plain \"line\"");

        modify("Copy log message", "Move_to_end log").apply(r);

        assertThat(r.fields().toString()).isEqualTo("{\"message\":\"plain \\\"line\\\"\",\"log\":\"plain \\\"line\\\"\"}");
    }

    @Test
    void addKeepsTheRawPrefixOfAnUntouchedObject() {
        LogRecord r = TestRecords.json("{\"a\":1,\"b\":\"x\"}");

        modify("Add host h", "Add cluster c").apply(r);

        assertThat(r.fields().rawPrefix()).isEqualTo(2);
        assertThat(r.fields().toString()).isEqualTo("{\"a\":1,\"b\":\"x\",\"host\":\"h\",\"cluster\":\"c\"}");
    }

    @Test
    void addHostAndClusterAllocateNothingPerRecord() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ModifyFilter f = modify("Add host web-1", "Add cluster prod");
        byte[] line = "{\"log\":\"hello\",\"level\":\"info\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        LogRecord r = new LogRecord();
        for (int i = 0; i < 20_000; i++) {
            fill(r, line);
            f.apply(r);
        }
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            fill(r, line);
            f.apply(r);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;

        assertThat(r.fields().toString()).isEqualTo("{\"log\":\"hello\",\"level\":\"info\",\"host\":\"web-1\",\"cluster\":\"prod\"}");
        // 100,000 records: even one 16-byte object per record would be 1.6 MB.
        assertThat(allocated).isLessThan(64 * 1024);
    }

    private static void fill(LogRecord r, byte[] line) {
        r.reset(line, 0, line.length);
        r.fields().beginRawObject(0);
        r.fields().appendRaw("log", 7, 7);
        r.fields().appendRaw("level", 23, 6);
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiterString = " ~ ", quoteCharacter = '`', value = {
        "Key_exists level ~ {\"level\":\"info\"} ~ true",
        "Key_exists level ~ {\"lvl\":\"info\"} ~ false",
        "Key_exists $k8s['labels']['app'] ~ {\"k8s\":{\"labels\":{\"app\":\"w\"}}} ~ true",
        "Key_exists $k8s['labels']['app'] ~ {\"k8s\":{\"labels\":{}}} ~ false",
        "Key_does_not_exist level ~ {\"lvl\":\"info\"} ~ true",
        "Key_does_not_exist level ~ {\"level\":null} ~ false",
        "A_key_matches ^kube ~ {\"a\":1,\"kubernetes\":2} ~ true",
        "A_key_matches ^kube ~ {\"a\":1,\"my_kube\":2} ~ false",
        "No_key_matches ^kube ~ {\"a\":1,\"my_kube\":2} ~ true",
        "No_key_matches ^kube ~ {\"kube\":1} ~ false",
        "Key_value_equals level error ~ {\"level\":\"error\"} ~ true",
        "Key_value_equals level error ~ {\"level\":\"errors\"} ~ false",
        "Key_value_equals level error ~ {\"lvl\":\"error\"} ~ false",
        "Key_value_equals status 200 ~ {\"status\":200} ~ true",
        "Key_value_equals msg hello world ~ {\"msg\":\"hello world\"} ~ true",
        "Key_value_equals $a['b'] x ~ {\"a\":{\"b\":\"x\"}} ~ true",
        "Key_value_does_not_equal level error ~ {\"level\":\"info\"} ~ true",
        "Key_value_does_not_equal level error ~ {\"level\":\"error\"} ~ false",
        "Key_value_does_not_equal level error ~ {\"lvl\":\"info\"} ~ false",
        "Key_value_matches level ^(warn|error)$ ~ {\"level\":\"warn\"} ~ true",
        "Key_value_matches level ^(warn|error)$ ~ {\"level\":\"info\"} ~ false",
        "Key_value_matches level ^(warn|error)$ ~ {} ~ false",
        "Key_value_matches ok ^true$ ~ {\"ok\":true} ~ true",
        "Key_value_does_not_match level ^(warn|error)$ ~ {\"level\":\"info\"} ~ true",
        "Key_value_does_not_match level ^(warn|error)$ ~ {\"level\":\"error\"} ~ false",
        "Key_value_does_not_match level ^(warn|error)$ ~ {} ~ false",
        "Matching_keys_have_matching_values ^l ^[a-z]+$ ~ {\"level\":\"info\",\"lang\":\"go\"} ~ true",
        "Matching_keys_have_matching_values ^l ^[a-z]+$ ~ {\"level\":\"INFO\",\"lang\":\"go\"} ~ false",
        "Matching_keys_have_matching_values ^l ^[a-z]+$ ~ {\"x\":\"INFO\"} ~ true",
        "Matching_keys_do_not_have_matching_values ^l ^[a-z]+$ ~ {\"level\":\"INFO\",\"lang\":\"go\"} ~ true",
        "Matching_keys_do_not_have_matching_values ^l ^[a-z]+$ ~ {\"level\":\"info\",\"lang\":\"go\"} ~ false",
        "Matching_keys_do_not_have_matching_values ^l ^[a-z]+$ ~ {\"x\":\"INFO\"} ~ false",
        "key_EXISTS level ~ {\"level\":\"info\"} ~ true",
    })
    void conditionDecidesWhetherRulesApply(String condition, String json, boolean applies) {
        ModifyFilter f = modify("Condition " + condition, "Add applied yes");

        LogRecord r = TestRecords.json(json);
        assertThat(f.apply(r)).isTrue();

        assertThat(r.fields().has("applied")).isEqualTo(applies);
    }

    @Test
    void everyConditionMustHold() {
        ModifyFilter f = modify("Condition Key_exists a", "Condition Key_value_equals b 2", "Set c yes");

        assertThat(run(f, "{\"a\":1,\"b\":2}")).isEqualTo("{\"a\":1,\"b\":2,\"c\":\"yes\"}");
        assertThat(run(f, "{\"a\":1,\"b\":3}")).isEqualTo("{\"a\":1,\"b\":3}");
        assertThat(run(f, "{\"b\":2}")).isEqualTo("{\"b\":2}");
    }

    @Test
    void deprecatedAddIfNotPresentIsAdd() {
        ModifyFilter f = modify("Add_if_not_present host h");

        assertThat(run(f, "{}")).isEqualTo("{\"host\":\"h\"}");
        assertThat(run(f, "{\"host\":1}")).isEqualTo("{\"host\":1}");
    }
}
