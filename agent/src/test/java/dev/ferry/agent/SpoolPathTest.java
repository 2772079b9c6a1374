package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.agent.config.ConfigLoader;
import dev.ferry.agent.source.tail.TailConfig;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.spool.SpoolCompression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the disk spool goes (storage.path, or by default next to the first tail input's DB) and whether it is compressed. */
class SpoolPathTest {

    @TempDir
    Path dir;

    private TopologyPlan plan(String service, String tailExtra) throws Exception {
        Path conf = dir.resolve("ferry.conf");
        Files.writeString(conf, "[SERVICE]\n    Flush 1\n" + service
                + "\n[INPUT]\n    Name tail\n    Path " + dir + "/*.log\n" + tailExtra
                + "\n[OUTPUT]\n    Name null\n    Match *\n");
        var loaded = new ConfigLoader(Map.of()).load(conf);
        return TopologyPlan.build(loaded.configuration(), loaded.warnings(), PluginCatalog.standard());
    }

    @Test
    void withATailDbTheSpoolIsOnInAFolderNextToIt() throws Exception {
        TopologyPlan plan = plan("", "    DB " + dir.resolve("state/tail.db") + "\n");
        assertThat(plan.spoolPath()).isEqualTo(dir.resolve("state").resolve("ferry-spool"));
        assertThat(TopologyDescription.describe(plan))
                .contains(" spool=" + dir.resolve("state/ferry-spool") + " storage.compress=zstd storage.write_behind=32MiB\n");
    }

    @Test
    void withoutADbThereIsNoSpool() throws Exception {
        TopologyPlan plan = plan("", "");
        assertThat(plan.spoolPath()).isNull();
        assertThat(TopologyDescription.describe(plan)).contains(" spool=off\n");
    }

    @Test
    void storagePathWinsAndOffTurnsTheDefaultOff() throws Exception {
        String db = "    DB " + dir.resolve("tail.db") + "\n";
        assertThat(plan("    storage.path " + dir.resolve("elsewhere") + "\n", db).spoolPath())
                .isEqualTo(dir.resolve("elsewhere"));
        assertThat(plan("    storage.path off\n", db).spoolPath()).isNull();
        assertThat(plan("    storage.path None\n", db).spoolPath()).isNull();
        assertThat(plan("    storage.path " + dir.resolve("spool") + "\n", "").spoolPath()).isEqualTo(dir.resolve("spool"));
    }

    @Test
    void theSpoolHolds32MiBInMemoryOrStorageWriteBehindAtMostHalfTheSmallestMemBufLimit() throws Exception {
        String db = "    DB " + dir.resolve("tail.db") + "\n";
        assertThat(Agent.spoolMemory(plan("", db))).isEqualTo(32L << 20);
        assertThat(Agent.spoolMemory(plan("    storage.write_behind 8MiB\n", db))).isEqualTo(8L << 20);
        assertThat(Agent.spoolMemory(plan("    storage.write_behind 0\n", db))).isZero();
        // conf/fluent-bit.conf's Mem_Buf_Limit 5MB: the input would pause on what the spool holds unacknowledged
        TopologyPlan limited = plan("", db + "    Mem_Buf_Limit 5MB\n");
        assertThat(Agent.spoolMemory(limited)).isEqualTo((5L << 20) / 2); // sizes are 1024-based, as in Fluent Bit
        assertThat(TopologyDescription.describe(limited)).contains(" storage.write_behind=2560KiB\n");
        assertThat(Agent.spoolMemory(plan("    storage.write_behind 1MiB\n", db + "    Mem_Buf_Limit 5MB\n")))
                .isEqualTo(1L << 20);
    }

    @Test
    void theSpoolIsZstdCompressedUnlessStorageCompressIsOff() throws Exception {
        String db = "    DB " + dir.resolve("tail.db") + "\n";
        assertThat(plan("", db).service().storageCompress()).isEqualTo(SpoolCompression.ZSTD);
        TopologyPlan off = plan("    storage.compress Off\n", db);
        assertThat(off.service().storageCompress()).isEqualTo(SpoolCompression.OFF);
        assertThat(TopologyDescription.describe(off)).contains(" spool=" + dir.resolve("ferry-spool")
                + " storage.compress=off storage.write_behind=32MiB\n");
        assertThatThrownBy(() -> plan("    storage.compress lz4\n", db)).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("ferry.conf") + ":3: [SERVICE]: bad value 'lz4' for key 'storage.compress'; allowed: one of zstd, off");
    }

    @Test
    void aStateDirectoryGivesEachTailWithoutADbOneNamedAfterItAndTheSpoolItsDefaultFolder() throws Exception {
        Path conf = dir.resolve("two.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + dir + "/a/*.log\n\n[INPUT]\n    Name tail\n"
                + "    Alias erlmcp/app logs\n    Path " + dir + "/b/*.log\n\n[INPUT]\n    Name tail\n    Path " + dir
                + "/c/*.log\n    DB " + dir.resolve("own.db") + "\n\n[OUTPUT]\n    Name null\n    Match *\n");
        var loaded = new ConfigLoader(Map.of()).load(conf);
        Path state = dir.resolve("state");
        TopologyPlan plan = TopologyPlan.build(loaded.configuration(), loaded.warnings(), PluginCatalog.standard())
                .withStateDirectory(state);
        assertThat(plan.inputs()).extracting(in -> ((TailConfig) in.config()).db())
                .containsExactly(state.resolve("tail.0.db"), state.resolve("erlmcp_app_logs.db"), dir.resolve("own.db"));
        assertThat(plan.spoolPath()).isEqualTo(state.resolve("ferry-spool"));
        assertThat(TopologyDescription.describe(plan))
                .contains("      DB " + state.resolve("tail.0.db") + "  (from --state-dir)\n")
                .contains("      DB " + dir.resolve("own.db") + "\n")
                .doesNotContain("own.db  (from --state-dir)");
    }
}
