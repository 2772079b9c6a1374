package dev.ferry.pipeline.filter.recordmodifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.filter.TestRecords;
import dev.ferry.pipeline.record.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordModifierFilterTest {

    private static RecordModifierConfig config(String... lines) {
        List<String> all = new ArrayList<>();
        all.add("Name record_modifier");
        all.addAll(List.of(lines));
        return RecordModifierConfig.from(RecordModifierConfig.OPTIONS.bind(TestRecords.filter(all.toArray(String[]::new))));
    }

    private static String run(String json, String... lines) {
        LogRecord r = TestRecords.json(json);
        assertThat(new RecordModifierFilter(config(lines)).apply(r)).isTrue();
        return r.fields().toString();
    }

    @Test
    void recordAppendsOrReplacesWithStrings() {
        assertThat(run("{\"a\":1}", "Record hostname web-1", "Record port 80"))
                .isEqualTo("{\"a\":1,\"hostname\":\"web-1\",\"port\":\"80\"}");
        assertThat(run("{\"hostname\":\"old\",\"a\":1}", "Record hostname web-1"))
                .isEqualTo("{\"hostname\":\"web-1\",\"a\":1}");
    }

    @Test
    void recordValuesKeepSpaces() {
        assertThat(run("{}", "Record msg hello big world", "Record pad \" x \""))
                .isEqualTo("{\"msg\":\"hello big world\",\"pad\":\" x \"}");
    }

    @Test
    void removeKeyIsCaseInsensitiveAndSupportsATrailingWildcard() {
        String in = "{\"Mem.total\":1,\"mem.used\":2,\"Swap\":3,\"swapfile\":4,\"log\":\"x\"}";

        assertThat(run(in, "Remove_key swap", "Remove_key MEM.*"))
                .isEqualTo("{\"swapfile\":4,\"log\":\"x\"}");
    }

    @Test
    void allowlistKeepsOnlyMatchingKeys() {
        String in = "{\"log\":\"x\",\"Level\":\"info\",\"k8s_pod\":\"p\",\"k8s_ns\":\"n\",\"other\":1}";

        assertThat(run(in, "Allowlist_key log", "Allowlist_key level", "Allowlist_key k8s_*"))
                .isEqualTo("{\"log\":\"x\",\"Level\":\"info\",\"k8s_pod\":\"p\",\"k8s_ns\":\"n\"}");
        assertThat(run(in, "Whitelist_key log")).isEqualTo("{\"log\":\"x\"}");
    }

    @Test
    void recordKeysAreSetAfterRemovalSoTheyStay() {
        assertThat(run("{\"a\":1,\"b\":2}", "Allowlist_key a", "Record added yes"))
                .isEqualTo("{\"a\":1,\"added\":\"yes\"}");
        assertThat(run("{\"a\":1,\"b\":2}", "Remove_key b", "Record b new"))
                .isEqualTo("{\"a\":1,\"b\":\"new\"}");
    }

    @Test
    void uuidKeyAddsARandomVersion4Uuid() {
        RecordModifierFilter f = new RecordModifierFilter(config("Uuid_key id"));
        LogRecord one = TestRecords.json("{\"a\":1}");
        LogRecord two = TestRecords.json("{\"a\":1}");

        f.apply(one);
        f.apply(two);

        String id = one.fields().text("id");
        assertThat(UUID.fromString(id).version()).isEqualTo(4);
        assertThat(id).isNotEqualTo(two.fields().text("id"));
        assertThat(one.fields().key(1)).isEqualTo("id");
    }

    @Test
    void configKeepsRecordsAndKeyLists() {
        RecordModifierConfig c = config("Record a 1", "Remove_key x", "Remove_key y*");

        assertThat(c.records()).containsExactly(new RecordModifierConfig.Field("a", "1"));
        assertThat(c.removeKeys()).containsExactly("x", "y*");
        assertThat(c.allowlistKeys()).isEmpty();
        assertThat(c.uuidKey()).isNull();
    }

    @Test
    void recordWithoutValue() {
        assertThatThrownBy(() -> config("Record hostname")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [FILTER] record_modifier: 'Record hostname' has 1 argument; "
                        + "expected: Record KEY VALUE");
    }

    @Test
    void removeAndAllowlistAreExclusive() {
        assertThatThrownBy(() -> config("Remove_key a", "Whitelist_key b")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:6: [FILTER] record_modifier: Remove_key and Allowlist_key cannot be used "
                        + "together; use one or the other");
        assertThatThrownBy(() -> config("Allowlist_key b", "Remove_key a")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:6: [FILTER] record_modifier: Remove_key and Allowlist_key cannot be used "
                        + "together; use one or the other");
    }

    @Test
    void emptyKeyPattern() {
        assertThatThrownBy(() -> config("Remove_key  ")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [FILTER] record_modifier: 'Remove_key' needs a key");
    }
}
