package dev.ferry.pipeline.regex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

class FilterRegexTest {

    @Test
    void matchesAnywhereUnlessAnchored() {
        assertThat(FilterRegex.compile("err").matcher("an error here").find()).isTrue();
        assertThat(FilterRegex.compile("^err").matcher("an error here").find()).isFalse();
    }

    @Test
    void anchorsMatchAtLineBreaksAsInRuby() {
        Pattern p = FilterRegex.compile("^at .*Exception$");

        assertThat(p.matcher("first line\nat java.lang.Exception\nlast").find()).isTrue();
    }

    @Test
    void slashesAreStrippedAndFlagsApplied() {
        assertThat(FilterRegex.compile("/^apple$/").matcher("apple").find()).isTrue();
        assertThat(FilterRegex.compile("/^apple$/").matcher("/apple/").find()).isFalse();
        assertThat(FilterRegex.compile("/ERROR/i").matcher("an error").find()).isTrue();
        assertThat(FilterRegex.compile("/ERROR/").matcher("an error").find()).isFalse();
        assertThat(FilterRegex.compile("/a.b/m").matcher("a\nb").find()).isTrue();
        assertThat(FilterRegex.compile("/a.b/").matcher("a\nb").find()).isFalse();
        assertThat(FilterRegex.compile("/a b c/x").matcher("abc").find()).isTrue();
        // Fluent Bit's check_option accepts 'o' and ignores it, and takes the text as written when a
        // letter after the last slash is not a flag
        assertThat(FilterRegex.compile("/ERROR/io").matcher("an error").find()).isTrue();
        assertThat(FilterRegex.compile("/ERROR/g").matcher("/ERROR/g").find()).isTrue();
    }

    @Test
    void slashesThatAreNotDelimitersStayLiteral() {
        assertThat(FilterRegex.compile("/var/log").matcher("/var/log/app.log").find()).isTrue();
        assertThat(FilterRegex.compile("/").matcher("a/b").find()).isTrue();
    }

    @Test
    void invalidRegexThrows() {
        assertThatThrownBy(() -> FilterRegex.compile("(")).isInstanceOf(PatternSyntaxException.class);
    }
}
