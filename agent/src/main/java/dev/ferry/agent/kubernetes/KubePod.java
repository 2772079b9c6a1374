package dev.ferry.agent.kubernetes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@code kubernetes} filter takes from a Pod object of the API server
 * ({@code GET /api/v1/namespaces/NS/pods/NAME}): {@code metadata.uid}, {@code metadata.labels},
 * {@code metadata.annotations}, {@code metadata.ownerReferences}, {@code spec.nodeName}, {@code status.podIP}, and per container of
 * {@code status.containerStatuses} and {@code status.initContainerStatuses} its {@code containerID},
 * {@code imageID} and {@code image}. Immutable.
 */
record KubePod(Object uid, Object labels, Object annotations, Object ownerReferences, Object nodeName, Object podIp,
               Map<String, ContainerStatus> containers) {

    /** One entry of {@code status.containerStatuses}; values may be null. */
    record ContainerStatus(String containerId, String imageId, String image) {
    }

    /** Reads a decoded Pod object; absent parts are null. */
    static KubePod from(Object root) {
        Map<?, ?> pod = root instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> metadata = map(pod.get("metadata"));
        Map<?, ?> spec = map(pod.get("spec"));
        Map<?, ?> status = map(pod.get("status"));
        Map<String, ContainerStatus> containers = new LinkedHashMap<>();
        // Fluent Bit walks status in its key order and takes the first entry of either list with the name.
        for (Map.Entry<?, ?> e : status.entrySet()) {
            if (("containerStatuses".equals(e.getKey()) || "initContainerStatuses".equals(e.getKey()))
                    && e.getValue() instanceof List<?> list) {
                for (Object o : list) {
                    Map<?, ?> c = map(o);
                    if (c.get("name") instanceof String name) {
                        containers.putIfAbsent(name, new ContainerStatus(string(c.get("containerID")),
                                string(c.get("imageID")), string(c.get("image"))));
                    }
                }
            }
        }
        return new KubePod(metadata.get("uid"), frozen(metadata.get("labels")), frozen(metadata.get("annotations")),
                frozen(metadata.get("ownerReferences")), spec.get("nodeName"), status.get("podIP"), Collections.unmodifiableMap(containers));
    }

    /**
     * The {@code kubernetes} object of a record from container {@code ref.container()} of this pod, with
     * Fluent Bit's keys in its order: pod_name, namespace_name, pod_id, labels, annotations, ownerReferences
     * (the API server's key and value, as Fluent Bit's merge_pod_meta copies it), host, pod_ip, container_name,
     * docker_id, container_hash, container_image. Keys without a value are left out.
     */
    Map<String, Object> metadata(KubeTagParser.PodRef ref, boolean withLabels, boolean withAnnotations,
                                 boolean withOwnerReferences) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pod_name", ref.pod());
        m.put("namespace_name", ref.namespace());
        putIfSet(m, "pod_id", uid);
        if (withLabels) {
            putIfSet(m, "labels", labels);
        }
        if (withAnnotations) {
            putIfSet(m, "annotations", annotations);
        }
        if (withOwnerReferences) {
            putIfSet(m, "ownerReferences", ownerReferences);
        }
        putIfSet(m, "host", nodeName);
        putIfSet(m, "pod_ip", podIp);
        ContainerStatus c = ref.container() == null ? null : containers.get(ref.container());
        putIfSet(m, "container_name", ref.container());
        String dockerId = ref.dockerId() != null ? ref.dockerId() : c == null ? null : afterScheme(c.containerId());
        putIfSet(m, "docker_id", dockerId);
        if (c != null) {
            putIfSet(m, "container_hash", afterScheme(c.imageId()));
            putIfSet(m, "container_image", c.image() == null || c.image().isEmpty() ? null : c.image());
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Fluent Bit's extract_hash: for {@code scheme://rest} the rest ({@code containerd://abc} gives
     * {@code abc}, {@code docker-pullable://nginx@sha256:...} gives {@code nginx@sha256:...}); a value whose
     * first colon is not followed by a slash is kept whole ({@code docker.io/library/nginx@sha256:...});
     * one without a colon gives nothing.
     */
    static String afterScheme(String v) {
        if (v == null || v.length() <= 1) {
            return null;
        }
        int colon = v.indexOf(':');
        if (colon < 0) {
            return null;
        }
        int end = colon;
        while (end + 1 < v.length() && v.charAt(end + 1) == '/') {
            end++;
        }
        if (end == colon) {
            return v;
        }
        String rest = v.substring(end + 1);
        return rest.isEmpty() ? null : rest;
    }

    private static void putIfSet(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static String string(Object o) {
        return o instanceof String s ? s : null;
    }

    /** Maps and lists made read-only all the way down, as records share them. */
    @SuppressWarnings("unchecked")
    private static Object frozen(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put((String) k, frozen(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (o instanceof List<?> l) {
            return Collections.unmodifiableList(new java.util.ArrayList<>(l.stream().map(KubePod::frozen).toList()));
        }
        return o;
    }
}
