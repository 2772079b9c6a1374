/**
 * Kubernetes metadata for records from container log files: the {@code kubernetes} filter. So far its
 * settings ({@link dev.ferry.agent.kubernetes.KubernetesConfig}); the filter, the API client and the
 * metadata cache follow.
 *
 * <pre>
 *  tag kube.var.log.containers.POD_NS_CONTAINER-ID.log ──▶ pod key ──▶ metadata cache ──(miss)──▶ API server
 *                                                                   └──▶ record += kubernetes{...}
 * </pre>
 */
package dev.ferry.agent.kubernetes;
