package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The packaging agrees with the launcher and with itself: what {@code packaging/} promises (positions kept
 * on the node across restarts, no restart loop on a bad configuration, a memory limit the JVM fits in) rests
 * on values spread over the launcher, the image, the DaemonSet and the systemd unit, which no other test runs.
 * (The unit was also checked with {@code systemd-analyze verify}; no cluster or container runtime is here.)
 */
class PackagingTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String STATE = "/var/lib/ferry";

    @Test
    void theImageAndTheServiceKeepPositionsInTheStateFolderAndResolveRelativePathsThere() throws Exception {
        String image = Files.readString(ROOT.resolve("packaging/Containerfile"));
        assertThat(image).contains("\nENV FERRY_STATE_DIR=" + STATE + "\n").contains("\nWORKDIR " + STATE + "\n");
        String unit = Files.readString(ROOT.resolve("packaging/systemd/ferry.service"));
        assertThat(unit).contains("\nEnvironment=FERRY_STATE_DIR=" + STATE + "\n")
                .contains("\nWorkingDirectory=" + STATE + "\n").contains("\nStateDirectory=ferry\n")
                .contains("\nReadWritePaths=" + STATE + "\n");
    }

    @Test
    void theServiceFindsTheJarWhereItsInstallStepsPutItAndDoesNotRestartOnABadConfiguration() throws Exception {
        String unit = Files.readString(ROOT.resolve("packaging/systemd/ferry.service"));
        assertThat(unit).contains("#   install -D -m 0644 agent/target/ferry.jar /opt/ferry/ferry.jar\n")
                .contains("\nEnvironment=FERRY_JAR=/opt/ferry/ferry.jar\n")
                .contains("\nRestartPreventExitStatus=" + Main.BAD_CONFIG + "\n");
        assertThat(Files.readString(ROOT.resolve("packaging/systemd/ferry.sysusers"))).contains("\nu ferry - ");
    }

    @Test
    void theImageWritesItsClassDataSharingArchiveForTheJarItRuns() throws Exception {
        // An archive only fits the jar at the path it was written for, and the launcher looks for it next to
        // FERRY_JAR; the script must be in the image (it is run there, with the image's JRE) beside the launcher.
        String image = Files.readString(ROOT.resolve("packaging/Containerfile"));
        Matcher jar = Pattern.compile("\nENV FERRY_JAR=(\\S+)\n").matcher(image);
        assertThat(jar.find()).as("the image sets FERRY_JAR").isTrue();
        assertThat(image).contains("\nCOPY packaging/cds-archive.sh /opt/ferry/cds-archive.sh\n")
                .contains("\nCOPY ferry /opt/ferry/ferry\n")
                .contains("\nRUN /opt/ferry/cds-archive.sh " + jar.group(1) + "\n");
        assertThat(image.indexOf("RUN /opt/ferry/cds-archive.sh")).as("the archive is written after the jar is copied")
                .isGreaterThan(image.indexOf("COPY agent/target/ferry.jar " + jar.group(1)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDaemonSetMountsTheStateFolderFromTheNodeAndLeavesRoomAboveTheHeap() throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object d : new Yaml().loadAll(Files.readString(ROOT.resolve("packaging/kubernetes/daemonset.yaml")))) {
            docs.add((Map<String, Object>) d);
        }
        assertThat(docs).extracting(d -> d.get("kind"))
                .containsExactly("Namespace", "ConfigMap", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "DaemonSet");
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) docs.get(5)
                .get("spec")).get("template")).get("spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        List<Map<String, Object>> env = (List<Map<String, Object>>) container.get("env");
        assertThat(env).anySatisfy(e -> assertThat(e).containsEntry("name", "FERRY_STATE_DIR").containsEntry("value", STATE));
        String stateVolume = ((List<Map<String, Object>>) container.get("volumeMounts")).stream()
                .filter(m -> STATE.equals(m.get("mountPath"))).map(m -> (String) m.get("name")).findFirst().orElseThrow();
        assertThat((List<Map<String, Object>>) pod.get("volumes")).anySatisfy(v -> assertThat(v)
                .containsEntry("name", stateVolume).containsEntry("hostPath", Map.of("path", STATE, "type", "DirectoryOrCreate")));

        Matcher xmx = Pattern.compile("-Xmx(\\d+)m").matcher(Files.readString(ROOT.resolve("ferry")));
        assertThat(xmx.find()).as("the launcher sets -Xmx").isTrue();
        long heapMiB = Long.parseLong(xmx.group(1));
        String limit = (String) ((Map<String, Object>) ((Map<String, Object>) container.get("resources")).get("limits")).get("memory");
        assertThat(limit).endsWith("Mi");
        assertThat(Long.parseLong(limit.replace("Mi", ""))).as("memory limit (MiB) against the launcher's heap")
                .isGreaterThanOrEqualTo(heapMiB * 2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDaemonSetsLivenessProbeAsksTheUptimeEndpointOfTheServerItsConfigurationTurnsOn(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object d : new Yaml().loadAll(Files.readString(ROOT.resolve("packaging/kubernetes/daemonset.yaml")))) {
            docs.add((Map<String, Object>) d);
        }
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) docs.get(5)
                .get("spec")).get("template")).get("spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        assertThat((List<Map<String, Object>>) container.get("ports"))
                .containsExactly(Map.of("name", "http", "containerPort", 2020, "protocol", "TCP"));
        assertThat((Map<String, Object>) ((Map<String, Object>) container.get("livenessProbe")).get("httpGet"))
                .as("liveness asks whether ferry answers, not /api/v1/health: an Elasticsearch outage is no reason to restart")
                .isEqualTo(Map.of("path", "/api/v1/uptime", "port", "http"));
        List<String> args = (List<String>) container.get("args");
        assertThat(args).containsExactly("run", "-c", "/etc/ferry-service/ferry.conf");
        String mountName = ((List<Map<String, Object>>) container.get("volumeMounts")).stream()
                .filter(m -> "/etc/ferry-service".equals(m.get("mountPath"))).map(m -> (String) m.get("name")).findFirst().orElseThrow();
        assertThat((List<Map<String, Object>>) pod.get("volumes")).anySatisfy(v -> assertThat(v)
                .containsEntry("name", mountName).containsEntry("configMap", Map.of("name", "ferry-service")));

        // The ConfigMap's ferry.conf, including the repository's conf/fluent-bit.conf where the pod mounts it, is
        // what ferry check accepts, with the HTTP server and its health check on.
        String service = (String) ((Map<String, Object>) docs.get(1).get("data")).get("ferry.conf");
        assertThat(service).contains("@INCLUDE /etc/ferry/fluent-bit.conf");
        Path conf = dir.resolve("ferry.conf");
        Files.writeString(conf, service.replace("/etc/ferry/fluent-bit.conf", ROOT.resolve("conf/fluent-bit.conf").toString()));
        dev.ferry.agent.config.LoadedConfig loaded = new dev.ferry.agent.config.ConfigLoader(
                Map.of("HOSTNAME", "node-1", "ELASTICSEARCH_PASSWORD", "x")).load(conf);
        TopologyPlan plan = TopologyPlan.build(loaded.configuration(), loaded.warnings(), PluginCatalog.standard());
        assertThat(plan.service().http()).isEqualTo(new dev.ferry.agent.http.HttpServerConfig(true, "0.0.0.0", 2020, true, 5, 5,
                java.time.Duration.ofSeconds(60)));
        assertThat(plan.outputs()).extracting(PlannedPlugin::instanceName).containsExactly("es.0");
    }
}
