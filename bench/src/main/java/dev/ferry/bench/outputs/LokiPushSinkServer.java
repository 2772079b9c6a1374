package dev.ferry.bench.outputs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.outputs.loki.PushDecoder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback stand-in for Loki's push endpoint for {@code bench/e2e.sh --output loki}: it takes
 * {@code POST /loki/api/v1/push} bodies in Loki's own format (snappy-compressed protobuf PushRequest),
 * decodes them with the tests' {@link PushDecoder} (so a malformed push fails the run with 400), counts the
 * entries and answers 204. Entries are not kept. {@code GET /_sink/count} answers the entries received,
 * {@code GET /_sink/requests} the pushes.
 *
 * <p>Not Loki: it enforces none of Loki's limits (the Loki ITs use {@code LokiReceiver} for those) and runs
 * in its own process, so its CPU is not counted as ferry's. JDK HTTP server, four handler threads.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.ferry.bench.outputs.LokiPushSinkServer PORT</pre>
 */
public final class LokiPushSinkServer {

    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong pushes = new AtomicLong();

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3100;
        new LokiPushSinkServer().serve(port);
    }

    void serve(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        server.createContext("/loki/api/v1/push", this::push);
        server.createContext("/_sink/count", ex -> answer(ex, 200, Long.toString(entries.get())));
        server.createContext("/_sink/requests", ex -> answer(ex, 200, Long.toString(pushes.get())));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("LokiPushSinkServer listening on 127.0.0.1:" + server.getAddress().getPort());
    }

    private void push(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        if (!"application/x-protobuf".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
            answer(ex, 400, "expected application/x-protobuf");
            return;
        }
        long n = 0;
        try {
            for (PushDecoder.Stream s : PushDecoder.protobuf(PushDecoder.unsnappy(raw))) {
                n += s.entries().size();
            }
        } catch (RuntimeException e) {
            answer(ex, 400, "cannot decode the push: " + e);
            return;
        }
        entries.addAndGet(n);
        pushes.incrementAndGet();
        answer(ex, 204, "");
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(b);
            }
        }
        ex.close();
    }
}
