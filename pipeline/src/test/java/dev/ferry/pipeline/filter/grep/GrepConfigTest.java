package dev.ferry.pipeline.filter.grep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.filter.TestRecords;
import org.junit.jupiter.api.Test;

class GrepConfigTest {

    private static GrepConfig config(String... lines) {
        String[] all = new String[lines.length + 1];
        all[0] = "Name grep";
        System.arraycopy(lines, 0, all, 1, lines.length);
        return GrepConfig.from(GrepConfig.OPTIONS.bind(TestRecords.filter(all)));
    }

    @Test
    void rulesKeepTheirOrderKindKeyAndRegex() {
        GrepConfig c = config("Regex log ^a b$", "Exclude $k['x'] y");

        assertThat(c.logicalOp()).isEqualTo(GrepConfig.LogicalOp.LEGACY);
        assertThat(c.rules()).hasSize(2);
        assertThat(c.rules().get(0).exclude()).isFalse();
        assertThat(c.rules().get(0).key().key()).isEqualTo("log");
        assertThat(c.rules().get(0).regex().pattern()).isEqualTo("^a b$");
        assertThat(c.rules().get(1).exclude()).isTrue();
        assertThat(c.rules().get(1).key().toString()).isEqualTo("$k['x']");
    }

    @Test
    void logicalOpIsCaseInsensitive() {
        assertThat(config("Logical_Op and").logicalOp()).isEqualTo(GrepConfig.LogicalOp.AND);
        assertThat(config("Logical_Op Or").logicalOp()).isEqualTo(GrepConfig.LogicalOp.OR);
        assertThat(config("Logical_Op LEGACY").logicalOp()).isEqualTo(GrepConfig.LogicalOp.LEGACY);
    }

    @Test
    void ruleWithoutRegex() {
        assertThatThrownBy(() -> config("Regex log")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [FILTER] grep: 'Regex log' has 1 argument; expected: Regex KEY REGEX");
    }

    @Test
    void emptyExclude() {
        assertThatThrownBy(() -> config("Exclude")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [FILTER] grep: 'Exclude' has 0 arguments; expected: Exclude KEY REGEX");
    }

    @Test
    void badRegex() {
        assertThatThrownBy(() -> config("Regex log (a")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [FILTER] grep: bad regex '(a' in 'Regex log (a': Unclosed group");
    }

    @Test
    void badRecordAccessor() {
        assertThatThrownBy(() -> config("Exclude $k['x' y")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [FILTER] grep: bad key '$k['x'' in 'Exclude $k['x' y': "
                        + "expected ']' at position 6");
    }

    @Test
    void mixingRegexAndExcludeUnderAndOr() {
        assertThatThrownBy(() -> config("Logical_Op AND", "Regex a x", "Exclude b y"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:7: [FILTER] grep: 'Exclude b y' mixes Regex and Exclude rules, which "
                        + "Logical_Op AND does not allow; use Logical_Op legacy or one grep filter per kind of rule");
        assertThatThrownBy(() -> config("Exclude b y", "Regex a x", "Logical_Op or"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:6: [FILTER] grep: 'Regex a x' mixes Regex and Exclude rules, which "
                        + "Logical_Op or does not allow; use Logical_Op legacy or one grep filter per kind of rule");
    }

    @Test
    void mixingIsFineInLegacyMode() {
        assertThat(config("Logical_Op legacy", "Regex a x", "Exclude b y").rules()).hasSize(2);
    }

    @Test
    void unknownLogicalOp() {
        assertThatThrownBy(() -> config("Logical_Op XOR")).isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [FILTER] grep: bad value 'XOR' for key 'Logical_Op'; "
                        + "allowed: one of legacy, AND, OR");
    }
}
