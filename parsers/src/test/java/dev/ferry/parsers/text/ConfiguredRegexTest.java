package dev.ferry.parsers.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

class ConfiguredRegexTest {

    @Test
    void appliesTheFlagsAsOnigmoMeansThem() {
        // m: dot matches newline (not Java's MULTILINE)
        assertThat(ConfiguredRegex.compile("/^a.b$/m").pattern().matcher("a\nb").find()).isTrue();
        assertThat(ConfiguredRegex.compile("/^a.b$/").pattern().matcher("a\nb").find()).isFalse();
        // i: case folded over Unicode, as Onigmo does in UTF-8
        assertThat(ConfiguredRegex.compile("/^élan$/i").pattern().matcher("ÉLAN").find()).isTrue();
        // x: blanks and comments in the pattern are ignored
        assertThat(ConfiguredRegex.compile("/^a b # c\n$/x").pattern().matcher("ab").find()).isTrue();
        // named groups are read as in a bare pattern
        assertThat(ConfiguredRegex.compile("/(?<log_level>\\w+)/i").names()).containsExactly("log_level");
    }

    @Test
    void reportsASyntaxErrorAtItsIndexInThePattern() {
        assertThatThrownBy(() -> ConfiguredRegex.compile("/^(ab/i"))
                .isInstanceOfSatisfying(PatternSyntaxException.class, e -> {
                    assertThat(e.getDescription()).isEqualTo("Unclosed group");
                    assertThat(e.getIndex()).isEqualTo(4);
                    assertThat(e.getPattern()).isEqualTo("^(ab");
                });
    }
}
