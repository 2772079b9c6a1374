package dev.ferry.agent.elasticsearch;

import dev.ferry.agent.demo.LocalElasticsearch;
import dev.ferry.agent.demo.LocalElasticsearch.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real single-node Elasticsearch of the integration tests, started once per test run and shared by
 * every es IT (through {@link ElasticsearchExtension}), with helpers to create, count, read and delete
 * indices.
 *
 * <p>The node is a {@link LocalElasticsearch} (the launcher {@code ferry run}'s embedded default uses
 * too): the {@code org.elasticsearch.distribution.integ-test-zip} distribution (version set by
 * {@code elasticsearch.version} in {@code agent/pom.xml}, unpacked by {@code mvn package} into
 * {@code agent/target/elasticsearch} and passed to the tests as the system property
 * {@code elasticsearch.home}), run from {@code agent/target/elasticsearch-node}, as the user
 * {@link #OS_USER} when the tests run as root.
 *
 * <p>The real behaviour it gives the tests:
 * <ul>
 *   <li>the bulk API with real per-item results: dynamic mapping, mapping conflicts answered per item
 *       with 400 {@code document_parsing_exception}, ids that overwrite;</li>
 *   <li>x-pack security on, HTTP basic auth, no TLS: user {@link #USER} with {@link #password()}; a wrong
 *       password answers 401;</li>
 *   <li>back-pressure: {@code indexing_pressure.memory.limit=8mb}, so concurrent bulks of a few MB
 *       are answered 429 {@code es_rejected_execution_exception} for the whole request, as a loaded
 *       cluster does (a single bulk larger than 8 MB is always refused);</li>
 *   <li>outages: {@link #stop()} ends the server with SIGTERM and {@link #start()} brings it back on the
 *       same port with the same data, so ferry sees connection refused in between.</li>
 * </ul>
 *
 * <p>It is stopped when the test run ends (the root {@link ExtensionContext.Store} closes it) or, as a
 * safety net, by the launcher's JVM shutdown hook.
 *
 * <p>Thread-safety: the helpers may be called from any thread. Indices are deleted by exact name only
 * (wildcards are refused, as by Elasticsearch's {@code action.destructive_requires_name}).
 */
public final class ElasticsearchNode implements ExtensionContext.Store.CloseableResource {

    /** The Elasticsearch user the tests and ferry authenticate as. */
    public static final String USER = LocalElasticsearch.USER;
    /** The operating-system user the node runs as when the tests run as root. */
    public static final String OS_USER = LocalElasticsearch.OS_USER;

    private static final String PASSWORD = "ferry-it-Secret-7351";

    private final LocalElasticsearch node;

    /** Index helpers for {@code node} (a node a test started itself, e.g. with HTTPS). */
    ElasticsearchNode(LocalElasticsearch node) {
        this.node = node;
    }

    /** The unpacked distribution the build made, from the system property {@code elasticsearch.home}. */
    static Path home() {
        String prop = System.getProperty("elasticsearch.home");
        if (prop == null || !Files.isExecutable(Path.of(prop, "bin", "elasticsearch"))) {
            throw new IllegalStateException("Elasticsearch not unpacked (system property elasticsearch.home="
                    + prop + "); run the ITs with mvn verify, which unpacks it in prepare-package");
        }
        return Path.of(prop).toAbsolutePath();
    }

    /**
     * Starts the node of the test run on a free loopback port with an empty data folder; fails with the
     * node's log if it does not become ready.
     */
    static ElasticsearchNode startNew() throws IOException, InterruptedException {
        Path home = home();
        Path runDir = home.getParent().resolveSibling("elasticsearch-node");
        return new ElasticsearchNode(LocalElasticsearch.startNew(LocalElasticsearch.Settings.of(home, runDir, "ferry-it", PASSWORD)
                .withNodeSettings(Map.of("indexing_pressure.memory.limit", "8mb"))));
    }

    public int port() {
        return node.port();
    }

    /** The password of {@link #USER}; ferry gets it through the environment, never in a file. */
    public String password() {
        return node.password();
    }

    /** Starts the node (again) on the same port and data; returns when the cluster is at least yellow. */
    public void start() throws IOException, InterruptedException {
        node.start();
    }

    /** Stops the node with SIGTERM and waits for it to exit (SIGKILL after 60 s). Data is kept. */
    public void stop() throws InterruptedException {
        node.stop();
    }

    public boolean isRunning() {
        return node.isRunning();
    }

    @Override
    public void close() throws InterruptedException {
        node.close();
    }

    // ---- index helpers ----

    /** Creates {@code index} with one shard, no replica and the given {@code mappings} object (or none). */
    public void createIndex(String index, String mappingsJson) throws IOException, InterruptedException {
        checkName(index);
        String body = "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}"
                + (mappingsJson == null ? "" : ",\"mappings\":" + mappingsJson) + "}";
        request("PUT", "/" + index, body).expect(200);
    }

    /** Deletes {@code index} by its exact name; a missing index is fine. Wildcards and lists are refused. */
    public void deleteIndex(String index) throws IOException, InterruptedException {
        checkName(index);
        Response r = request("DELETE", "/" + index, null);
        if (r.status() != 404) {
            r.expect(200);
        }
    }

    /** Whether {@code index} exists. */
    public boolean exists(String index) throws IOException, InterruptedException {
        checkName(index);
        return request("HEAD", "/" + index, null).status() == 200;
    }

    /** Refreshes {@code index} and returns how many documents it holds; 0 if it does not exist yet. */
    public long count(String index) throws IOException, InterruptedException {
        checkName(index);
        return node.count(index);
    }

    /** Refreshes {@code index} and counts the documents matching {@code queryJson} (a query object). */
    public long count(String index, String queryJson) throws IOException, InterruptedException {
        checkName(index);
        request("POST", "/" + index + "/_refresh", null).expect(200);
        Response r = request("POST", "/" + index + "/_count", "{\"query\":" + queryJson + "}").expect(200);
        return ((Number) r.json().get("count")).longValue();
    }

    /**
     * The {@code fields.seq} of every document of {@code index}, one entry per document (so duplicates show),
     * read with a scroll in pages of 10,000 from doc values. Refreshes first.
     */
    public List<Long> seqValues(String index) throws IOException, InterruptedException {
        List<Long> out = new ArrayList<>();
        scroll(index, "{\"size\":10000,\"_source\":false,\"docvalue_fields\":[\"fields.seq\"],\"sort\":[\"_doc\"]}", hit -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) hit.get("fields");
            List<?> seq = fields == null ? null : (List<?>) fields.get("fields.seq");
            out.add(seq == null || seq.isEmpty() ? null : ((Number) seq.get(0)).longValue());
            return null;
        });
        return out;
    }

    /** Every document of {@code index} as {@code {_id, _source}} maps, read with a scroll. Refreshes first. */
    public List<Map<String, Object>> documents(String index) throws IOException, InterruptedException {
        List<Map<String, Object>> out = new ArrayList<>();
        scroll(index, "{\"size\":10000,\"sort\":[\"_doc\"]}", hit -> {
            out.add(hit);
            return null;
        });
        return out;
    }

    private void scroll(String index, String query, Function<Map<String, Object>, Void> each)
            throws IOException, InterruptedException {
        checkName(index);
        request("POST", "/" + index + "/_refresh", null).expect(200);
        Response page = request("POST", "/" + index + "/_search?scroll=1m", query).expect(200);
        String scrollId = null;
        try {
            while (true) {
                Map<String, Object> json = page.json();
                scrollId = (String) json.get("_scroll_id");
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> hits = (List<Map<String, Object>>) ((Map<String, Object>) json.get("hits")).get("hits");
                if (hits.isEmpty()) {
                    return;
                }
                hits.forEach(each::apply);
                page = request("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + scrollId + "\"}").expect(200);
            }
        } finally {
            if (scrollId != null) {
                request("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + scrollId + "\"}");
            }
        }
    }

    // ---- HTTP ----

    /** Sends one request as {@link #USER} (JSON body or none). */
    public Response request(String method, String path, String jsonBody) throws IOException, InterruptedException {
        return node.request(method, path, jsonBody);
    }

    /** Sends one request with the given basic-auth user and password, for the authentication tests. */
    public Response requestAs(String user, String password, String method, String path) throws IOException, InterruptedException {
        return node.requestAs(user, password, method, path);
    }

    private static void checkName(String index) {
        if (index == null || index.isEmpty() || index.startsWith("_") || index.startsWith("-")
                || index.chars().anyMatch(c -> c == '*' || c == ',' || c == '?' || c == '/' || c == ' ')) {
            throw new IllegalArgumentException("index names only, no wildcards or lists: '" + index + "'");
        }
    }
}
