package dev.ferry.parsers.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/** The split of Fluent Bit's {@code str_to_regex} (src/flb_regex.c), case by case. */
class SlashedRegexTest {

    @Test
    void stripsTheSlashesOfAPatternWithoutFlags() {
        assertThat(SlashedRegex.parse("/^(?<a>x)$/")).isEqualTo(new SlashedRegex("^(?<a>x)$", ""));
    }

    @Test
    void takesTheFlagsAfterTheLastSlash() {
        assertThat(SlashedRegex.parse("/a/b/mix")).isEqualTo(new SlashedRegex("a/b", "mix"));
        assertThat(SlashedRegex.parse("/a/io")).isEqualTo(new SlashedRegex("a", "i"));
    }

    @Test
    void keepsABarePatternAsWritten() {
        assertThat(SlashedRegex.parse("^a/b$")).isEqualTo(new SlashedRegex("^a/b$", ""));
        assertThat(SlashedRegex.parse("/")).isEqualTo(new SlashedRegex("/", ""));
    }

    @Test
    void keepsTheWholeTextWhenWhatFollowsTheLastSlashIsNotOnlyFlags() {
        // Fluent Bit: an unknown option letter, or only 'o', means "use the text as it is"
        assertThat(SlashedRegex.parse("/var/log/(?<f>.*)")).isEqualTo(new SlashedRegex("/var/log/(?<f>.*)", ""));
        assertThat(SlashedRegex.parse("/a/g")).isEqualTo(new SlashedRegex("/a/g", ""));
        assertThat(SlashedRegex.parse("/a/o")).isEqualTo(new SlashedRegex("/a/o", ""));
    }

    @Test
    void appliesTheFlagsAsOnigmoMeansThem() {
        // m: dot matches newline (not Java's MULTILINE)
        assertThat(SlashedRegex.parse("/^a.b$/m").compile().pattern().matcher("a\nb").find()).isTrue();
        assertThat(SlashedRegex.parse("/^a.b$/").compile().pattern().matcher("a\nb").find()).isFalse();
        // i: case folded over Unicode, as Onigmo does in UTF-8
        assertThat(SlashedRegex.parse("/^élan$/i").compile().pattern().matcher("ÉLAN").find()).isTrue();
        // x: blanks and comments in the pattern are ignored
        assertThat(SlashedRegex.parse("/^a b # c\n$/x").compile().pattern().matcher("ab").find()).isTrue();
    }

    @Test
    void reportsASyntaxErrorAtItsIndexInThePattern() {
        assertThatThrownBy(() -> SlashedRegex.parse("/^(ab/i").compile())
                .isInstanceOfSatisfying(PatternSyntaxException.class, e -> {
                    assertThat(e.getDescription()).isEqualTo("Unclosed group");
                    assertThat(e.getIndex()).isEqualTo(4);
                    assertThat(e.getPattern()).isEqualTo("^(ab");
                });
    }
}
