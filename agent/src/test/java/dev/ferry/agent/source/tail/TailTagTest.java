package dev.ferry.agent.source.tail;

import static org.assertj.core.api.Assertions.assertThat;

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
}
