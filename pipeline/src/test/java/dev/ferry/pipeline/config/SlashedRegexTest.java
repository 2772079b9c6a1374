package dev.ferry.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
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
    void givesTheFlagsJavasMeaningOfOnigmos() {
        SlashedRegex all = SlashedRegex.parse("/a/imx");
        assertThat(all.javaFlags()).isEqualTo(Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL
                | Pattern.COMMENTS);
        assertThat(SlashedRegex.parse("/a/").javaFlags()).isZero();
    }
}
