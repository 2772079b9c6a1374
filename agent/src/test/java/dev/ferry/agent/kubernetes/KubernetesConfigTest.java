package dev.ferry.agent.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubernetesConfigTest {

    /** The settings of a [FILTER] section at test.conf:3 with {@code Name kubernetes} and the given keys from line 5 on. */
    static KubernetesConfig config(String... keyValues) {
        List<ConfigEntry> entries = new ArrayList<>();
        entries.add(new ConfigEntry("Name", "kubernetes", new SourceLocation("test.conf", 4)));
        for (int i = 0; i < keyValues.length; i += 2) {
            entries.add(new ConfigEntry(keyValues[i], keyValues[i + 1], new SourceLocation("test.conf", 5 + i / 2)));
        }
        return KubernetesConfig.from(KubernetesConfig.OPTIONS.bind(
                new ConfigSection("FILTER", new SourceLocation("test.conf", 3), entries)));
    }

    @Test
    void defaultsAreFluentBits() {
        KubernetesConfig c = config();
        assertThat(c.kubeUrl()).isEqualTo(URI.create("https://kubernetes.default.svc:443"));
        assertThat(c.caFile()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
        assertThat(c.tokenFile()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/token");
        assertThat(c.tokenTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.tagPrefix()).isEqualTo("kube.var.log.containers.");
        assertThat(c.mergeLog()).isFalse();
        assertThat(c.mergeLogTrim()).isTrue();
        assertThat(c.keepLog()).isTrue();
        assertThat(c.k8sLoggingParser()).isFalse();
        assertThat(c.k8sLoggingExclude()).isFalse();
        assertThat(c.labels()).isTrue();
        assertThat(c.annotations()).isTrue();
        assertThat(c.useKubelet()).isFalse();
        assertThat(c.kubeletPort()).isEqualTo(10250);
        assertThat(c.metaCacheTtl()).isEqualTo(Duration.ZERO);
        assertThat(c.bufferSize()).isEqualTo(32 * 1024);
        assertThat(c.tlsVerify()).isTrue();
        assertThat(c.regexParser()).isNull();
        assertThat(c.dummyMeta()).isFalse();
    }

    @Test
    void typedKeys() {
        KubernetesConfig c = config("Kube_URL", "http://127.0.0.1:8001", "Merge_Log", "On", "Merge_Log_Key",
                "log_processed", "Keep_Log", "Off", "K8S-Logging.Parser", "On", "K8S-Logging.Exclude", "On",
                "Labels", "off", "Annotations", "off", "Use_Kubelet", "false", "Kubelet_Port", "10255",
                "Kube_Meta_Cache_TTL", "5m", "Buffer_Size", "0", "tls.verify", "Off", "Regex_Parser", "k8s-custom",
                "Kube_Tag_Prefix", "kube.", "Dummy_Meta", "on");
        assertThat(c.kubeUrl().getPort()).isEqualTo(8001);
        assertThat(c.mergeLog()).isTrue();
        assertThat(c.mergeLogKey()).isEqualTo("log_processed");
        assertThat(c.keepLog()).isFalse();
        assertThat(c.k8sLoggingParser()).isTrue();
        assertThat(c.k8sLoggingExclude()).isTrue();
        assertThat(c.labels()).isFalse();
        assertThat(c.annotations()).isFalse();
        assertThat(c.useKubelet()).isFalse();
    }

    @Test
    void useKubeletOnIsNotSupportedYet() {
        assertThatThrownBy(() -> config("Use_Kubelet", "On"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [FILTER] kubernetes: Use_Kubelet On is not supported yet by ferry's kubernetes "
                        + "filter; it asks the API server (Kube_URL) for each pod. Remove the key or set it Off");
    }

    @Test
    void malformedKubeUrlIsAnErrorNamingTheKey() {
        for (String url : List.of("kubernetes.default.svc:443", "ftp://kubernetes", "https://", "https://a b",
                "https://api:443/?x=1")) {
            assertThatThrownBy(() -> config("Kube_URL", url))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("test.conf:5: [FILTER] kubernetes: bad value '" + url + "' for key 'Kube_URL'; "
                            + "allowed: an http or https URL such as https://kubernetes.default.svc:443");
        }
    }

    @Test
    void badKubeletPortIsAnError() {
        assertThatThrownBy(() -> config("Kubelet_Port", "0"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [FILTER] kubernetes: bad value '0' for key 'Kubelet_Port'; allowed: a port "
                        + "number from 1 to 65535");
    }

    @Test
    void badCacheTtlIsAnError() {
        assertThatThrownBy(() -> config("Kube_Meta_Cache_TTL", "soon"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [FILTER] kubernetes: bad value 'soon' for key 'Kube_Meta_Cache_TTL'; allowed: "
                        + "a duration such as 500ms, 5s or 1m (a bare number means seconds)");
    }

    @Test
    void misspelledKeyIsAnError() {
        assertThatThrownBy(() -> config("Merge_Logs", "on"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.conf:5: [FILTER] kubernetes: unknown key 'Merge_Logs' (did you mean "
                        + "'Merge_Log'?)");
    }

    /** The warnings binding a kubernetes section with these keys gives. */
    private static List<String> warnings(String... keyValues) {
        List<ConfigEntry> entries = new ArrayList<>();
        entries.add(new ConfigEntry("Name", "kubernetes", new SourceLocation("test.conf", 4)));
        for (int i = 0; i < keyValues.length; i += 2) {
            entries.add(new ConfigEntry(keyValues[i], keyValues[i + 1], new SourceLocation("test.conf", 5 + i / 2)));
        }
        return KubernetesConfig.OPTIONS.bind(new ConfigSection("FILTER", new SourceLocation("test.conf", 3), entries))
                .warnings();
    }

    @Test
    void fluentBitsOtherKeysAtTheirDefaultsAreAcceptedSilently() {
        String[] defaults = {"Use_Journal", "Off", "Cache_Use_Docker_Id", "Off", "Use_Tag_For_Meta", "Off",
                "Owner_References", "Off", "Namespace_Labels", "Off", "Namespace_Annotations", "Off",
                "Namespace_Metadata_Only", "Off", "Kube_Meta_Namespace_Cache_TTL", "15m", "tls.verify_hostname", "Off",
                "aws_use_pod_association", "false", "use_pod_association", "false"};
        assertThat(warnings(defaults)).isEmpty();
        KubernetesConfig c = config(defaults);
        assertThat(c.ownerReferences()).isFalse();
        assertThat(c.cacheUseDockerId()).isFalse();
        assertThat(c.useTagForMeta()).isFalse();
        assertThat(c.tlsVerifyHostname()).isFalse();
        assertThat(config().tlsVerifyHostname()).isTrue();
        KubernetesConfig on = config("Owner_References", "On", "Cache_Use_Docker_Id", "On", "Use_Tag_For_Meta", "On",
                "tls.verify_hostname", "On");
        assertThat(on.ownerReferences()).isTrue();
        assertThat(on.cacheUseDockerId()).isTrue();
        assertThat(on.useTagForMeta()).isTrue();
        assertThat(on.tlsVerifyHostname()).isTrue();
    }

    @Test
    void switchesFerryHasNotImplementedAreRefusedOnSayingWhy() {
        String namespace = "it adds the pod's metadata only, not the namespace's (kubernetes_namespace)";
        String aws = "it does not ask the CloudWatch agent for pods' services (the aws_entity_* keys)";
        List<List<String>> cases = List.of(
                List.of("Use_Journal", "it takes the pod from the tag of container log files (Kube_Tag_Prefix), not "
                        + "from the CONTAINER_NAME of journald records"),
                List.of("Namespace_Labels", namespace), List.of("Namespace_Annotations", namespace),
                List.of("Namespace_Metadata_Only", namespace), List.of("aws_use_pod_association", aws),
                List.of("use_pod_association", aws));
        for (List<String> c : cases) {
            assertThatThrownBy(() -> config("Labels", "On", c.get(0), "On"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("test.conf:6: [FILTER] kubernetes: " + c.get(0) + " On is not supported yet by "
                            + "ferry's kubernetes filter; " + c.get(1) + ". Remove the key or set it Off");
        }
    }

    @Test
    void kubeMetaPreloadCacheDirIsRefusedSayingWhy() {
        assertThatThrownBy(() -> config("Kube_Meta_Preload_Cache_Dir", "/var/lib/meta"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [FILTER] kubernetes: Kube_Meta_Preload_Cache_Dir is not supported yet by "
                        + "ferry's kubernetes filter; it reads no metadata files and asks the API server (Kube_URL) "
                        + "for each pod. Remove the key");
        // empty, as a template with an unset variable gives: no directory, as in Fluent Bit
        assertThat(warnings("Kube_Meta_Preload_Cache_Dir", "")).isEmpty();
        config("Kube_Meta_Preload_Cache_Dir", "");
    }

    @Test
    void awsPodAssociationSettingsAreAcceptedWithAWarning() {
        assertThat(warnings("aws_pod_association_host", "cloudwatch-agent.amazon-cloudwatch", "set_platform", "eks"))
                .containsExactly(
                        "test.conf:5: [FILTER] kubernetes: key 'aws_pod_association_host' has no effect in ferry (it "
                                + "is used only with aws_use_pod_association On, which ferry does not support)",
                        "test.conf:6: [FILTER] kubernetes: key 'set_platform' has no effect in ferry (it is used only "
                                + "with aws_use_pod_association On, which ferry does not support)");
    }
}
