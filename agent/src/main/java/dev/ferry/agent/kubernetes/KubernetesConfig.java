package dev.ferry.agent.kubernetes;

import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the {@code kubernetes} filter ({@code [FILTER] Name kubernetes}), which adds pod metadata
 * to records from container log files, with Fluent Bit's keys and defaults. Immutable.
 *
 * @param kubeUrl the API server ({@code Kube_URL}), an http or https URL with a host
 * @param caFile CA certificate file for the API server ({@code Kube_CA_File})
 * @param caPath directory of CA certificates, or null ({@code Kube_CA_Path})
 * @param tokenFile the service account token file ({@code Kube_Token_File})
 * @param tokenCommand a command whose output is the token, or null ({@code Kube_Token_Command})
 * @param tokenTtl how long a token read from file or command is used before it is read again
 * @param tagPrefix the tag prefix before the log file name ({@code Kube_Tag_Prefix})
 * @param mergeLog whether a JSON {@code log} field is parsed into the record ({@code Merge_Log})
 * @param mergeLogKey the key the parsed fields go under, or null for the top level
 * @param mergeLogTrim whether trailing whitespace is trimmed from the log before merging
 * @param mergeParser a parser to use on the log instead of JSON, or null ({@code Merge_Parser})
 * @param keepLog whether the original {@code log} field is kept after merging ({@code Keep_Log})
 * @param k8sLoggingParser whether pods may pick a parser by annotation ({@code K8S-Logging.Parser})
 * @param k8sLoggingExclude whether pods may exclude their logs by annotation
 * @param labels whether pod labels are added
 * @param annotations whether pod annotations are added
 * @param useKubelet whether metadata comes from the kubelet instead of the API server
 * @param kubeletHost the kubelet's host ({@code Kubelet_Host})
 * @param kubeletPort the kubelet's port ({@code Kubelet_Port})
 * @param metaCacheTtl how long pod metadata is cached; {@link Duration#ZERO} for as long as the pod lives
 * @param bufferSize the most bytes read from an API response; 0 for no limit ({@code Buffer_Size})
 * @param tlsVerify whether the API server's certificate is verified ({@code tls.verify})
 * @param tlsVhost the host name to verify instead of the URL's, or null ({@code tls.vhost})
 * @param tlsVerifyHostname whether, with {@code tls.verify} on, the certificate must also be for the host name
 *     ({@code tls.verify_hostname}; ferry's default is on, Fluent Bit's off: see {@link dev.ferry.outputs.TlsConfig})
 * @param regexParser the parser that takes pod, namespace and container from the tag, or null for the
 *     built-in one ({@code Regex_Parser})
 * @param dummyMeta whether to add fixed dummy metadata instead of asking the API server (for tests)
 * @param ownerReferences whether the pod's {@code metadata.ownerReferences} are added ({@code Owner_References})
 * @param cacheUseDockerId whether a container id not seen before for a pod makes the pod be asked for again
 *     ({@code Cache_Use_Docker_Id}): a pod re-created under the same name then gets its new metadata
 * @param useTagForMeta whether the metadata is only what the tag names (pod, namespace, container, docker id),
 *     without asking the API server ({@code Use_Tag_For_Meta})
 */
public record KubernetesConfig(
        URI kubeUrl, String caFile, String caPath, String tokenFile, String tokenCommand, Duration tokenTtl,
        String tagPrefix, boolean mergeLog, String mergeLogKey, boolean mergeLogTrim, String mergeParser,
        boolean keepLog, boolean k8sLoggingParser, boolean k8sLoggingExclude, boolean labels, boolean annotations,
        boolean useKubelet, String kubeletHost, int kubeletPort, Duration metaCacheTtl, long bufferSize,
        boolean tlsVerify, String tlsVhost, boolean tlsVerifyHostname, String regexParser, boolean dummyMeta,
        boolean ownerReferences, boolean cacheUseDockerId, boolean useTagForMeta) {

    private static final String SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount/";
    private static final String AWS_ONLY = "it is used only with aws_use_pod_association On, which ferry does not "
            + "support";
    private static final String NO_NAMESPACE_METADATA = "it adds the pod's metadata only, not the namespace's "
            + "(kubernetes_namespace)";
    private static final String NO_POD_ASSOCIATION = "it does not ask the CloudWatch agent for pods' services "
            + "(the aws_entity_* keys)";

    public static final OptionTable OPTIONS = new OptionTable("FILTER", "kubernetes", List.of(
            OptionSpec.string("Name", "The filter plugin: kubernetes.").asRequired(),
            OptionSpec.string("Kube_URL", "API server URL.").withDefault("https://kubernetes.default.svc:443"),
            OptionSpec.string("Kube_CA_File", "CA certificate of the API server.")
                    .withDefault(SERVICE_ACCOUNT + "ca.crt"),
            OptionSpec.string("Kube_CA_Path", "Directory of CA certificates for the API server."),
            OptionSpec.string("Kube_Token_File", "Service account token file.").withDefault(SERVICE_ACCOUNT + "token"),
            OptionSpec.string("Kube_Token_Command", "Command that prints the token to use instead of the file."),
            OptionSpec.duration("Kube_Token_TTL", "10m", "How long a token is used before it is read again."),
            OptionSpec.string("Kube_Tag_Prefix", "Tag prefix before the container log file name.")
                    .withDefault("kube.var.log.containers."),
            OptionSpec.bool("Merge_Log", false, "Parse a JSON log field into the record."),
            OptionSpec.string("Merge_Log_Key", "Key to put the parsed log fields under (default: the top level)."),
            OptionSpec.bool("Merge_Log_Trim", true, "Trim trailing whitespace from the log before merging."),
            OptionSpec.string("Merge_Parser", "Parser to use on the log instead of JSON."),
            OptionSpec.bool("Keep_Log", true, "Keep the original log field after merging it."),
            OptionSpec.bool("K8S-Logging.Parser", false, "Let pods suggest a parser with the "
                    + "fluentbit.io/parser annotation."),
            OptionSpec.bool("K8S-Logging.Exclude", false, "Let pods exclude their logs with the "
                    + "fluentbit.io/exclude annotation."),
            OptionSpec.bool("Labels", true, "Add the pod's labels."),
            OptionSpec.bool("Annotations", true, "Add the pod's annotations."),
            OptionSpec.bool("Use_Kubelet", false, "Get pod metadata from the kubelet instead of the API server."),
            OptionSpec.string("Kubelet_Host", "The kubelet's host.").withDefault("127.0.0.1"),
            OptionSpec.integer("Kubelet_Port", 10250, "The kubelet's port."),
            OptionSpec.duration("Kube_Meta_Cache_TTL", "0", "How long pod metadata is cached; 0 keeps it while "
                    + "the pod lives."),
            OptionSpec.size("Buffer_Size", "32k", "Most bytes read from an API response; 0 for no limit."),
            OptionSpec.bool("tls.verify", true, "Verify the API server's certificate."),
            OptionSpec.string("tls.vhost", "Host name to verify instead of the one in Kube_URL."),
            OptionSpec.bool("tls.verify_hostname", true, "With tls.verify, also check that the certificate is for the "
                    + "API server's host name (tls.vhost when set). On by default in ferry (Fluent Bit: off); Off "
                    + "checks the certificate's CA only, as Fluent Bit does by default."),
            OptionSpec.ignoredOption("tls.debug", "TLS library debug level; use the JVM's javax.net.debug"),
            OptionSpec.string("Regex_Parser", "Parser that reads pod, namespace and container from the tag."),
            OptionSpec.bool("Dummy_Meta", false, "Add fixed dummy metadata instead of asking the API server."),
            OptionSpec.ignoredOption("DNS_Retries", "ferry resolves the API server's name when it connects"),
            OptionSpec.ignoredOption("DNS_Wait_Time", "ferry resolves the API server's name when it connects"),
            OptionSpec.bool("Owner_References", false, "Add the pod's ownerReferences."),
            OptionSpec.bool("Cache_Use_Docker_Id", false, "Ask for a pod again when its records name a container id "
                    + "not seen before for it."),
            OptionSpec.bool("Use_Tag_For_Meta", false, "Add only what the tag names (pod, namespace, container, docker "
                    + "id), without asking the API server."),
            OptionSpec.bool("Use_Journal", false, "Take the pod from journald records (not supported: only Off)."),
            OptionSpec.string("Kube_Meta_Preload_Cache_Dir", "Directory of pod metadata files (not supported)."),
            OptionSpec.bool("Namespace_Labels", false, "Add the namespace's labels (not supported: only Off)."),
            OptionSpec.bool("Namespace_Annotations", false, "Add the namespace's annotations (not supported: only Off)."),
            OptionSpec.bool("Namespace_Metadata_Only", false, "Add namespace metadata only (not supported: only Off)."),
            // Namespace metadata is never fetched (the keys above are refused On), so its cache's TTL has no
            // effect, as in Fluent Bit with those keys Off; accepted without a warning.
            OptionSpec.duration("Kube_Meta_Namespace_Cache_TTL", "15m", "How long namespace metadata is cached "
                    + "(no effect: ferry adds no namespace metadata)."),
            OptionSpec.bool("aws_use_pod_association", false, "Ask the CloudWatch agent for pods' services "
                    + "(not supported: only Off)."),
            OptionSpec.bool("use_pod_association", false, "Old name of aws_use_pod_association (not supported: only "
                    + "Off)."),
            OptionSpec.ignoredOption("aws_pod_association_host", AWS_ONLY),
            OptionSpec.ignoredOption("aws_pod_association_endpoint", AWS_ONLY),
            OptionSpec.ignoredOption("aws_pod_association_port", AWS_ONLY),
            OptionSpec.ignoredOption("aws_pod_service_map_ttl", AWS_ONLY),
            OptionSpec.ignoredOption("aws_pod_service_map_refresh_interval", AWS_ONLY),
            OptionSpec.ignoredOption("aws_pod_service_preload_cache_dir", AWS_ONLY),
            OptionSpec.ignoredOption("aws_pod_association_host_server_ca_file", AWS_ONLY),
            OptionSpec.ignoredOption("aws_pod_association_host_client_cert_file", AWS_ONLY),
            OptionSpec.ignoredOption("aws_pod_association_host_client_key_file", AWS_ONLY),
            OptionSpec.ignoredOption("aws_pod_association_host_tls_debug", AWS_ONLY),
            OptionSpec.ignoredOption("aws_pod_association_host_tls_verify", AWS_ONLY),
            OptionSpec.ignoredOption("set_platform", AWS_ONLY)));

    /**
     * Fluent Bit switches ferry has not implemented, each refused when On with why (after "ferry's kubernetes
     * filter;"). Off is Fluent Bit's default and what ferry does, so Off passes silently.
     */
    private static final List<Map.Entry<String, String>> UNSUPPORTED_WHEN_ON = List.of(
            Map.entry("Use_Kubelet", "it asks the API server (Kube_URL) for each pod"),
            Map.entry("Use_Journal", "it takes the pod from the tag of container log files (Kube_Tag_Prefix), not "
                    + "from the CONTAINER_NAME of journald records"),
            Map.entry("Namespace_Labels", NO_NAMESPACE_METADATA),
            Map.entry("Namespace_Annotations", NO_NAMESPACE_METADATA),
            Map.entry("Namespace_Metadata_Only", NO_NAMESPACE_METADATA),
            Map.entry("aws_use_pod_association", NO_POD_ASSOCIATION),
            Map.entry("use_pod_association", NO_POD_ASSOCIATION));

    /** Builds and validates the settings from a section bound to {@link #OPTIONS}. */
    public static KubernetesConfig from(Options o) {
        long kubeletPort = o.integer("Kubelet_Port");
        if (kubeletPort < 1 || kubeletPort > 65535) {
            throw o.error("Kubelet_Port", "bad value '" + o.string("Kubelet_Port") + "' for key 'Kubelet_Port'; "
                    + "allowed: a port number from 1 to 65535");
        }
        for (Map.Entry<String, String> unsupported : UNSUPPORTED_WHEN_ON) {
            String key = unsupported.getKey();
            o.refuseOn(key, key + " On is not supported yet by ferry's kubernetes filter; " + unsupported.getValue()
                    + ". Remove the key or set it Off");
        }
        String preloadDir = o.string("Kube_Meta_Preload_Cache_Dir");
        if (preloadDir != null && !preloadDir.isBlank()) {
            throw o.error("Kube_Meta_Preload_Cache_Dir", "Kube_Meta_Preload_Cache_Dir is not supported yet by ferry's "
                    + "kubernetes filter; it reads no metadata files and asks the API server (Kube_URL) for each pod. "
                    + "Remove the key");
        }
        return new KubernetesConfig(kubeUrl(o), o.string("Kube_CA_File"), o.string("Kube_CA_Path"),
                o.string("Kube_Token_File"), o.string("Kube_Token_Command"), o.duration("Kube_Token_TTL"),
                o.string("Kube_Tag_Prefix"), o.bool("Merge_Log"), o.string("Merge_Log_Key"), o.bool("Merge_Log_Trim"),
                o.string("Merge_Parser"), o.bool("Keep_Log"), o.bool("K8S-Logging.Parser"),
                o.bool("K8S-Logging.Exclude"), o.bool("Labels"), o.bool("Annotations"), o.bool("Use_Kubelet"),
                o.string("Kubelet_Host"), (int) kubeletPort, o.duration("Kube_Meta_Cache_TTL"), o.size("Buffer_Size"),
                o.bool("tls.verify"), o.string("tls.vhost"), o.bool("tls.verify_hostname"), o.string("Regex_Parser"),
                o.bool("Dummy_Meta"), o.bool("Owner_References"), o.bool("Cache_Use_Docker_Id"),
                o.bool("Use_Tag_For_Meta"));
    }

    private static URI kubeUrl(Options o) {
        String text = o.string("Kube_URL");
        String bad = "bad value '" + text + "' for key 'Kube_URL'; allowed: an http or https URL such as "
                + "https://kubernetes.default.svc:443";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw o.error("Kube_URL", bad);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw o.error("Kube_URL", bad);
        }
        return uri;
    }
}
