package dev.ferry.pipeline.filter.modify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.filter.TestRecords;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ModifyConfigTest {

    private static ModifyConfig config(String... lines) {
        String[] all = new String[lines.length + 1];
        all[0] = "Name modify";
        System.arraycopy(lines, 0, all, 1, lines.length);
        return ModifyConfig.from(ModifyConfig.OPTIONS.bind(TestRecords.filter(all)));
    }

    private static void assertError(String line, String message) {
        assertThatThrownBy(() -> config("Add ok 1", line)).as(line)
                .isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void rulesAndConditionsKeepTheirOrderAndArguments() {
        ModifyConfig c = config("Condition Key_exists a", "Add host h", "rename a b", "Remove_wildcard Mem.*",
                "Condition No_key_matches ^x");

        assertThat(c.rules()).containsExactly(new ModifyRule.Add("host", "h"), new ModifyRule.Rename("a", "b"),
                new ModifyRule.RemoveWildcard("Mem."));
        assertThat(c.conditions()).hasSize(2);
        assertThat(c.conditions().get(0)).isInstanceOf(ModifyCondition.KeyExists.class);
        assertThat(((ModifyCondition.NoKeyMatches) c.conditions().get(1)).regex().pattern()).isEqualTo("^x");
    }

    @Test
    void conditionArgumentsMayBeQuoted() {
        ModifyConfig c = config("Condition Key_value_equals \"my key\" \"a  b\"");

        ModifyCondition.KeyValueEquals k = (ModifyCondition.KeyValueEquals) c.conditions().get(0);
        assertThat(k.key().key()).isEqualTo("my key");
        assertThat(k.value()).isEqualTo("a  b");
    }

    @Test
    void regexesUseFluentBitConventions() {
        ModifyConfig c = config("Remove_regex /^MEM/i");

        Pattern p = ((ModifyRule.RemoveRegex) c.rules().get(0)).regex();
        assertThat(p.matcher("mem.total").find()).isTrue();
    }

    @Test
    void tooFewArgumentsForATwoKeyRule() {
        assertError("Rename a", "test.conf:6: [FILTER] modify: 'Rename a' has 1 argument; "
                + "expected: Rename KEY RENAMED_KEY");
    }

    @Test
    void tooManyArgumentsForAOneKeyRule() {
        assertError("Remove a b", "test.conf:6: [FILTER] modify: 'Remove a b' has 2 arguments; expected: Remove KEY");
    }

    @Test
    void tooManyArgumentsForATwoKeyRule() {
        assertError("Copy a b c", "test.conf:6: [FILTER] modify: 'Copy a b c' has 3 arguments; "
                + "expected: Copy KEY COPIED_KEY");
    }

    @Test
    void valueRuleWithoutValue() {
        assertError("Add host", "test.conf:6: [FILTER] modify: 'Add host' has 1 argument; expected: Add KEY VALUE");
    }

    @Test
    void ruleWithoutArguments() {
        assertError("Set", "test.conf:6: [FILTER] modify: 'Set' has 0 arguments; expected: Set KEY VALUE");
    }

    @Test
    void conditionWithTooFewArguments() {
        assertError("Condition Key_value_equals level", "test.conf:6: [FILTER] modify: "
                + "'Condition Key_value_equals level' has 1 argument; "
                + "expected: Condition Key_value_equals KEY VALUE");
    }

    @Test
    void conditionWithTooManyKeys() {
        assertError("Condition Key_exists a b", "test.conf:6: [FILTER] modify: 'Condition Key_exists a b' has "
                + "2 arguments; expected: Condition Key_exists KEY");
    }

    @Test
    void unknownCondition() {
        assertError("Condition Key_is a", "test.conf:6: [FILTER] modify: unknown condition 'Key_is' in "
                + "'Condition Key_is a'; allowed: Key_exists, Key_does_not_exist, A_key_matches, No_key_matches, "
                + "Key_value_equals, Key_value_does_not_equal, Key_value_matches, Key_value_does_not_match, "
                + "Matching_keys_have_matching_values, Matching_keys_do_not_have_matching_values");
    }

    @Test
    void emptyCondition() {
        assertThatThrownBy(() -> config("Condition")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.conf:5: [FILTER] modify: unknown condition '' in 'Condition'; allowed: ");
    }

    @Test
    void badRegexInRule() {
        assertError("Remove_regex (", "test.conf:6: [FILTER] modify: bad regex '(' in 'Remove_regex (': "
                + "Unclosed group");
    }

    @Test
    void badRegexInCondition() {
        assertError("Condition Key_value_matches level [a-", "test.conf:6: [FILTER] modify: bad regex '[a-' in "
                + "'Condition Key_value_matches level [a-': Illegal character range");
    }

    @Test
    void badRecordAccessorInCondition() {
        assertError("Condition Key_exists $a[", "test.conf:6: [FILTER] modify: bad key '$a[' in "
                + "'Condition Key_exists $a[': unclosed '[' at end");
    }

    @Test
    void misspelledRuleIsAnUnknownKey() {
        assertThatThrownBy(() -> config("Ad host h")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.conf:5: [FILTER] modify: unknown key 'Ad' (did you mean 'Add'?); "
                        + "allowed keys: ");
    }
}
