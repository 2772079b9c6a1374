package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.config.ConfigLoader;
import dev.ferry.agent.config.LoadedConfig;
import dev.ferry.agent.kubernetes.KubernetesConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every example in conf/ must load and validate, so the examples never rot. */
class ConfExamplesTest {

    @Test
    void everyExampleConfigurationValidates() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(EndToEndIT.repoRoot().resolve("conf"))) {
            files = s.filter(p -> p.toString().endsWith(".conf") || p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("fluent-bit.conf", "fluent-bit.yaml", "erlmcp-to-file.conf", "erlmcp-to-loki.conf", "erlmcp-otp-reports.conf");
        ConfigLoader loader = new ConfigLoader(Map.of("HOSTNAME", "node-1", "ELASTICSEARCH_PASSWORD", "x"));
        for (Path f : files) {
            LoadedConfig loaded = loader.load(f);
            TopologyPlan plan = TopologyPlan.build(loaded.configuration(), loaded.warnings(), PluginCatalog.standard());
            assertThat(plan.inputs()).as(f.toString()).isNotEmpty();
            assertThat(plan.outputs()).as(f.toString()).isNotEmpty();
        }
    }

    @Test
    void theSeedConfigurationPlansTheErlmcpPipeline() {
        ConfigLoader loader = new ConfigLoader(Map.of("HOSTNAME", "node-1", "ELASTICSEARCH_PASSWORD", "x"));
        LoadedConfig loaded = loader.load(EndToEndIT.repoRoot().resolve("conf/fluent-bit.conf"));
        TopologyPlan plan = TopologyPlan.build(loaded.configuration(), loaded.warnings(), PluginCatalog.standard());
        assertThat(plan.inputs()).extracting(PlannedPlugin::instanceName).containsExactly("tail.0");
        assertThat(plan.filters()).extracting(PlannedPlugin::instanceName).containsExactly("modify.0", "kubernetes.1");
        assertThat(plan.outputs()).extracting(PlannedPlugin::instanceName).containsExactly("es.0");
        assertThat(plan.warnings()).anyMatch(w -> w.contains("key 'Type' has no effect in ferry"));
        // it runs: the kubernetes filter is planned like any other
        assertThat(plan.filters().get(1).config()).isInstanceOf(KubernetesConfig.class);
    }
}
