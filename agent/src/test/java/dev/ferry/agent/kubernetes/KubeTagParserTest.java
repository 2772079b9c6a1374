package dev.ferry.agent.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.ParserRegistry;
import dev.ferry.parsers.text.RegexParser;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import dev.ferry.pipeline.regex.RubyRegex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tag to pod, as Fluent Bit's kubernetes filter reads it. */
class KubeTagParserTest {

    private static final String ID = "1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e3f4e5d6c7b8a9f0e";
    private static final KubeTagParser DEFAULT = new KubeTagParser("kube.var.log.containers.",
            RubyRegex.compile(KubeTagParser.DEFAULT_REGEX));

    @Test
    void theDefaultRegexReadsTheContainerLogFileName() {
        assertThat(DEFAULT.parse("kube.var.log.containers.erlmcp-7d9f8b6c5-x2k4q_monitoring_erlmcp-" + ID + ".log"))
                .isEqualTo(new KubeTagParser.PodRef("monitoring", "erlmcp-7d9f8b6c5-x2k4q", "erlmcp", ID));
        // dots in the pod name, dashes in the container name
        assertThat(DEFAULT.parse("kube.var.log.containers.web.v2-0_default_log-shipper-" + ID + ".log"))
                .isEqualTo(new KubeTagParser.PodRef("default", "web.v2-0", "log-shipper", ID));
    }

    @Test
    void tagsThatNameNoPodYieldNone() {
        // the erlmcp guide's tags with its prefix
        KubeTagParser seed = new KubeTagParser("erlmcp.var.log.containers.erlmcp-", RubyRegex.compile(KubeTagParser.DEFAULT_REGEX));
        assertThat(seed.parse("erlmcp.var.log.erlmcp.application.log")).isNull();
        assertThat(seed.whyNoPod("erlmcp.var.log.erlmcp.application.log"))
                .isEqualTo("the tag after Kube_Tag_Prefix does not match the regex");
        // no 64-character container id
        assertThat(DEFAULT.parse("kube.var.log.containers.web-0_default_nginx-abc123.log")).isNull();
        // not longer than the prefix
        assertThat(DEFAULT.parse("kube.var.log.containers.")).isNull();
        assertThat(DEFAULT.whyNoPod("kube.var.log")).isEqualTo("the tag is not longer than Kube_Tag_Prefix");
        // one character longer than the prefix is longer (Fluent Bit refuses only tag_len <= prefix_len)
        assertThat(DEFAULT.whyNoPod("kube.var.log.containers.x"))
                .isEqualTo("the tag after Kube_Tag_Prefix does not match the regex");
    }

    @Test
    void theRegexParsersNamedGroupsAreUsedInstead() {
        List<ConfigEntry> e = new ArrayList<>();
        SourceLocation at = new SourceLocation("parsers.conf", 1);
        e.add(new ConfigEntry("Name", "k8s-custom", at));
        e.add(new ConfigEntry("Format", "regex", at));
        e.add(new ConfigEntry("Regex", "^(?<namespace_name>[^.]+)\\.(?<pod_name>[^.]+)\\.(?<container_name>[^.]+)$", at));
        ParserRegistry registry = ParserRegistry.of(List.of(new ConfigSection("PARSER", at, e)), List.of(), new ArrayList<>());
        RegexParser custom = (RegexParser) registry.require("k8s-custom", null, "Regex_Parser");
        KubeTagParser p = new KubeTagParser("app.", custom.regex());
        assertThat(p.parse("app.payments.api-5f7c9-abcde.server"))
                .isEqualTo(new KubeTagParser.PodRef("payments", "api-5f7c9-abcde", "server", null));
    }
}
