package dev.ferry.pipeline.regex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Matcher;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

class RubyRegexTest {

    private static final String JOINED = "ERROR boom\n    at a.b(C.java:1)\n    at c.d(E.java:2)";

    private static String group(String regex, String input, String name) {
        RubyRegex re = RubyRegex.compile(regex);
        Matcher m = re.pattern().matcher(input);
        assertThat(m.find()).as("%s finds a match in %s", regex, input).isTrue();
        return m.group(re.javaNames().get(re.names().indexOf(name)));
    }

    @Test
    void inlineMLetsTheDotMatchANewlineAsInOnigmo() {
        // parsers audit L4: Fluent Bit gives msg the whole joined record; Java's own (?m) stopped it at the first line
        assertThat(group("(?m)^(?<level>[A-Z]+) (?<msg>.*)$", JOINED, "msg"))
                .isEqualTo("boom\n    at a.b(C.java:1)\n    at c.d(E.java:2)");
        assertThat(group("(?mi)^(?<level>[a-z]+) (?<msg>.*)$", JOINED, "msg")).endsWith("(E.java:2)");
        assertThat(group("^(?<level>[A-Z]+) (?<msg>(?m:.*))$", JOINED, "msg")).endsWith("(E.java:2)");
    }

    @Test
    void inlineMinusMTurnsItOffAgain() {
        assertThat(RubyRegex.compile("(?m)a.(?-m).b").pattern().matcher("a\nxb").find()).isTrue();
        assertThat(RubyRegex.compile("(?m)a.(?-m).b").pattern().matcher("a\n\nb").find()).isFalse();
        assertThat(RubyRegex.compile("(?m)a(?i-m:.B)").pattern().matcher("a\nb").find()).isFalse();
        assertThat(RubyRegex.compile("(?m)a(?i-m:.B)").pattern().matcher("axb").find()).isTrue();
    }

    @Test
    void withoutMTheDotStopsAtANewline() {
        assertThat(RubyRegex.compile("a.b").pattern().matcher("a\nb").find()).isFalse();
    }

    @Test
    void onlyANewlineEndsALineAsInOnigmo() {
        // Java alone stops . at \r, U+0085, U+2028 and U+2029 and lets $ match before a final \r
        Matcher m = RubyRegex.compile("^(?<msg>.*)$").pattern().matcher("a\rb\u0085c\u2028d\u2029e\r");
        assertThat(m.matches()).isTrue();
        assertThat(m.group("msg")).isEqualTo("a\rb\u0085c\u2028d\u2029e\r");
        assertThat(RubyRegex.compile("a.b").pattern().matcher("a\rb").find()).isTrue();
    }

    @Test
    void optionLookalikesAreLeftAlone() {
        assertThat(RubyRegex.compile("[(?m)]").pattern().matcher("m").find()).isTrue();
        assertThat(RubyRegex.compile("\\(?m\\)").pattern().matcher("(m)").find()).isTrue();
        assertThat(RubyRegex.compile("(?:m)(?=m)").pattern().matcher("mm").find()).isTrue();
        assertThat(RubyRegex.compile("(?<m>x)").names()).containsExactly("m");
    }

    @Test
    void hexDigitsAndRubyGroupNames() {
        assertThat(RubyRegex.compile("^\\h+$").pattern().matcher("deadbeef").find()).isTrue();
        assertThat(RubyRegex.compile("^\\h+$").pattern().matcher("   ").find()).isFalse();
        assertThat(group("(?<my_word>hel)lo", "hello", "my_word")).isEqualTo("hel");
    }

    @Test
    void javaFlagsApplyToTheWholePattern() {
        assertThat(RubyRegex.compile("^b$", java.util.regex.Pattern.MULTILINE).pattern().matcher("a\nb").find()).isTrue();
    }

    @Test
    void reportsJavaErrorsAtTheUsersIndex() {
        assertThatThrownBy(() -> RubyRegex.compile("(?<long_name>a)(b"))
                .isInstanceOfSatisfying(PatternSyntaxException.class, e -> {
                    assertThat(e.getDescription()).isEqualTo("Unclosed group");
                    assertThat(e.getIndex()).isEqualTo(17);
                    assertThat(e.getPattern()).isEqualTo("(?<long_name>a)(b");
                });
    }
}
