package dev.ferry.agent.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.FerryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ferry.jar} with the kubernetes filter, tailing a container log file named as the kubelet
 * names them, against {@link KubeApiServer} (the HTTPS stand-in for the API server; no real cluster can be
 * had here, see there): every record arrives once with its pod's metadata and its JSON log merged, the API
 * server is asked once, and the token is nowhere in ferry's output.
 */
class ContainerLogMetadataIT {

    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.it-token-5521.sig";
    private static final String ID = "9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9";
    private static final String POD = "erlmcp-7d9f8b6c5-x2k4q";

    /** What one run of ferry gave: the records of the output file, and ferry's standard error. */
    private record Run(List<Map<String, Object>> records, String err, int apiRequests) {
    }

    /**
     * Runs ferry with the kubernetes filter (Merge_Log On, Keep_Log Off) on one container log file
     * holding {@code lines}, read by a tail input with {@code inputKeys}, to its end.
     */
    private static Run run(Path dir, CharSequence lines, String inputKeys) throws Exception {
        Path keystore = KubeApiServer.makeCertificate(dir, "apiserver");
        Files.writeString(dir.resolve("token"), TOKEN);
        Path containers = Files.createDirectories(dir.resolve("containers"));
        Files.writeString(containers.resolve(POD + "_monitoring_erlmcp-" + ID + ".log"), lines);
        String prefix = "kube" + containers.toString().replace('/', '.') + ".";
        Path out = Files.createDirectories(dir.resolve("out"));

        try (KubeApiServer api = new KubeApiServer(keystore, TOKEN)) {
            api.addPod(new KubeApiServer.Pod("monitoring", POD, ID, ID.replace('9', '1')));
            Path conf = dir.resolve("fluent-bit.conf");
            Files.writeString(conf, "[SERVICE]\n    Flush 1\n    Grace 10\n"
                    + "\n[INPUT]\n    Name tail\n    Path " + containers + "/*.log\n" + inputKeys + "    Tag kube.*\n"
                    + "    Read_from_Head On\n    Exit_On_Eof On\n"
                    + "\n[FILTER]\n    Name kubernetes\n    Match kube.*\n    Kube_URL https://127.0.0.1:" + api.port() + "\n"
                    + "    Kube_CA_File " + dir.resolve("apiserver.crt") + "\n    Kube_Token_File " + dir.resolve("token") + "\n"
                    + "    Kube_Tag_Prefix " + prefix + "\n    Merge_Log On\n    Keep_Log Off\n    Labels Off\n"
                    + "\n[OUTPUT]\n    Name file\n    Match *\n    Path " + out + "\n    File records.out\n    Format plain\n");
            try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
                assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
                String err = ferry.stderrText();
                assertThat(err + ferry.stdoutText()).doesNotContain(TOKEN);
                return new Run(FerryProcess.records(out.resolve("records.out")), err,
                        api.requests("/api/v1/namespaces/monitoring/pods/" + POD));
            }
        }
    }

    @Test
    void everyRecordOfAContainerLogGetsItsPodsMetadataFromOneApiRequest(@TempDir Path dir) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            // the docker json-file driver's lines, the application's own JSON in "log"
            lines.append("{\"log\":\"{\\\"seq\\\":").append(i).append(",\\\"msg\\\":\\\"request done\\\"}\\n\",")
                    .append("\"stream\":\"stdout\",\"time\":\"2026-12-03T21:00:00.").append(String.format("%03d", i)).append("Z\"}\n");
        }
        Run run = run(dir, lines, "    Parser docker\n");
        assertThat(run.records()).hasSize(500);
        Set<Object> seqs = new HashSet<>();
        for (Map<String, Object> r : run.records()) {
            assertThat(seqs.add(r.get("seq"))).isTrue();
            assertThat(r).doesNotContainKey("log").containsEntry("msg", "request done").containsEntry("stream", "stdout");
            assertThat(r.get("kubernetes")).isEqualTo(Map.of("pod_name", POD, "namespace_name", "monitoring",
                    "pod_id", "5b1e9f3a-8c2d-4e6f-a7b8-9c0d1e2f3a4b",
                    "annotations", Map.of("kubectl.kubernetes.io/restartedAt", "2026-11-30T09:12:44Z",
                            "prometheus.io/scrape", "true"),
                    "host", "worker-node-3", "pod_ip", "10.244.3.41", "container_name", "erlmcp", "docker_id", ID,
                    "container_hash", "ghcr.io/erlmcp/erlmcp@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "container_image", "ghcr.io/erlmcp/erlmcp:3.2.1"));
        }
        assertThat(run.apiRequests()).isEqualTo(1);
        assertThat(run.err()).contains("kubernetes filter closed. filter=kubernetes.0 records_without_pod=0 "
                + "records_without_metadata=0 records_excluded=0 api_requests=1 api_failures=0 cached_pods=1");
    }

    /**
     * conf/kubernetes-containers.conf's input, {@code multiline.parser docker, cri}, on containerd's lines:
     * the CRI prefix is gone from {@code log}, so Merge_Log merges the application's JSON, also of a line
     * the runtime split in two.
     */
    @Test
    void criLinesOfContainerdAreMergedAsFluentBitMergesThem(@TempDir Path dir) throws Exception {
        String lines = "2026-12-03T21:00:00.000000001Z stdout F {\"seq\":1,\"msg\":\"request done\"}\n"
                + "2026-12-03T21:00:00.000000002Z stderr P {\"seq\":2,\"msg\":\"a line the \n"
                + "2026-12-03T21:00:00.000000003Z stderr F runtime split\"}\n";
        Run run = run(dir, lines, "    multiline.parser docker, cri\n");
        assertThat(run.records()).hasSize(2);
        assertThat(run.records()).allSatisfy(r -> assertThat(r).doesNotContainKey("log").containsKey("kubernetes"));
        assertThat(run.records()).extracting(r -> List.of(r.get("time"), r.get("stream"), r.get("_p"), r.get("seq"), r.get("msg")))
                .containsExactly(
                        List.of("2026-12-03T21:00:00.000000001Z", "stdout", "F", 1L, "request done"),
                        List.of("2026-12-03T21:00:00.000000002Z", "stderr", "P", 2L, "a line the runtime split"));
        assertThat(run.apiRequests()).isEqualTo(1);
    }
}
