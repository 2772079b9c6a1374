package dev.ferry.agent.kubernetes;

import dev.ferry.outputs.BlockingHttpClient;
import dev.ferry.outputs.HttpClients;
import dev.ferry.outputs.TlsConfig;
import dev.ferry.pipeline.record.JsonValues;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Asks the API server for one pod: {@code GET {Kube_URL}/api/v1/namespaces/NS/pods/NAME} with
 * {@code Authorization: Bearer TOKEN} (when a token can be read), over TLS for an https {@code Kube_URL}
 * with {@code Kube_CA_File}/{@code Kube_CA_Path}, {@code tls.verify} and {@code tls.vhost}, through the
 * outputs' {@link BlockingHttpClient} (connect and read timeouts, kept-alive connections). One attempt per
 * call: the caller's cache decides when to ask again.
 *
 * <p>Answers: 200 with a Pod object is the pod; any other status fails with the status and the reason and
 * message of the API server's {@code Status} object ({@code {"kind":"Status",...,"reason":"Forbidden",
 * "message":"pods \"x\" is forbidden: ...","code":403}}); an answer larger than {@code Buffer_Size} (when not
 * 0) fails as in Fluent Bit.
 *
 * <p>Thread-safe. The token never appears in exceptions or logs.
 */
final class KubeApiClient implements AutoCloseable {

    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int READ_TIMEOUT_MILLIS = 10_000;

    /** Why a pod could not be fetched; {@code status} is 0 when no HTTP answer arrived. */
    static final class KubeApiException extends IOException {
        private final int status;

        KubeApiException(int status, String reason) {
            super(reason);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final BlockingHttpClient http;
    private final String host;
    private final int port;
    private final String basePath;
    private final String baseUrl;
    private final KubeToken token;
    private final long bufferSize;

    /**
     * @throws IOException if the TLS material (the CA file) cannot be loaded
     */
    KubeApiClient(KubernetesConfig config, KubeToken token) throws IOException {
        URI url = config.kubeUrl();
        boolean https = url.getScheme().toLowerCase(Locale.ROOT).equals("https");
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.baseUrl = url.getScheme() + "://" + url.getRawAuthority() + basePath;
        this.token = token;
        this.bufferSize = config.bufferSize();
        TlsConfig tls = new TlsConfig(https, config.tlsVerify(), config.caFile(), config.caPath(), null, null, null,
                config.tlsVhost(), config.tlsVerifyHostname());
        this.http = new BlockingHttpClient(tls, "kubernetes", CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS);
    }

    /** The URL of pod {@code name} in {@code namespace}, for requests and log lines. */
    String podUrl(String namespace, String name) {
        return baseUrl + podPath(namespace, name);
    }

    private String podPath(String namespace, String name) {
        return basePath + "/api/v1/namespaces/" + segment(namespace) + "/pods/" + segment(name);
    }

    /**
     * The pod, decoded.
     *
     * @throws KubeApiException with the HTTP status and the API server's reason, or status 0 and what went
     *     wrong on the way (refused, timed out, TLS)
     */
    KubePod pod(String namespace, String name) throws KubeApiException, InterruptedException {
        String t = token.current();
        BlockingHttpClient.Target target = BlockingHttpClient.get(host, port, podPath(namespace, name),
                List.of("User-Agent", "ferry", "Accept", "application/json"));
        if (t != null) {
            try {
                target = target.withHeaders("Authorization", "Bearer " + t);
            } catch (IllegalArgumentException e) {
                throw new KubeApiException(0, "the token from " + token.source() + " holds a control character");
            }
        }
        try {
            return http.get(target, (status, body, length, retryAfter) -> {
                if (bufferSize > 0 && length > bufferSize) {
                    throw new KubeApiException(status, "the answer (" + length + " bytes) is larger than Buffer_Size ("
                            + bufferSize + " bytes)");
                }
                if (status != 200) {
                    throw new KubeApiException(status, statusReason(status, body, length));
                }
                try {
                    return KubePod.from(JsonValues.parse(body, 0, length));
                } catch (RuntimeException e) {
                    throw new KubeApiException(status, "the answer is not a JSON Pod object: " + e.getMessage());
                }
            });
        } catch (KubeApiException e) {
            throw e;
        } catch (IOException e) {
            throw new KubeApiException(0, HttpClients.describe(e));
        }
    }

    /** "Forbidden: pods \"x\" is forbidden: ..." from a Status object, else the start of the body. */
    static String statusReason(int status, byte[] body, int length) {
        try {
            if (JsonValues.parse(body, 0, length) instanceof Map<?, ?> s) {
                Object reason = s.get("reason");
                Object message = s.get("message");
                if (reason != null || message != null) {
                    return (reason == null ? "" : reason + ": ") + (message == null ? "" : message);
                }
            }
        } catch (RuntimeException notJson) {
            // fall through to the raw text
        }
        String text = new String(body, 0, Math.min(length, 200), java.nio.charset.StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "HTTP " + status : text;
    }

    /** A path segment, percent-encoded where a name from a custom Regex_Parser might need it. */
    private static String segment(String s) {
        try {
            return new URI(null, null, s, null).getRawPath().replace("/", "%2F");
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
