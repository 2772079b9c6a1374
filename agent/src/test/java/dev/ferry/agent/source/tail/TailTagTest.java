package dev.ferry.agent.source.tail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.regex.RubyRegex;
import org.junit.jupiter.api.Test;

class TailTagTest {

    @Test
    void starBecomesThePathWithDots() {
        assertThat(TailTag.expand("erlmcp.*", "/var/log/erlmcp/application.log"))
                .isEqualTo("erlmcp.var.log.erlmcp.application.log");
    }

    @Test
    void kubernetesStyle() {
        assertThat(TailTag.expand("kube.*", "/var/log/containers/app_ns_c-0123.log"))
                .isEqualTo("kube.var.log.containers.app_ns_c-0123.log");
    }

    @Test
    void tagWithoutStarIsKept() {
        assertThat(TailTag.expand("app", "/var/log/x.log")).isEqualTo("app");
    }

    @Test
    void starAloneDropsTheLeadingSlash() {
        assertThat(TailTag.expand("*", "/var/log/x.log")).isEqualTo("var.log.x.log");
    }

    @Test
    void suffixDotsCollapseAndFurtherStarsAreDropped() {
        assertThat(TailTag.expand("a.*.b*", "/x/y.log")).isEqualTo("a.x.y.log.b");
        assertThat(TailTag.expand("a.*.", "/x//y.log")).isEqualTo("a.x.y.log");
    }

    @Test
    void backslashAndColonBecomeDots() {
        assertThat(TailTag.expand("w.*", "C:\\logs\\a.log")).isEqualTo("w.C.logs.a.log");
    }

    /** Fluent Bit's documented Kubernetes example (tail's Tag_Regex). */
    private static final String K8S_REGEX = "(?<pod_name>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)"
            + "_(?<namespace_name>[^_]+)_(?<container_name>.+)-(?<docker_id>[a-z0-9]{64})\\.log$";
    private static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @Test
    void tagRegexGroupsFillTheNamesInTheTag() {
        TailTag t = new TailTag("kube.<namespace_name>.<pod_name>.<container_name>", RubyRegex.compile(K8S_REGEX));
        assertThat(t.of("/var/log/containers/web-1_shop_nginx-" + ID + ".log")).isEqualTo("kube.shop.web-1.nginx");
        // a name that is no group, or a group that matched nothing, gives _; * is not expanded
        TailTag other = new TailTag("k.<nope>.<b>.*", RubyRegex.compile("(?<a>x+)(?<b>y*)"));
        assertThat(other.of("/var/log/xx.log")).isEqualTo("k._._.*");
        // a tag without <...> is used as written
        assertThat(new TailTag("fixed", RubyRegex.compile("x")).of("/x.log")).isEqualTo("fixed");
    }

    @Test
    void aPathTheTagRegexIsNotFoundInHasNoTag() {
        TailTag t = new TailTag("kube.<pod_name>", RubyRegex.compile(K8S_REGEX));
        assertThat(t.of("/var/log/containers/notes.log")).isNull();
    }

    @Test
    void withoutTagRegexTheStarIsExpanded() {
        assertThat(new TailTag("app.*", null).of("/var/log/x.log")).isEqualTo("app.var.log.x.log");
    }

    @Test
    void unclosedBracketsAreFound() {
        assertThat(TailTag.unclosedBracket("kube.<a>.<b>")).isEqualTo(-1);
        assertThat(TailTag.unclosedBracket("kube.<a")).isEqualTo(5);
        assertThat(TailTag.unclosedBracket("kube.<a.<b>")).isEqualTo(5);
        assertThat(TailTag.unclosedBracket("no.brackets")).isEqualTo(-1);
    }
}
