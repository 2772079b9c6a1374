package dev.ferry.pipeline.filter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RuleArgumentsTest {

    @Test
    void lastArgumentTakesTheRestOfTheLine() {
        assertThat(RuleArguments.split("message hello world", 2, true)).containsExactly("message", "hello world");
        assertThat(RuleArguments.split("  message   hello  world  ", 2, true))
                .containsExactly("message", "hello  world");
        assertThat(RuleArguments.split("^a b$", 1, true)).containsExactly("^a b$");
    }

    @Test
    void quotedArgumentsKeepSpacesAndLoseTheirQuotes() {
        assertThat(RuleArguments.split("message \"  hello  \"", 2, true)).containsExactly("message", "  hello  ");
        assertThat(RuleArguments.split("\"my key\" value", 2, true)).containsExactly("my key", "value");
        assertThat(RuleArguments.split("\"a \\\"b\\\" \\\\ c\" x", 2, false)).containsExactly("a \"b\" \\ c", "x");
        assertThat(RuleArguments.split("k \"\"", 2, true)).containsExactly("k", "");
    }

    @Test
    void aRestThatIsNotOneQuotedStringStaysAsWritten() {
        assertThat(RuleArguments.split("k \"a\" \"b\"", 2, true)).containsExactly("k", "\"a\" \"b\"");
        assertThat(RuleArguments.split("k say \"hi\"", 2, true)).containsExactly("k", "say \"hi\"");
    }

    @Test
    void exactArgumentsAreAllReturnedSoCallersCanCount() {
        assertThat(RuleArguments.split("a b c", 2, false)).containsExactly("a", "b", "c");
        assertThat(RuleArguments.split("a", 2, false)).containsExactly("a");
        assertThat(RuleArguments.split("a", 2, true)).containsExactly("a");
        assertThat(RuleArguments.split("   ", 1, true)).isEmpty();
    }

    @Test
    void unclosedQuoteIsAnOrdinaryCharacter() {
        assertThat(RuleArguments.split("\"a b", 2, false)).containsExactly("\"a", "b");
    }
}
