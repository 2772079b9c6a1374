package dev.ferry.pipeline.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/** Tag matching as Fluent Bit's router_match (src/flb_router.c) decides it. */
class TagPatternTest {

    @Test
    void wildcardMatchesTheWholeTag() {
        assertThat(TagPattern.wildcard("app.*").matches("app.var.log.x")).isTrue();
        assertThat(TagPattern.wildcard("app.*").matches("my.app.x")).isFalse();
        assertThat(TagPattern.wildcard("*.log").matches("a.b.log")).isTrue();
        assertThat(TagPattern.wildcard("app").matches("app.x")).isFalse();
        assertThat(TagPattern.wildcard("*").matches("anything")).isTrue();
        assertThat(TagPattern.wildcard("a.*.log").matches("a.b.c.log")).isTrue();
        assertThat(TagPattern.wildcard("erlmcp.*").matches("other.x")).isFalse();
    }

    @Test
    void matchRegexMustMatchAtTheStartOfTheTag() {
        // onig_match at offset 0: the tag must start with a match (filters audit D2); before, found anywhere
        assertThat(TagPattern.regex("error").matches("error.log")).isTrue();
        assertThat(TagPattern.regex("error").matches("app.error.log")).isFalse();
        assertThat(TagPattern.regex("tmp\\.auditf").matches("app.tmp.auditf.in.log")).isFalse();
        assertThat(TagPattern.regex("kube\\.").matches("x.kube.y")).isFalse();
        assertThat(TagPattern.regex(".*kube\\.").matches("x.kube.y")).isTrue();
    }

    @Test
    void matchRegexNeedNotReachTheEndOfTheTag() {
        assertThat(TagPattern.regex("^app").matches("app.x.y")).isTrue();
        assertThat(TagPattern.regex("^app\\.x$").matches("app.x.y")).isFalse();
        assertThat(TagPattern.regex("erlmcp\\.(a|b)").matches("erlmcp.b")).isTrue();
    }

    @Test
    void anEmptyMatchDoesNotCount() {
        // onig_match returns the match length; the router takes only n > 0
        assertThat(TagPattern.regex("a*").matches("b.log")).isFalse();
        assertThat(TagPattern.regex("a*").matches("aa.log")).isTrue();
    }

    @Test
    void matchRegexIsOnigmoSyntaxWithFluentBitsDelimiters() {
        // filters audit D3: Java refused the group name
        assertThat(TagPattern.regex("^(?<a_b>app)").matches("app.x")).isTrue();
        assertThat(TagPattern.regex("\\h+\\.log").matches("beef.log")).isTrue();
        assertThat(TagPattern.regex("/APP/i").matches("app.x")).isTrue();
    }

    @Test
    void matchAndMatchRegexTogetherTakeATagEitherTakes() {
        // router_match tries the regex first, then the wildcard (filters audit D6)
        TagPattern both = TagPattern.both("app.*", "^kube\\.");
        assertThat(both.matches("app.x")).isTrue();
        assertThat(both.matches("kube.y")).isTrue();
        assertThat(both.matches("other.z")).isFalse();
        assertThat(both).hasToString("Match app.* or Match_Regex ^kube\\.");
    }

    @Test
    void noneTakesNoTag() {
        assertThat(TagPattern.none().matches("app.x")).isFalse();
        assertThat(TagPattern.none().matches("")).isFalse();
    }

    @Test
    void aBadRegexIsRefused() {
        assertThatThrownBy(() -> TagPattern.regex("(")).isInstanceOf(PatternSyntaxException.class);
    }
}
