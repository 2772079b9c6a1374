package dev.ferry.pipeline.filter.grep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.filter.TestRecords;
import dev.ferry.pipeline.record.LogRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GrepFilterTest {

    static GrepFilter grep(String... rules) {
        List<String> lines = new ArrayList<>();
        lines.add("Name grep");
        lines.addAll(List.of(rules));
        return new GrepFilter(GrepConfig.from(GrepConfig.OPTIONS.bind(TestRecords.filter(lines.toArray(String[]::new)))));
    }

    static boolean keeps(GrepFilter f, String json) {
        return f.apply(TestRecords.json(json));
    }

    /** Records for truth tables: whether key a matches "yes" and whether key b matches "yes". */
    private static String record(boolean a, boolean b) {
        return "{\"a\":\"" + (a ? "yes" : "no") + "\",\"b\":\"" + (b ? "yes" : "no") + "\"}";
    }

    @Test
    void regexesAreOnigmoSyntax() {
        // filters audit D3: in Java \h is horizontal space, so "deadbeef" was dropped and "   " kept
        GrepFilter hex = grep("Regex msg ^\\h+$");
        assertThat(keeps(hex, "{\"msg\":\"deadbeef\"}")).isTrue();
        assertThat(keeps(hex, "{\"msg\":\"   \"}")).isFalse();
        // a group name with '_' is valid in Onigmo; Java refused the whole configuration
        assertThat(keeps(grep("Regex msg (?<my_word>hel)lo"), "{\"msg\":\"hello\"}")).isTrue();
        assertThat(keeps(grep("Exclude msg (?m)^a.b$"), "{\"msg\":\"a\\nb\"}")).isFalse();
    }

    @ParameterizedTest(name = "a={0} b={1}: legacy regex {2}, AND regex {3}, OR regex {4}")
    @CsvSource({
        // a,     b,     legacy, AND,   OR   (Regex a yes / Regex b yes: keep?)
        "true,  true,  true,   true,  true",
        "true,  false, false,  false, true",
        "false, true,  false,  false, true",
        "false, false, false,  false, false",
    })
    void regexTruthTable(boolean a, boolean b, boolean legacy, boolean and, boolean or) {
        String json = record(a, b);

        assertThat(keeps(grep("Regex a ^yes$", "Regex b ^yes$"), json)).as("legacy").isEqualTo(legacy);
        assertThat(keeps(grep("Regex a ^yes$", "Regex b ^yes$", "Logical_Op AND"), json)).as("AND").isEqualTo(and);
        assertThat(keeps(grep("Regex a ^yes$", "Regex b ^yes$", "Logical_Op or"), json)).as("OR").isEqualTo(or);
    }

    @ParameterizedTest(name = "a={0} b={1}: legacy exclude {2}, AND exclude {3}, OR exclude {4}")
    @CsvSource({
        // a,     b,     legacy, AND,   OR   (Exclude a yes / Exclude b yes: keep?)
        "true,  true,  false,  false, false",
        "true,  false, false,  true,  false",
        "false, true,  false,  true,  false",
        "false, false, true,   true,  true",
    })
    void excludeTruthTable(boolean a, boolean b, boolean legacy, boolean and, boolean or) {
        String json = record(a, b);

        assertThat(keeps(grep("Exclude a ^yes$", "Exclude b ^yes$"), json)).as("legacy").isEqualTo(legacy);
        assertThat(keeps(grep("Exclude a ^yes$", "Exclude b ^yes$", "Logical_Op AND"), json)).as("AND").isEqualTo(and);
        assertThat(keeps(grep("Exclude a ^yes$", "Exclude b ^yes$", "Logical_Op OR"), json)).as("OR").isEqualTo(or);
    }

    @ParameterizedTest(name = "a={0} b={1}: keep {2}")
    @CsvSource({
        "true,  true,  false",
        "true,  false, true",
        "false, true,  false",
        "false, false, false",
    })
    void legacyMixKeepsWhenEveryRegexMatchesAndNoExcludeDoes(boolean a, boolean b, boolean keep) {
        // The Exclude comes after a matching Regex: Fluent Bit's implementation would keep at the first
        // matching Regex; ferry applies the documented rule regardless of order.
        assertThat(keeps(grep("Regex a ^yes$", "Exclude b ^yes$"), record(a, b))).isEqualTo(keep);
        assertThat(keeps(grep("Exclude b ^yes$", "Regex a ^yes$"), record(a, b))).isEqualTo(keep);
    }

    @Test
    void missingKeyNeverMatches() {
        assertThat(keeps(grep("Regex missing .*"), "{\"a\":\"x\"}")).isFalse();
        assertThat(keeps(grep("Exclude missing .*"), "{\"a\":\"x\"}")).isTrue();
        assertThat(keeps(grep("Regex $a['b'] .*"), "{\"a\":\"x\"}")).isFalse();
        assertThat(keeps(grep("Exclude $a['b'] .*"), "{\"a\":\"x\"}")).isTrue();
    }

    @Test
    void recordAccessorReachesNestedValues() {
        GrepFilter f = grep("Exclude $kubernetes['namespace_name'] ^kube-system$");

        assertThat(keeps(f, "{\"kubernetes\":{\"namespace_name\":\"kube-system\"}}")).isFalse();
        assertThat(keeps(f, "{\"kubernetes\":{\"namespace_name\":\"default\"}}")).isTrue();
        assertThat(keeps(grep("Regex $ports[1] ^443$"), "{\"ports\":[80,443]}")).isTrue();
    }

    @Test
    void regexIsFoundAnywhereAndMatchesNonStringsAsJsonText() {
        assertThat(keeps(grep("Regex log err"), "{\"log\":\"an error\"}")).isTrue();
        assertThat(keeps(grep("Regex status ^5"), "{\"status\":503}")).isTrue();
        assertThat(keeps(grep("Regex status ^5"), "{\"status\":200}")).isFalse();
        assertThat(keeps(grep("Regex ok ^true$"), "{\"ok\":true}")).isTrue();
        assertThat(keeps(grep("Regex obj \"k\":1"), "{\"obj\":{\"k\":1}}")).isTrue();
    }

    @Test
    void regexMayContainSpacesAndSlashes() {
        GrepFilter f = grep("Regex log /^GET \\/health/i");

        assertThat(keeps(f, "{\"log\":\"get /healthz\"}")).isTrue();
        assertThat(keeps(f, "{\"log\":\"GET /api\"}")).isFalse();
    }

    @Test
    void quotesArePartOfTheRegexAsInFluentBit() {
        GrepFilter f = grep("Regex log \"error\"");

        assertThat(keeps(f, "{\"log\":\"{\\\"level\\\":\\\"error\\\"}\"}")).isTrue();
        assertThat(keeps(f, "{\"log\":\"an error\"}")).isFalse();
    }

    @Test
    void textRecordsAreMatchedOnTheirLog() {
        GrepFilter f = grep("Exclude log DEBUG");

        assertThat(f.apply(TestRecords.text("2024 DEBUG x"))).isFalse();
        assertThat(f.apply(TestRecords.text("2024 INFO x"))).isTrue();
    }

    @Test
    void noRulesKeepEverything() {
        assertThat(keeps(grep(), "{}")).isTrue();
        assertThat(keeps(grep("Logical_Op AND"), "{}")).isTrue();
    }

    @Test
    void keptRecordsAreUnchanged() {
        LogRecord r = TestRecords.json("{\"a\":\"yes\"}");

        assertThat(grep("Regex a yes").apply(r)).isTrue();

        assertThat(r.fields().toString()).isEqualTo("{\"a\":\"yes\"}");
        assertThat(r.fields().rawPrefix()).isEqualTo(1);
    }
}
