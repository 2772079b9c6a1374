package dev.ferry.agent.kubernetes;

import dev.ferry.pipeline.regex.RubyRegex;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Takes the pod, namespace, container and container id from a record's tag, as Fluent Bit's kubernetes
 * filter does: the first {@code Kube_Tag_Prefix}-length characters are cut off (by length, as Fluent Bit
 * does, without comparing them to the prefix) and the regex is searched for in the rest.
 *
 * <p>The default regex is Fluent Bit's {@code KUBE_TAG_TO_REGEX} (kube_regex.h), for tags that the tail
 * input made from {@code /var/log/containers/POD_NAMESPACE_CONTAINER-ID.log}; {@code Regex_Parser} names
 * a regex parser to use instead. A tag no longer than the prefix, a tag the regex does not find, or one
 * without a pod or namespace name yields no pod.
 *
 * <p>Immutable and thread-safe.
 */
final class KubeTagParser {

    /** Fluent Bit's KUBE_TAG_TO_REGEX. */
    static final String DEFAULT_REGEX = "(?<pod_name>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)"
            + "_(?<namespace_name>[^_]+)_(?<container_name>.+)-(?<docker_id>[a-z0-9]{64})\\.log$";

    /** Where a record's tag says it came from; container name and id may be null. */
    record PodRef(String namespace, String pod, String container, String dockerId) {

        /**
         * The {@code kubernetes} object of {@code Use_Tag_For_Meta On}: what the tag names, with Fluent Bit's
         * keys in its order (merge_meta_from_tag): pod_name, namespace_name, container_name, docker_id.
         */
        Map<String, Object> metadata() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pod_name", pod);
            m.put("namespace_name", namespace);
            if (container != null) {
                m.put("container_name", container);
            }
            if (dockerId != null) {
                m.put("docker_id", dockerId);
            }
            return Collections.unmodifiableMap(m);
        }
    }

    private final String prefix;
    private final RubyRegex regex;

    KubeTagParser(String prefix, RubyRegex regex) {
        this.prefix = prefix == null ? "" : prefix;
        this.regex = regex;
    }

    /** The pod {@code tag} names, or null. */
    PodRef parse(String tag) {
        if (tag.length() <= prefix.length()) {
            return null;
        }
        Matcher m = regex.pattern().matcher(tag).region(prefix.length(), tag.length());
        if (!m.find()) {
            return null;
        }
        String pod = regex.group(m, "pod_name");
        String namespace = regex.group(m, "namespace_name");
        if (pod == null || namespace == null) {
            return null;
        }
        return new PodRef(namespace, pod, regex.group(m, "container_name"), regex.group(m, "docker_id"));
    }

    /** Why {@code tag} yields no pod, for the log line. */
    String whyNoPod(String tag) {
        if (tag.length() <= prefix.length()) {
            return "the tag is not longer than Kube_Tag_Prefix";
        }
        return "the tag after Kube_Tag_Prefix does not match the regex";
    }
}
