package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys every input, filter and output accepts, whatever its plugin (TopologyPlan's COMMON_* lists). */
class CommonPluginKeysTest {

    @TempDir
    Path dir;

    @Test
    void logSuppressIntervalIsAcceptedOnEveryKindWithAWarning() throws Exception {
        Path conf = dir.resolve("c1.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + dir + "/*.log\n    log_suppress_interval 10s\n"
                + "[FILTER]\n    Name modify\n    Match *\n    Add a b\n    log_suppress_interval 10s\n"
                + "[OUTPUT]\n    Name null\n    Match *\n    Log_Suppress_Interval 1m\n");
        var loaded = new ConfigLoader(Map.of()).load(conf);
        TopologyPlan plan = TopologyPlan.build(loaded.configuration(), loaded.warnings(), PluginCatalog.standard());
        String why = "' has no effect in ferry (ferry does not suppress a plugin's repeated log lines)";
        assertThat(plan.warnings()).containsSubsequence(
                conf + ":4: [INPUT] tail: key 'log_suppress_interval" + why,
                conf + ":9: [FILTER] modify: key 'log_suppress_interval" + why,
                conf + ":13: [OUTPUT] null: key 'Log_Suppress_Interval" + why);
    }
}
