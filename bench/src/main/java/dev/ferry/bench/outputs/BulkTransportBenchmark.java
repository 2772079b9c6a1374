package dev.ferry.bench.outputs;

import dev.ferry.outputs.BlockingHttpClient;
import dev.ferry.outputs.elasticsearch.EsBulkResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One bulk request of 2,000 documents (about 1 MiB, the size the e2e run's ring batches give) sent to
 * an in-process {@link BulkSinkServer} on 127.0.0.1 and its answer parsed by {@link EsBulkResponse}: by
 * the JDK's {@code java.net.http.HttpClient} (what the es output used before) and by ferry's
 * {@link BlockingHttpClient} (what it uses now). Scores are per document; they include the sink's own
 * work (the same for both) and are wall time on the calling thread, so the JDK client's selector thread
 * is only counted where the caller waits for it: watch CPU too ({@code -prof gc}, or the e2e bench).
 *
 * <pre>java -jar bench/target/benchmarks.jar BulkTransportBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BulkTransportBenchmark {

    private static final int DOCS = 2000;

    private byte[] body;
    private int port;
    private HttpClient jdk;
    private URI uri;
    private BlockingHttpClient blocking;
    private BlockingHttpClient.Target target;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Thread sink = new Thread(() -> {
            try {
                new BulkSinkServer().serve(port);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "bulk-sink-server");
        sink.setDaemon(true);
        sink.start();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            sb.append("{\"create\":{\"_index\":\"erlmcp-2024.01.01\",\"_id\":\"fp-6fc6ca04320260b8-1024:")
                    .append(i * 430L).append("\"}}\n{\"@timestamp\":\"2024-01-01T10:00:00.").append(i % 1000)
                    .append("Z\",\"level\":\"info\",\"message\":\"HTTP request processed\",\"fields\":{\"seq\":").append(i)
                    .append(",\"path\":\"/v3/resources/read\",\"status\":200,\"duration_ms\":520,\"user_id\":\"user-1\"},")
                    .append("\"pad\":\"").append("x".repeat(300)).append("\"}\n");
        }
        body = sb.toString().getBytes(StandardCharsets.UTF_8);
        String path = "/_bulk?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason";
        uri = URI.create("http://127.0.0.1:" + port + path);
        jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        blocking = new BlockingHttpClient(null, "bench", 10_000, 60_000);
        target = BlockingHttpClient.post("127.0.0.1", port, path, List.of("Content-Type", "application/x-ndjson"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                blockingClient();
                break;
            } catch (IOException | InterruptedException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the bulk sink did not start", e);
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        blocking.close();
    }

    @Benchmark
    @OperationsPerInvocation(DOCS)
    public int jdkHttpClient() throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(uri).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> response = jdk.send(r, HttpResponse.BodyHandlers.ofByteArray());
        return check(EsBulkResponse.parse(response.statusCode(), response.body(), DOCS));
    }

    @Benchmark
    @OperationsPerInvocation(DOCS)
    public int blockingClient() throws IOException, InterruptedException {
        return check(blocking.post(target, body, 0, body.length,
                (status, answer, length, retryAfter) -> EsBulkResponse.parse(status, answer, length, DOCS)));
    }

    private static int check(EsBulkResponse r) {
        if (r.httpStatus() != 200 || r.errors() || r.itemCount() != DOCS) {
            throw new IllegalStateException("unexpected answer: HTTP " + r.httpStatus());
        }
        return r.itemCount();
    }
}
