package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.record.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end tests of the real {@code ferry.jar} in a child JVM: real files written while ferry runs,
 * real signals, real output files. Each asserts the delivery outcome by the generated {@code fields.seq}:
 * how many records arrived, none twice, none missing.
 */
class EndToEndIT {

    @TempDir
    Path dir;

    /** The seed's fluent-bit.conf, unchanged but for the paths, the K8s filter (needs a cluster) and the output. */
    private String seedConfigToFile(Path logs, Path out, Path db) throws IOException {
        String seed = Files.readString(repoRoot().resolve("conf/fluent-bit.conf"), StandardCharsets.UTF_8);
        int k8s = seed.indexOf("[FILTER]\n    Name              kubernetes");
        int es = seed.indexOf("[OUTPUT]");
        assertThat(k8s).isPositive();
        assertThat(es).isGreaterThan(k8s);
        String conf = seed.substring(0, k8s) + seed.substring(es, seed.indexOf("    Name              es"))
                + "    Name              file\n    Match             erlmcp.*\n    Path              " + out + "\n"
                + "    File              erlmcp.out\n    Format            plain\n";
        conf = conf.replace("/var/log/erlmcp/*.log", logs + "/*.log")
                .replace("    Refresh_Interval  5\n", "    Refresh_Interval  1\n    Read_from_Head    On\n    DB                " + db + "\n");
        assertThat(conf).contains(logs + "/*.log").contains("Add               host ${HOSTNAME}");
        return conf;
    }

    @Test
    void seedConfigurationDeliversEveryLineOnceWithHostAndClusterWhileFilesAreWritten() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path conf = dir.resolve("fluent-bit.conf");
        Files.writeString(conf, seedConfigToFile(logs, out, dir.resolve("ferry.db")));
        ErlmcpLogWriter.append(logs.resolve("application.log"), 0, 3000);

        try (FerryProcess ferry = FerryProcess.start(dir, Map.of("HOSTNAME", "node-7"), "-c", conf.toString())) {
            Path output = out.resolve("erlmcp.out");
            FerryProcess.await(Duration.ofSeconds(60), () -> FerryProcess.lineCount(output) == 3000, () -> "first file: " + ferry.stderrText());
            // Written while ferry runs: more lines to the first file, and a new file found by the rescan.
            ErlmcpLogWriter.append(logs.resolve("application.log"), 3000, 2000);
            ErlmcpLogWriter.append(logs.resolve("error.log"), 5000, 1500);
            ErlmcpLogWriter.append(logs.resolve("application.log"), 6500, 500);
            FerryProcess.await(Duration.ofSeconds(60), () -> FerryProcess.lineCount(output) == 7000, () -> "later lines: " + ferry.stderrText());
            ferry.process.destroy(); // SIGTERM
            assertThat(ferry.waitFor(Duration.ofSeconds(30))).as(ferry.stderrText()).isZero();

            List<Map<String, Object>> records = FerryProcess.records(output);
            assertThat(records).hasSize(7000);
            Set<Long> seqs = new HashSet<>();
            for (Map<String, Object> r : records) {
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) r.get("fields");
                assertThat(seqs.add((Long) fields.get("seq"))).as("seq %s twice", fields.get("seq")).isTrue();
                assertThat(r.get("host")).isEqualTo("node-7");
                assertThat(r.get("cluster")).isEqualTo("erlmcp-prod");
            }
            assertThat(seqs).hasSize(7000).allMatch(s -> s >= 0 && s < 7000);
            assertThat(ferry.stderrText()).contains("ferry stopped.").contains("delivered=7000");
        }
    }

    @Test
    void embeddedDefaultShipsTheGeneratedLogSetToStdoutAndExits() throws Exception {
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of("HOSTNAME", "demo-host"), "run", "--demo-lines", "150")) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
            List<String> lines = ferry.stdoutText().lines().toList();
            assertThat(lines).hasSize(300);
            Set<Long> seqs = new HashSet<>();
            for (String line : lines) {
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) JsonValues.parse(line);
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) r.get("fields");
                seqs.add((Long) fields.get("seq"));
                assertThat(r).containsEntry("host", "demo-host").containsEntry("cluster", "erlmcp-demo");
            }
            assertThat(seqs).hasSize(300);
        }
    }

    @Test
    void checkOfTheSeedConfigurationPrintsTheTopologyAndNoSecret() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HOSTNAME", "node-1");
        env.put("ELASTICSEARCH_PASSWORD", "hunter2-very-secret");
        try (FerryProcess ferry = FerryProcess.start(dir, env, "check", "-c", repoRoot().resolve("conf/fluent-bit.conf").toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
            String out = ferry.stdoutText();
            assertThat(out).contains("is valid")
                    .contains("tail.0 (tag erlmcp.var.log.erlmcp.x.log) -> filters [modify.0, kubernetes.1] -> outputs [es.0]")
                    .contains("HTTP_Passwd *****")
                    .doesNotContain("hunter2");
            assertThat(ferry.stderrText()).doesNotContain("hunter2");
        }
    }

    @Test
    void aConfigurationErrorExitsTwoWithTheLocatedMessage() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Pth /var/log/*.log\n[OUTPUT]\n    Name stdout\n    Match *\n");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "check", "-c", conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(ferry.stderrText()).startsWith("ferry: " + conf + ":3: [INPUT] tail: unknown key 'Pth' (did you mean 'Path'?); allowed keys: ");
        }
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("conf"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no conf/ folder above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
