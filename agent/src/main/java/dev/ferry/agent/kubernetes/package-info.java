/**
 * Kubernetes metadata for records from container log files: Fluent Bit's {@code kubernetes} filter
 * ({@link dev.ferry.agent.kubernetes.KubernetesFilter}) and its parts.
 *
 * <pre>
 *  tag kube.var.log.containers.POD_NS_CONTAINER-ID.log
 *     │ KubeTagParser (Kube_Tag_Prefix cut, KUBE_TAG_TO_REGEX or Regex_Parser)
 *     ├── no pod ──▶ record unchanged (counted, one INFO line per tag)
 *     ▼
 *  namespace/pod ──▶ KubePodCache ──(miss or expired)──▶ KubeApiClient ── GET /api/v1/namespaces/NS/pods/POD ──▶ API server
 *     │                 ▲   pod (Kube_Meta_Cache_TTL) or failure (30 s back-off)   │ Bearer KubeToken, TLS Kube_CA_File
 *     │                 └───────────────────────────────────────────────────────────┘
 *     ▼
 *  KubeProps (fluentbit.io/exclude ──▶ dropped; fluentbit.io/parser ──▶ the merge's parser)
 *     ▼
 *  KubeLogMerger (Merge_Log) ──▶ record += kubernetes{pod_name, namespace_name, pod_id, labels, annotations,
 *                                                     host, pod_ip, container_name, docker_id, container_hash,
 *                                                     container_image}   (from KubePod)
 * </pre>
 *
 * <p>Not supported yet: {@code Use_Kubelet On} (a configuration error), namespace labels and annotations,
 * owner references.
 */
package dev.ferry.agent.kubernetes;
