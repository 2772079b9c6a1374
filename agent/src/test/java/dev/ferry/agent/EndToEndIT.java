package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.pipeline.record.JsonValues;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /**
     * The seed's fluent-bit.conf, unchanged but for the paths and the output. Its kubernetes filter stays: outside
     * Kubernetes (no CA or token file) it starts with a warning, and its tags (erlmcp.var.log...) name no pod, so
     * it passes the records unchanged, as Fluent Bit's does.
     */
    private String seedConfigToFile(Path logs, Path out, Path db) throws IOException {
        String seed = Files.readString(repoRoot().resolve("conf/fluent-bit.conf"), StandardCharsets.UTF_8);
        assertThat(seed).contains("[FILTER]\n    Name              kubernetes");
        String conf = seed.substring(0, seed.indexOf("    Name              es"))
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
                assertThat(r).doesNotContainKey("kubernetes");
            }
            assertThat(seqs).hasSize(7000).allMatch(s -> s >= 0 && s < 7000);
            assertThat(ferry.stderrText()).contains("ferry stopped.").contains("delivered=7000")
                    .contains("The tag names no pod; its records pass the kubernetes filter unchanged. filter=kubernetes.1 "
                            + "tag=erlmcp." + logs.toString().substring(1).replace('/', '.') + ".application.log");
        }
    }

    /**
     * README's first command: {@code ferry run} starts the local Elasticsearch unpacked next to ferry.jar,
     * ships the generated lines into it, prints the count the index holds, stops the node and removes its
     * folder; exit 0 because the count is every line.
     */
    @Test
    void embeddedDefaultShipsTheGeneratedLogSetIntoALocalElasticsearchAndPrintsTheCount() throws Exception {
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of("HOSTNAME", "demo-host"), "run", "--demo-lines", "150")) {
            assertThat(ferry.waitFor(Duration.ofSeconds(240))).as(ferry.stdoutText() + ferry.stderrText()).isZero();
            List<String> out = ferry.stdoutText().lines().toList();
            assertThat(out).hasSize(6);
            Matcher generated = Pattern.compile("ferry: no configuration given; running the embedded default \\(see ferry run "
                    + "--help\\): 300 generated erlmcp lines in (\\S+)/logs").matcher(out.get(0));
            assertThat(generated.matches()).as(out.get(0)).isTrue();
            assertThat(out.get(1)).matches("ferry: starting Elasticsearch 8\\.19\\.\\d+ from \\S+/agent/target/elasticsearch/elasticsearch-8\\.19\\.\\d+ \\.\\.\\.");
            Matcher up = Pattern.compile("ferry: Elasticsearch is up at http://127\\.0\\.0\\.1:(\\d+) after [0-9.]+ s "
                    + "\\(user elastic, password made up for this run\\)").matcher(out.get(2));
            assertThat(up.matches()).as(out.get(2)).isTrue();
            String port = up.group(1);
            assertThat(out.subList(3, 6)).containsExactly(
                    "ferry: shipping 300 lines to index erlmcp-demo ...",
                    "ferry: indexed 300 documents into index erlmcp-demo at http://127.0.0.1:" + port,
                    "ferry: stopping Elasticsearch");
            String err = ferry.stderrText();
            assertThat(err).contains("Elasticsearch output closed. output=es.0 delivered=300 ").contains("drained=true");
            assertThat(err).as("the embedded default's own configuration warns about nothing").doesNotContain("[WARN]");
            assertThat(err + ferry.stdoutText()).doesNotContainPattern("demo-[A-Za-z0-9_-]{24}"); // the password
            // The node is gone and so is the demo folder (logs, node data).
            assertThat(Files.exists(Path.of(generated.group(1)))).as(generated.group(1)).isFalse();
            assertThatThrownBy(() -> new Socket("127.0.0.1", Integer.parseInt(port)).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void embeddedDefaultWithStdoutOutputShipsTheGeneratedLogSetToStdoutAndExits() throws Exception {
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of("HOSTNAME", "demo-host"), "run", "--demo-lines", "150",
                "--demo-output", "stdout")) {
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
    void oneInputAndOneOutputWithoutMatchShipEveryRecord() throws Exception {
        // Fluent Bit's 1:1 quick setup (flb_router_io_set): the only output takes Match *; ferry shipped nothing
        Path log = dir.resolve("in.log");
        Files.writeString(log, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
        Path conf = dir.resolve("nm.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + log + "\n    Parser json\n    Read_from_Head On\n"
                + "    Exit_On_Eof On\n[OUTPUT]\n    Name stdout\n    Format json_lines\n");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
            List<Object> ns = ferry.stdoutText().lines().<Object>map(l -> ((Map<?, ?>) JsonValues.parse(l)).get("n")).toList();
            assertThat(ns).containsExactly(1L, 2L, 3L);
            assertThat(ferry.stderrText()).doesNotContain("no 'Match'");
        }
    }

    @Test
    void aCleanRunWithTheSpoolLogsNoWarning() throws Exception {
        // Libraries must not alarm operators at every start: Chronicle's thread-affinity library warned twice that
        // its JNA implementations were unusable once JNA was left out of the jar.
        Path log = dir.resolve("clean.log");
        Files.writeString(log, "{\"n\":1}\n{\"n\":2}\n");
        Path conf = dir.resolve("clean.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + log + "\n    Parser json\n    Read_from_Head On\n"
                + "    Exit_On_Eof On\n    DB " + dir.resolve("clean.db") + "\n[OUTPUT]\n    Name stdout\n    Match *\n"
                + "    Format json_lines\n");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
            assertThat(ferry.stdoutText().lines()).hasSize(2);
            assertThat(ferry.stderrText()).contains("Spool opened").doesNotContain("[WARN]").doesNotContain("[ERROR]");
        }
    }

    @Test
    void checkOfTheSeedConfigurationPrintsTheTopologyAndNoSecret() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HOSTNAME", "node-1");
        env.put("ELASTICSEARCH_PASSWORD", "hunter2-very-secret");
        // as it is, the seed runs: check prints its topology, kubernetes filter included
        Path seed = repoRoot().resolve("conf/fluent-bit.conf");
        try (FerryProcess ferry = FerryProcess.start(dir, env, "check", "-c", seed.toString())) {
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

    @Test
    void aSecretFromTheEnvironmentGivenToTheWrongKeyIsNotRepeatedInTheError() throws Exception {
        Path conf = dir.resolve("typo.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /x\n[OUTPUT]\n    Name es\n    Match *\n"
                + "    Port ${ES_PASSWORD}\n");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of("ES_PASSWORD", "Zq9-SuperSecret-77"), "check", "-c",
                conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(ferry.stderrText()).startsWith("ferry: " + conf + ":7: [OUTPUT] es: bad value '*****' for key 'Port'")
                    .doesNotContain("Zq9-SuperSecret-77");
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
