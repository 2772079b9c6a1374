package dev.ferry.agent.kubernetes;

import com.sun.net.httpserver.HttpExchange;
import dev.ferry.agent.Keytool;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for the Kubernetes API server, for the kubernetes filter's tests: no real API server can be
 * had on this machine (no cluster, no kind/k3s, no network). It speaks the real wire protocol (HTTPS with
 * a certificate for 127.0.0.1 made with the JDK's keytool, HTTP/1.1) and enforces the real server's rules
 * for the one endpoint the filter uses, {@code GET /api/v1/namespaces/NS/pods/NAME}, with the real
 * answers' shapes:
 * <ul>
 *   <li>no or a wrong {@code Authorization: Bearer} token: 401 with the Status object kube-apiserver sends
 *       ({@code "reason":"Unauthorized"});</li>
 *   <li>a namespace the service account may not read: 403, {@code "reason":"Forbidden"}, with RBAC's
 *       message;</li>
 *   <li>a pod that does not exist: 404, {@code "reason":"NotFound"}, {@code pods "NAME" not found};</li>
 *   <li>another method than GET: 405, {@code "reason":"MethodNotAllowed"};</li>
 *   <li>else 200 with a Pod object shaped as {@code kubectl get pod -o json} prints it
 *       ({@code src/test/resources/kubernetes/pod.json}).</li>
 * </ul>
 * It counts requests per path, so tests can assert how often the filter asked.
 */
final class KubeApiServer implements AutoCloseable {

    static final String KEYSTORE_PASSWORD = "ferry-kube-Store-2231";
    private static final Pattern POD_PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)");

    /** A pod the server knows; {@code annotations} are added to the template's, in order. */
    record Pod(String namespace, String name, String erlmcpContainerId, String shipperContainerId,
               Map<String, String> annotations) {
        Pod(String namespace, String name, String erlmcpContainerId, String shipperContainerId) {
            this(namespace, name, erlmcpContainerId, shipperContainerId, Map.of());
        }
    }

    private final HttpsServer server;
    private final Map<String, Pod> pods = new ConcurrentHashMap<>();
    private final Set<String> forbiddenNamespaces = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile String token;

    /** A self-signed certificate {@code CN=alias} for 127.0.0.1: the key in {@code dir/alias.p12}, the certificate (PEM) in {@code dir/alias.crt}. */
    static Path makeCertificate(Path dir, String alias) throws IOException, InterruptedException {
        Path keystore = dir.resolve(alias + ".p12");
        Keytool.selfSigned(keystore, dir.resolve(alias + ".crt"), alias, "CN=" + alias,
                "ip:127.0.0.1,dns:kubernetes.default.svc", KEYSTORE_PASSWORD);
        return keystore;
    }

    KubeApiServer(Path keystore, String token) throws Exception {
        this.token = token;
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, KEYSTORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, KEYSTORE_PASSWORD.toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void addPod(Pod pod) {
        pods.put(pod.namespace() + "/" + pod.name(), pod);
    }

    void forbidNamespace(String namespace) {
        forbiddenNamespaces.add(namespace);
    }

    void token(String token) {
        this.token = token;
    }

    /** How many requests reached {@code path}, whatever the answer. */
    int requests(String path) {
        AtomicInteger n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    int requests() {
        return requests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            ex.getRequestBody().readAllBytes();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(auth));
            if (auth == null || !auth.equals("Bearer " + token)) {
                status(ex, 401, "Unauthorized", "Unauthorized", null);
                return;
            }
            Matcher m = POD_PATH.matcher(path);
            if (!m.matches()) {
                status(ex, 404, "NotFound", "the server could not find the requested resource", null);
                return;
            }
            String ns = m.group(1);
            String name = m.group(2);
            if (!ex.getRequestMethod().equals("GET")) {
                status(ex, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource", null);
                return;
            }
            if (forbiddenNamespaces.contains(ns)) {
                status(ex, 403, "Forbidden", "pods \\\"" + name + "\\\" is forbidden: User \\\"system:serviceaccount:logging:ferry\\\" "
                        + "cannot get resource \\\"pods\\\" in API group \\\"\\\" in the namespace \\\"" + ns + "\\\"",
                        "{\"name\":\"" + name + "\",\"kind\":\"pods\"}");
                return;
            }
            Pod pod = pods.get(ns + "/" + name);
            if (pod == null) {
                status(ex, 404, "NotFound", "pods \\\"" + name + "\\\" not found", "{\"name\":\"" + name + "\",\"kind\":\"pods\"}");
                return;
            }
            send(ex, 200, podJson(pod));
        }
    }

    static String podJson(Pod pod) throws IOException {
        String template;
        try (InputStream in = KubeApiServer.class.getResourceAsStream("/kubernetes/pod.json")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String generate = pod.name().substring(0, pod.name().lastIndexOf('-') + 1);
        StringBuilder extra = new StringBuilder();
        pod.annotations().forEach((k, v) -> extra.append(",\n            \"").append(k).append("\": \"").append(v).append('"'));
        return template.replace("\"prometheus.io/scrape\": \"true\"", "\"prometheus.io/scrape\": \"true\"" + extra)
                .replace("POD_GENERATE_NAME", generate).replace("POD_NAME", pod.name())
                .replace("POD_NAMESPACE", pod.namespace()).replace("ERLMCP_CONTAINER_ID", pod.erlmcpContainerId())
                .replace("SHIPPER_CONTAINER_ID", pod.shipperContainerId());
    }

    /** A Status object as kube-apiserver writes it. */
    private static void status(HttpExchange ex, int code, String reason, String message, String details) throws IOException {
        send(ex, code, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
                + message + "\",\"reason\":\"" + reason + "\"" + (details == null ? "" : ",\"details\":" + details)
                + ",\"code\":" + code + "}\n");
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Audit-Id", "5c1f2a9e-0d3b-4f7a-9e8c-1a2b3c4d5e6f");
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
