package dev.ferry.agent.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.parsers.BuiltinParsers;
import dev.ferry.parsers.json.JsonParser;
import dev.ferry.pipeline.TestLogs;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.regex.RubyRegex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubernetes filter against {@link KubeApiServer}, an HTTPS stand-in for the Kubernetes API server that
 * speaks its wire protocol and enforces its rules (bearer token, RBAC, not found; see there why not a real
 * one): the metadata a record gets, records that pass unchanged, one API request per pod, a failing API
 * server asked once per back-off, the log lines, and that the token never shows in them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesFilterTest {

    private static final String TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImZlcnJ5In0.c2VjcmV0LXRva2VuLTQ4MjE.sig-7731";
    private static final String ERLMCP_ID = "3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e";
    private static final String SHIPPER_ID = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private static final String POD = "erlmcp-7d9f8b6c5-x2k4q";
    private static final String NS = "monitoring";
    private static final String TAG = "kube.var.log.containers." + POD + "_" + NS + "_erlmcp-" + ERLMCP_ID + ".log";

    private Path certs;
    private KubeApiServer api;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @BeforeAll
    void startApiServer(@TempDir Path dir) throws Exception {
        certs = dir;
        Path keystore = KubeApiServer.makeCertificate(dir, "apiserver");
        KubeApiServer.makeCertificate(dir, "other");
        api = new KubeApiServer(keystore, TOKEN);
        api.addPod(new KubeApiServer.Pod(NS, POD, ERLMCP_ID, SHIPPER_ID));
        api.addPod(new KubeApiServer.Pod(NS, "erlmcp-7d9f8b6c5-pq8rz", ERLMCP_ID.replace('3', '4'), SHIPPER_ID.replace('a', 'b')));
    }

    @AfterAll
    void stopApiServer() {
        api.close();
    }

    @BeforeEach
    void resetToken() {
        api.token(TOKEN);
    }

    private KubernetesFilter filter(Path dir, String... keyValues) throws Exception {
        Path token = dir.resolve("token");
        if (!Files.exists(token)) {
            Files.writeString(token, TOKEN);
        }
        List<String> kv = new ArrayList<>(List.of(keyValues));
        List<String> defaults = List.of("Kube_URL", "https://127.0.0.1:" + api.port(),
                "Kube_CA_File", certs.resolve("apiserver.crt").toString(), "Kube_Token_File", token.toString());
        for (int i = 0; i < defaults.size(); i += 2) {
            if (!kv.contains(defaults.get(i))) {
                kv.addAll(defaults.subList(i, i + 2));
            }
        }
        return withClock(KubernetesConfigTest.config(kv.toArray(new String[0])));
    }

    /** The filter {@link KubernetesFilter#create} makes, on the test's clock. */
    private KubernetesFilter withClock(KubernetesConfig config) {
        return new KubernetesFilter("kubernetes.0", config, new KubeTagParser(config.tagPrefix(),
                RubyRegex.compile(KubeTagParser.DEFAULT_REGEX)), merger(config), name -> BuiltinParsers.find(name).orElse(null), now::get);
    }

    private static KubeLogMerger merger(KubernetesConfig c) {
        return c.mergeLog() ? new KubeLogMerger(new JsonParser("kubernetes-merge-log", null), false,
                c.mergeLogKey(), c.keepLog(), c.mergeLogTrim()) : null;
    }

    /**
     * The messages of the filter's log lines at {@code level} that start with {@code start}, without the prefix,
     * whose form depends on how slf4j-simple was set up in this JVM ({@code [main] INFO dev...KubernetesFilter - }
     * or {@code 2026-...Z [INFO] KubernetesFilter - }).
     */
    private static List<String> logged(String logs, String level, String start) {
        return logs.lines().filter(l -> l.contains(" " + level + " ") || l.contains("[" + level + "]"))
                .map(l -> l.substring(l.indexOf("KubernetesFilter - ") + "KubernetesFilter - ".length()))
                .filter(m -> m.startsWith(start)).toList();
    }

    static LogRecord record(String tag, String json) {
        LogRecord r = new LogRecord();
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        r.reset(b, 0, b.length);
        assertThat(BuiltinParsers.get("json").parse(r)).isTrue();
        r.tag(tag);
        return r;
    }

    private static String filtered(KubernetesFilter f, String tag, String json) {
        LogRecord r = record(tag, json);
        assertThat(f.apply(r)).isTrue();
        return r.fields().toString();
    }

    @Test
    void aRecordOfAPodGetsItsMetadataWithFluentBitsKeysInFluentBitsOrder(@TempDir Path dir) throws Exception {
        KubernetesFilter f = filter(dir);
        assertThat(filtered(f, TAG, "{\"log\":\"started\\n\",\"stream\":\"stdout\"}")).isEqualTo(
                "{\"log\":\"started\\n\",\"stream\":\"stdout\",\"kubernetes\":{\"pod_name\":\"" + POD + "\","
                + "\"namespace_name\":\"monitoring\",\"pod_id\":\"5b1e9f3a-8c2d-4e6f-a7b8-9c0d1e2f3a4b\","
                + "\"labels\":{\"app.kubernetes.io/name\":\"erlmcp\",\"pod-template-hash\":\"7d9f8b6c5\"},"
                + "\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"2026-11-30T09:12:44Z\",\"prometheus.io/scrape\":\"true\"},"
                + "\"host\":\"worker-node-3\",\"pod_ip\":\"10.244.3.41\",\"container_name\":\"erlmcp\","
                + "\"docker_id\":\"" + ERLMCP_ID + "\","
                + "\"container_hash\":\"ghcr.io/erlmcp/erlmcp@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\","
                + "\"container_image\":\"ghcr.io/erlmcp/erlmcp:3.2.1\"}}");
        // the request the API server got: the pod's path, with the token
        assertThat(api.authorizations).contains("Bearer " + TOKEN);
    }

    @Test
    void labelsOffAndAnnotationsOffLeaveThemOut(@TempDir Path dir) throws Exception {
        KubernetesFilter f = filter(dir, "Labels", "Off", "Annotations", "Off");
        String out = filtered(f, TAG.replace(POD, "erlmcp-7d9f8b6c5-pq8rz").replace(ERLMCP_ID, ERLMCP_ID.replace('3', '4')), "{\"log\":\"x\"}");
        assertThat(out).contains("\"pod_name\":\"erlmcp-7d9f8b6c5-pq8rz\"").contains("\"pod_id\":")
                .doesNotContain("labels").doesNotContain("annotations");
    }

    @Test
    void aTagThatNamesNoPodPassesUnchangedCountedAndLoggedOnce(@TempDir Path dir) throws Exception {
        // the erlmcp guide's configuration: its tags never name a pod
        KubernetesFilter f = filter(dir, "Kube_Tag_Prefix", "erlmcp.var.log.containers.erlmcp-", "Merge_Log", "On");
        int before = api.requests();
        String line = "{\"level\":\"info\",\"log\":\"{\\\"a\\\":1}\",\"msg\":\"request done\"}";
        String logs = TestLogs.of(() -> {
            for (int i = 0; i < 1000; i++) {
                assertThat(filtered(f, "erlmcp.var.log.erlmcp.application.log", line)).isEqualTo(line);
            }
        });
        assertThat(logged(logs, "INFO", "The tag names no pod")).containsExactly(
                "The tag names no pod; its records pass the "
                + "kubernetes filter unchanged. filter=kubernetes.0 tag=erlmcp.var.log.erlmcp.application.log "
                + "reason=\"the tag after Kube_Tag_Prefix does not match the regex\" kube_tag_prefix=erlmcp.var.log.containers.erlmcp-");
        assertThat(f.recordsWithoutPod()).isEqualTo(1000);
        assertThat(api.requests()).isEqualTo(before);
    }

    @Test
    void manyRecordsOfOnePodMakeOneApiRequest(@TempDir Path dir) throws Exception {
        KubernetesFilter f = filter(dir);
        String path = "/api/v1/namespaces/monitoring/pods/" + POD;
        int before = api.requests(path);
        String shipperTag = "kube.var.log.containers." + POD + "_" + NS + "_log-shipper-" + SHIPPER_ID + ".log";
        for (int i = 0; i < 500; i++) {
            assertThat(filtered(f, TAG, "{\"log\":\"line " + i + "\"}")).contains("\"container_name\":\"erlmcp\"");
            assertThat(filtered(f, shipperTag, "{\"log\":\"line " + i + "\"}"))
                    .contains("\"container_name\":\"log-shipper\",\"docker_id\":\"" + SHIPPER_ID + "\"")
                    .contains("\"container_image\":\"docker.io/library/busybox:1.36\"");
        }
        assertThat(api.requests(path) - before).isEqualTo(1);
        assertThat(f.apiRequests()).isEqualTo(1);
    }

    @Test
    void aWrongTokenIs401TheRecordPassesWithoutMetadataAndTheServerIsAskedOncePerBackOff(@TempDir Path dir) throws Exception {
        api.token("another-token-the-server-wants");
        KubernetesFilter f = filter(dir);
        String path = "/api/v1/namespaces/monitoring/pods/" + POD;
        int before = api.requests(path);
        String logs = TestLogs.of(() -> {
            for (int i = 0; i < 1000; i++) {
                assertThat(filtered(f, TAG, "{\"log\":\"x\"}")).isEqualTo("{\"log\":\"x\"}");
            }
        });
        assertThat(api.requests(path) - before).isEqualTo(1);
        assertThat(f.recordsWithoutMetadata()).isEqualTo(1000);
        assertThat(f.apiFailures()).isEqualTo(1);
        assertThat(logged(logs, "WARN", "Pod metadata")).containsExactly("Pod metadata could not be fetched "
                + "from the API server; records of the pod pass without it, and it is asked again in 30 s. filter=kubernetes.0 "
                + "pod=monitoring/" + POD + " url=https://127.0.0.1:" + api.port() + path + " status=401 "
                + "reason=\"Unauthorized: Unauthorized\" failures=1");
        assertThat(logs).doesNotContain(TOKEN).doesNotContain("c2VjcmV0LXRva2VuLTQ4MjE");

        // after the back-off it is asked again, and with the right token the metadata comes
        api.token(TOKEN);
        now.addAndGet(KubernetesFilter.FAILURE_BACKOFF_NANOS);
        assertThat(filtered(f, TAG, "{\"log\":\"x\"}")).contains("\"pod_id\":\"5b1e9f3a-8c2d-4e6f-a7b8-9c0d1e2f3a4b\"");
        assertThat(api.requests(path) - before).isEqualTo(2);
    }

    @Test
    void anApiServerThatCannotBeReachedIsAskedOncePerBackOffNotOncePerPod(@TempDir Path dir) throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        KubernetesFilter f = filter(dir, "Kube_URL", "https://127.0.0.1:" + closed);
        String logs = TestLogs.of(() -> {
            for (String pod : List.of("erlmcp-1-aaaaa", "erlmcp-2-bbbbb", "erlmcp-3-ccccc")) {
                assertThat(filtered(f, TAG.replace(POD, pod), "{\"log\":\"x\"}")).isEqualTo("{\"log\":\"x\"}");
            }
        });
        assertThat(f.apiRequests()).as("requests while the server cannot be reached").isEqualTo(1);
        assertThat(f.recordsWithoutMetadata()).isEqualTo(3);
        assertThat(logged(logs, "WARN", "Pod metadata")).singleElement().asString()
                .contains("it is asked again in 30 s, no other pod before then. filter=kubernetes.0 pod=monitoring/erlmcp-1-aaaaa")
                .contains(" status=0 ");
        assertThat(logged(logs, "WARN", "The API server could not be reached")).singleElement().asString()
                .contains("pod=monitoring/erlmcp-2-bbbbb");

        now.addAndGet(KubernetesFilter.FAILURE_BACKOFF_NANOS);
        assertThat(filtered(f, TAG.replace(POD, "erlmcp-4-ddddd"), "{\"log\":\"x\"}")).isEqualTo("{\"log\":\"x\"}");
        assertThat(f.apiRequests()).as("after the back-off the next pod is asked").isEqualTo(2);
    }

    @Test
    void anUnknownPodIs404AndAForbiddenNamespace403WithTheApiServersReason(@TempDir Path dir) throws Exception {
        api.forbidNamespace("kube-system");
        KubernetesFilter f = filter(dir);
        String gone = TAG.replace(POD, "erlmcp-7d9f8b6c5-gone1");
        String forbidden = TAG.replace("_" + NS + "_", "_kube-system_");
        String logs = TestLogs.of(() -> {
            assertThat(filtered(f, gone, "{\"log\":\"x\"}")).isEqualTo("{\"log\":\"x\"}");
            assertThat(filtered(f, forbidden, "{\"log\":\"x\"}")).isEqualTo("{\"log\":\"x\"}");
        });
        assertThat(logs).contains("pod=monitoring/erlmcp-7d9f8b6c5-gone1 url=https://127.0.0.1:" + api.port()
                + "/api/v1/namespaces/monitoring/pods/erlmcp-7d9f8b6c5-gone1 status=404 "
                + "reason=\"NotFound: pods \"erlmcp-7d9f8b6c5-gone1\" not found\"");
        assertThat(logs).contains("pod=kube-system/" + POD + " url=https://127.0.0.1:" + api.port()
                + "/api/v1/namespaces/kube-system/pods/" + POD + " status=403 reason=\"Forbidden: pods \"" + POD
                + "\" is forbidden: User \"system:serviceaccount:logging:ferry\" cannot get resource \"pods\" in API group "
                + "\"\" in the namespace \"kube-system\"\"");
        assertThat(f.recordsWithoutMetadata()).isEqualTo(2);
    }

    @Test
    void theTokenFileIsReadAgainAfterKubeTokenTtl(@TempDir Path dir) throws Exception {
        KubernetesFilter f = filter(dir, "Kube_Token_TTL", "10m", "Kube_Meta_Cache_TTL", "1m");
        String path = "/api/v1/namespaces/monitoring/pods/" + POD;
        assertThat(filtered(f, TAG, "{\"log\":\"x\"}")).contains("\"pod_id\"");
        // the kubelet rotates the projected token; the API server takes only the new one
        Files.writeString(dir.resolve("token"), "rotated-token-9921\n");
        api.token("rotated-token-9921");
        now.addAndGet(java.time.Duration.ofMinutes(2).toNanos()); // the pod expired from the cache, the token not yet
        assertThat(filtered(f, TAG, "{\"log\":\"x\"}")).doesNotContain("\"pod_id\"");
        now.addAndGet(java.time.Duration.ofMinutes(9).toNanos() + KubernetesFilter.FAILURE_BACKOFF_NANOS);
        int before = api.requests(path);
        assertThat(filtered(f, TAG, "{\"log\":\"x\"}")).contains("\"pod_id\"");
        assertThat(api.requests(path) - before).isEqualTo(1);
        assertThat(api.authorizations.get(api.authorizations.size() - 1)).isEqualTo("Bearer rotated-token-9921");
    }

    @Test
    void kubeTokenCommandsOutputIsTheTokenWithoutItsNewline(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("token"), "not-this-one");
        KubernetesFilter f = filter(dir, "Kube_Token_Command", "printf '%s\\n' '" + TOKEN + "'");
        assertThat(filtered(f, TAG, "{\"log\":\"x\"}")).contains("\"pod_id\"");
        assertThat(api.authorizations.get(api.authorizations.size() - 1)).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void anAnswerLargerThanBufferSizeIsRefusedAsInFluentBit(@TempDir Path dir) throws Exception {
        KubernetesFilter f = filter(dir, "Buffer_Size", "1k");
        String logs = TestLogs.of(() -> assertThat(filtered(f, TAG, "{\"log\":\"x\"}")).isEqualTo("{\"log\":\"x\"}"));
        int size = KubeApiServer.podJson(new KubeApiServer.Pod(NS, POD, ERLMCP_ID, SHIPPER_ID)).getBytes(StandardCharsets.UTF_8).length;
        assertThat(logs).contains(" status=200 reason=\"the answer (" + size + " bytes) is larger than Buffer_Size (1024 bytes)\"");
    }

    @Test
    void aCaFileOfAnotherServerFailsTheHandshakeAndSaysSo(@TempDir Path dir) throws Exception {
        KubernetesFilter f = filter(dir, "Kube_CA_File", certs.resolve("other.crt").toString());
        String logs = TestLogs.of(() -> assertThat(filtered(f, TAG, "{\"log\":\"x\"}")).isEqualTo("{\"log\":\"x\"}"));
        assertThat(logs).contains("pod=monitoring/" + POD + " url=https://127.0.0.1:" + api.port() + "/api/v1/namespaces/"
                + "monitoring/pods/" + POD + " status=0 reason=\"TLS handshake failed: the server's certificate is not signed "
                + "by a trusted CA (tls.ca_file, tls.ca_path or the JVM's trust store)");
    }

    @Test
    void outsideKubernetesItStartsWithAWarningAndRecordsPassWithoutMetadata(@TempDir Path dir) throws Exception {
        KubernetesConfig c = KubernetesConfigTest.config("Kube_URL", "https://127.0.0.1:" + api.port(), "Kube_CA_File", dir.resolve("ca.crt").toString(),
                "Kube_Token_File", dir.resolve("token").toString());
        int before = api.requests();
        String[] out = new String[1];
        String logs = TestLogs.of(() -> {
            KubernetesFilter f = KubernetesFilter.create("kubernetes.1", c, null, null, name -> null);
            out[0] = filtered(f, TAG, "{\"log\":\"x\"}");
            f.close();
        });
        assertThat(out[0]).isEqualTo("{\"log\":\"x\"}");
        assertThat(logged(logs, "WARN", "The kubernetes filter cannot")).containsExactly("The kubernetes filter cannot ask the "
                + "API server: Kube_CA_File " + dir.resolve("ca.crt") + " cannot be read. Records pass without pod metadata "
                + "(as outside Kubernetes). filter=kubernetes.1 url=https://127.0.0.1:" + api.port());
        assertThat(logs).contains("kubernetes filter closed. filter=kubernetes.1 records_without_pod=0 "
                + "records_without_metadata=1 records_excluded=0 api_requests=0 api_failures=0 cached_pods=1");
        assertThat(api.requests()).isEqualTo(before);
    }

    @Test
    void mergeLogPutsTheJsonLogsMembersAtTheTopAndKeepLogOffRemovesIt(@TempDir Path dir) throws Exception {
        KubernetesFilter f = filter(dir, "Merge_Log", "On", "Keep_Log", "Off", "Labels", "Off", "Annotations", "Off");
        String out = filtered(f, TAG, "{\"log\":\"{\\\"level\\\":\\\"error\\\",\\\"msg\\\":\\\"boom\\\\n\\\"}\\n\",\"stream\":\"stderr\"}");
        assertThat(out).startsWith("{\"stream\":\"stderr\",\"level\":\"error\",\"msg\":\"boom\",\"kubernetes\":{\"pod_name\"");
    }

    private static final String ANNOTATED = "erlmcp-7d9f8b6c5-annot";

    /** A pod whose annotations exclude its shipper's stdout and give its erlmcp container's stdout the logfmt parser. */
    private String annotatedTag(String container, String id) {
        api.addPod(new KubeApiServer.Pod(NS, ANNOTATED, ERLMCP_ID, SHIPPER_ID, new java.util.LinkedHashMap<>(java.util.Map.of(
                "fluentbit.io/exclude_stdout-log-shipper", "true"))));
        return "kube.var.log.containers." + ANNOTATED + "_" + NS + "_" + container + "-" + id + ".log";
    }

    @Test
    void k8sLoggingExcludeDropsWhatThePodsAnnotationExcludesAndOnlyThat(@TempDir Path dir) throws Exception {
        KubernetesFilter f = filter(dir, "K8S-Logging.Exclude", "On");
        String shipper = annotatedTag("log-shipper", SHIPPER_ID);
        LogRecord stdout = record(shipper, "{\"log\":\"x\",\"stream\":\"stdout\"}");
        assertThat(f.apply(stdout)).isFalse();
        assertThat(filtered(f, shipper, "{\"log\":\"x\",\"stream\":\"stderr\"}")).contains("\"container_name\":\"log-shipper\"");
        assertThat(filtered(f, annotatedTag("erlmcp", ERLMCP_ID), "{\"log\":\"x\",\"stream\":\"stdout\"}"))
                .contains("\"container_name\":\"erlmcp\"");
        assertThat(f.recordsExcluded()).isEqualTo(1);
    }

    @Test
    void withK8sLoggingExcludeOffTheAnnotationIsNotAllowedAndSaysSo(@TempDir Path dir) throws Exception {
        KubernetesFilter f = filter(dir);
        String shipper = annotatedTag("log-shipper", SHIPPER_ID);
        String logs = TestLogs.of(() -> assertThat(f.apply(record(shipper, "{\"log\":\"x\",\"stream\":\"stdout\"}"))).isTrue());
        assertThat(logged(logs, "WARN", "Pod annotation")).containsExactly("Pod annotation not allowed "
                + "(K8S-Logging.Exclude is Off); it has no effect. annotation=fluentbit.io/exclude ns=monitoring pod=" + ANNOTATED);
        assertThat(f.recordsExcluded()).isZero();
    }

    @Test
    void k8sLoggingParserMergesTheLogWithTheParserThePodsAnnotationNames(@TempDir Path dir) throws Exception {
        api.addPod(new KubeApiServer.Pod(NS, "erlmcp-7d9f8b6c5-logfmt", ERLMCP_ID, SHIPPER_ID, java.util.Map.of(
                "fluentbit.io/parser_stdout", "logfmt", "fluentbit.io/parser-log-shipper", "no-such-parser")));
        KubernetesFilter f = filter(dir, "Merge_Log", "On", "K8S-Logging.Parser", "On", "Labels", "Off", "Annotations", "Off");
        String tag = "kube.var.log.containers.erlmcp-7d9f8b6c5-logfmt_" + NS + "_erlmcp-" + ERLMCP_ID + ".log";
        String[] out = new String[2];
        String logs = TestLogs.of(() -> {
            out[0] = filtered(f, tag, "{\"log\":\"level=info msg=ready\",\"stream\":\"stdout\"}");
            // stderr has no parser from the annotation: JSON, which this is not
            out[1] = filtered(f, tag, "{\"log\":\"level=warn msg=slow\",\"stream\":\"stderr\"}");
            filtered(f, tag.replace("_erlmcp-" + ERLMCP_ID, "_log-shipper-" + SHIPPER_ID), "{\"log\":\"x\"}");
        });
        assertThat(out[0]).startsWith("{\"log\":\"level=info msg=ready\",\"stream\":\"stdout\",\"level\":\"info\",\"msg\":\"ready\",\"kubernetes\":");
        assertThat(out[1]).startsWith("{\"log\":\"level=warn msg=slow\",\"stream\":\"stderr\",\"kubernetes\":");
        assertThat(logs).contains("The parser a pod annotation names does not exist; it has no effect. "
                + "annotation=fluentbit.io/parser-log-shipper parser=no-such-parser ns=monitoring pod=erlmcp-7d9f8b6c5-logfmt "
                + "container=log-shipper");
    }

    @Test
    void dummyMetaAddsDummyMetadataWithoutAskingTheApiServer(@TempDir Path dir) throws Exception {
        int before = api.requests();
        KubernetesFilter f = filter(dir, "Dummy_Meta", "On");
        assertThat(filtered(f, "anything", "{\"log\":\"x\"}")).matches("\\{\"log\":\"x\",\"kubernetes\":\\{\"dummy\":\"\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\"}}");
        assertThat(api.requests()).isEqualTo(before);
    }

    @Test
    void ownerReferencesOnAddsThePodsOwnerReferencesAfterItsAnnotations(@TempDir Path dir) throws Exception {
        KubernetesFilter f = filter(dir, "Owner_References", "On", "Labels", "Off");
        assertThat(filtered(f, TAG, "{\"log\":\"x\"}")).contains("\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":"
                + "\"2026-11-30T09:12:44Z\",\"prometheus.io/scrape\":\"true\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\","
                + "\"blockOwnerDeletion\":true,\"controller\":true,\"kind\":\"ReplicaSet\",\"name\":\"erlmcp-7d9f8b6c5\","
                + "\"uid\":\"0b7f3c2e-5a41-4d8e-9a7b-1c2d3e4f5a6b\"}],\"host\":\"worker-node-3\"");
        // Off (the default): left out, as in Fluent Bit
        assertThat(filtered(filter(dir), TAG, "{\"log\":\"x\"}")).doesNotContain("ownerReferences");
    }

    @Test
    void cacheUseDockerIdOnAsksAgainForAContainerIdNotSeenBefore(@TempDir Path dir) throws Exception {
        String path = "/api/v1/namespaces/monitoring/pods/" + POD;
        String shipperTag = "kube.var.log.containers." + POD + "_" + NS + "_log-shipper-" + SHIPPER_ID + ".log";
        KubernetesFilter on = filter(dir, "Cache_Use_Docker_Id", "On");
        int before = api.requests(path);
        for (int i = 0; i < 10; i++) {
            assertThat(filtered(on, TAG, "{\"log\":\"x\"}")).contains("\"pod_id\":");
            assertThat(filtered(on, shipperTag, "{\"log\":\"x\"}")).contains("\"pod_id\":");
        }
        assertThat(api.requests(path) - before).isEqualTo(2);
        KubernetesFilter off = filter(dir, "Cache_Use_Docker_Id", "Off");
        before = api.requests(path);
        for (int i = 0; i < 10; i++) {
            filtered(off, TAG, "{\"log\":\"x\"}");
            filtered(off, shipperTag, "{\"log\":\"x\"}");
        }
        assertThat(api.requests(path) - before).isEqualTo(1);
    }

    @Test
    void useTagForMetaAddsWhatTheTagNamesWithoutAskingTheApiServer(@TempDir Path dir) throws Exception {
        int before = api.requests();
        // no CA file and no token: Use_Tag_For_Meta needs neither
        KubernetesFilter f = filter(dir, "Use_Tag_For_Meta", "On", "Kube_CA_File", dir.resolve("none.crt").toString());
        assertThat(filtered(f, TAG, "{\"log\":\"x\"}")).isEqualTo("{\"log\":\"x\",\"kubernetes\":{\"pod_name\":\"" + POD
                + "\",\"namespace_name\":\"monitoring\",\"container_name\":\"erlmcp\",\"docker_id\":\"" + ERLMCP_ID + "\"}}");
        assertThat(filtered(f, "kube.var.log.other.log", "{\"log\":\"x\"}")).isEqualTo("{\"log\":\"x\"}");
        assertThat(f.recordsWithoutPod()).isEqualTo(1);
        assertThat(api.requests()).isEqualTo(before);
    }

    @Test
    void tlsVerifyHostnameOffChecksTheCaButNotTheName(@TempDir Path dir) throws Exception {
        // the API server's certificate is for 127.0.0.1 and kubernetes.default.svc, signed by apiserver.crt
        KubernetesFilter off = filter(dir, "tls.vhost", "other.example", "tls.verify_hostname", "Off");
        assertThat(filtered(off, TAG, "{\"log\":\"x\"}")).contains("\"pod_id\":");
        KubernetesFilter on = filter(dir, "tls.vhost", "other.example");
        String logs = TestLogs.of(() -> assertThat(filtered(on, TAG, "{\"log\":\"x\"}")).isEqualTo("{\"log\":\"x\"}"));
        assertThat(logs).contains(" status=0 reason=\"TLS handshake failed");
        KubernetesFilter otherCa = filter(dir, "tls.verify_hostname", "Off", "Kube_CA_File",
                certs.resolve("other.crt").toString());
        assertThat(filtered(otherCa, TAG, "{\"log\":\"x\"}")).isEqualTo("{\"log\":\"x\"}");
    }
}
