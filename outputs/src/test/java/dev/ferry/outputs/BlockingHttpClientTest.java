package dev.ferry.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BlockingHttpClient} against real HTTP servers on 127.0.0.1: the JDK's own
 * {@code com.sun.net.httpserver} (HTTP and HTTPS, with a certificate made by the JDK's {@code keytool})
 * and, where a test needs a server that misbehaves on purpose (closes an idle connection, never
 * answers), a raw socket server written here that speaks HTTP/1.1 with {@code Content-Length}.
 */
class BlockingHttpClientTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private BlockingHttpClient client(TlsConfig tls, int readTimeoutMillis) throws IOException {
        BlockingHttpClient c = new BlockingHttpClient(tls, "test", 2_000, readTimeoutMillis);
        toClose.add(c);
        return c;
    }

    private static String text(int status, byte[] body, int length, String retryAfter) {
        return status + " " + new String(body, 0, length, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void requestsGoOutWithTheirHeadersAndReuseOneConnection() throws Exception {
        RawServer server = start(new RawServer(RawServer.Mode.ANSWER));
        BlockingHttpClient c = client(null, 5_000);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", server.port(), "/_bulk?x=1",
                List.of("Content-Type", "application/x-ndjson", "Authorization", "ApiKey k"));
        for (int i = 0; i < 3; i++) {
            byte[] body = bytes("body " + i);
            assertThat(c.post(t, body, 0, body.length, BlockingHttpClientTest::text)).isEqualTo("200 got body " + i);
        }
        assertThat(server.accepted.get()).isEqualTo(1);
        assertThat(server.requests).hasSize(3);
        assertThat(server.requests.get(0)).isEqualTo("POST /_bulk?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                + "\r\nContent-Type: application/x-ndjson\r\nAuthorization: ApiKey k\r\nContent-Length: 6\r\n\r\nbody 0");
    }

    @Test
    void requestsOfChangingSizesOnOneConnectionCarryExactlyTheirOwnBytes() throws Exception {
        // A request up to 256 KiB is assembled in a buffer the connection keeps; a smaller one after a larger
        // must send no byte left over from it (the server would read them as the start of another request).
        RawServer server = start(new RawServer(RawServer.Mode.ANSWER));
        BlockingHttpClient c = client(null, 5_000);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", server.port(), "/push", List.of());
        for (int size : new int[] {3_000, 10, 200_000, 5, 262_144, 1}) {
            byte[] body = bytes(String.valueOf((char) ('a' + size % 26)).repeat(size));
            assertThat(c.post(t, body, 0, body.length, BlockingHttpClientTest::text))
                    .isEqualTo("200 got " + new String(body, StandardCharsets.UTF_8));
        }
        assertThat(server.accepted.get()).isEqualTo(1);
        assertThat(server.requests).hasSize(6);
    }

    @Test
    void headersAddedPerRequestFollowTheTargetsOwn() throws Exception {
        RawServer server = start(new RawServer(RawServer.Mode.ANSWER));
        BlockingHttpClient c = client(null, 5_000);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", server.port(), "/loki/api/v1/push",
                List.of("Content-Type", "application/json"));
        byte[] body = bytes("{}");
        assertThat(c.post(t.withHeaders("X-Scope-OrgID", "team-a"), body, 0, 2, BlockingHttpClientTest::text))
                .isEqualTo("200 got {}");
        assertThat(c.post(t, body, 0, 2, BlockingHttpClientTest::text)).isEqualTo("200 got {}");
        assertThat(server.requests).containsExactly(
                "POST /loki/api/v1/push HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                        + "\r\nContent-Type: application/json\r\nX-Scope-OrgID: team-a\r\nContent-Length: 2\r\n\r\n{}",
                "POST /loki/api/v1/push HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                        + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    }

    @Test
    void aHeaderValueWithALineBreakIsRefusedRatherThanSent() {
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", 9, "/", List.of());
        assertThatThrownBy(() -> t.withHeaders("X-Scope-OrgID", "a\r\nAuthorization: Basic eDp5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the X-Scope-OrgID header value holds a control character (code 13 at index 1)");
    }

    @Test
    void theRetryAfterHeaderIsHandedToTheReader() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            if (ex.getRequestURI().getPath().equals("/limited")) {
                ex.getResponseHeaders().set("Retry-After", "7");
            }
            byte[] out = bytes("slow down");
            ex.sendResponseHeaders(429, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
        toClose.add(() -> server.stop(0));
        BlockingHttpClient c = client(null, 5_000);
        int port = server.getAddress().getPort();
        BlockingHttpClient.AnswerReader<String> reader = (status, b, n, retryAfter) ->
                status + " " + new String(b, 0, n, StandardCharsets.UTF_8) + " retry-after=" + retryAfter;
        assertThat(c.post(BlockingHttpClient.post("127.0.0.1", port, "/limited", List.of()), bytes("x"), 0, 1, reader))
                .isEqualTo("429 slow down retry-after=7");
        assertThat(c.post(BlockingHttpClient.post("127.0.0.1", port, "/other", List.of()), bytes("x"), 0, 1, reader))
                .isEqualTo("429 slow down retry-after=null");
    }

    @Test
    void aLargeBodyAndAChunkedAnswerArriveWhole() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            // Length 0: the JDK server answers with Transfer-Encoding: chunked.
            ex.sendResponseHeaders(200, 0);
            try (OutputStream os = ex.getResponseBody()) {
                for (int i = 0; i < 3; i++) {
                    os.write(in);
                    os.flush();
                }
            }
        });
        server.start();
        toClose.add(() -> server.stop(0));
        BlockingHttpClient c = client(null, 5_000);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", server.getAddress().getPort(), "/", List.of());
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        for (int round = 0; round < 2; round++) {
            byte[] answer = c.post(t, body, 5, body.length - 5, (status, b, n, retryAfter) -> {
                assertThat(status).isEqualTo(200);
                return java.util.Arrays.copyOf(b, n);
            });
            assertThat(answer).hasSize(3 * (body.length - 5));
            assertThat(java.util.Arrays.copyOfRange(answer, 2 * (body.length - 5), answer.length))
                    .isEqualTo(java.util.Arrays.copyOfRange(body, 5, body.length));
        }
    }

    @Test
    void aPooledConnectionTheServerClosedIsReplacedAndTheRequestSentOnce() throws Exception {
        RawServer server = start(new RawServer(RawServer.Mode.ANSWER_THEN_CLOSE));
        BlockingHttpClient c = client(null, 5_000);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", server.port(), "/", List.of());
        byte[] a = bytes("a");
        byte[] b = bytes("b");
        assertThat(c.post(t, a, 0, 1, BlockingHttpClientTest::text)).isEqualTo("200 got a");
        server.closedOne.await(5, TimeUnit.SECONDS);
        assertThat(c.post(t, b, 0, 1, BlockingHttpClientTest::text)).isEqualTo("200 got b");
        assertThat(server.accepted.get()).isEqualTo(2);
        assertThat(server.requests).extracting(r -> r.substring(r.length() - 1)).containsExactly("a", "b");
    }

    @Test
    void noAnswerWithinTheReadTimeoutIsATimeout() throws Exception {
        RawServer server = start(new RawServer(RawServer.Mode.NEVER_ANSWER));
        BlockingHttpClient c = client(null, 300);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", server.port(), "/", List.of());
        assertThatThrownBy(() -> c.post(t, bytes("x"), 0, 1, BlockingHttpClientTest::text))
                .isInstanceOf(SocketTimeoutException.class)
                .satisfies(e -> assertThat(HttpClients.describe((IOException) e)).startsWith("timed out ("));
    }

    @Test
    void aServerThatStopsReadingTheRequestIsATimeout() throws Exception {
        // Accepts the connection, never reads: the request write fills the socket buffers and stalls.
        ServerSocket deaf = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        toClose.add(deaf);
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return deaf.accept();
            } catch (IOException e) {
                return null;
            }
        });
        BlockingHttpClient c = client(null, 300);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", deaf.getLocalPort(), "/", List.of());
        byte[] body = new byte[64 * 1024 * 1024];
        long start = System.nanoTime();
        assertThatThrownBy(() -> c.post(t, body, 0, body.length, BlockingHttpClientTest::text))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessage("the server took no part of the request for longer than the timeout");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        toClose.add(accepted.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aRefusedConnectionSaysSo() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        BlockingHttpClient c = client(null, 5_000);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", dead, "/", List.of());
        assertThatThrownBy(() -> c.post(t, bytes("x"), 0, 1, BlockingHttpClientTest::text))
                .satisfies(e -> assertThat(HttpClients.describe((IOException) e)).startsWith("connection refused"));
    }

    @Test
    void interruptingAWaitingRequestAbortsItAtOnce() throws Exception {
        RawServer server = start(new RawServer(RawServer.Mode.NEVER_ANSWER));
        BlockingHttpClient c = client(null, 60_000);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", server.port(), "/", List.of());
        AtomicReference<Thread> worker = new AtomicReference<>();
        CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
            worker.set(Thread.currentThread());
            try {
                return c.post(t, bytes("x"), 0, 1, BlockingHttpClientTest::text);
            } catch (InterruptedException e) {
                return "interrupted: " + e.getMessage();
            } catch (IOException e) {
                return "io: " + e;
            }
        });
        assertThat(server.received.await(5, TimeUnit.SECONDS)).isTrue();
        worker.get().interrupt();
        assertThat(f.get(2, TimeUnit.SECONDS)).isEqualTo("interrupted: interrupted while sending to 127.0.0.1:" + server.port());
    }

    @Test
    void closeFailsARequestInProgress() throws Exception {
        RawServer server = start(new RawServer(RawServer.Mode.NEVER_ANSWER));
        BlockingHttpClient c = client(null, 60_000);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", server.port(), "/", List.of());
        CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
            try {
                return c.post(t, bytes("x"), 0, 1, BlockingHttpClientTest::text);
            } catch (Exception e) {
                return "failed";
            }
        });
        assertThat(server.received.await(5, TimeUnit.SECONDS)).isTrue();
        c.close();
        assertThat(f.get(2, TimeUnit.SECONDS)).isEqualTo("failed");
        assertThatThrownBy(() -> c.post(t, bytes("x"), 0, 1, BlockingHttpClientTest::text))
                .hasMessage("the HTTP client is closed");
    }

    @Test
    void tlsVerifiesTheCertificateAndTheHostName() throws Exception {
        Path ca = startHttps();
        int port = httpsPort;
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", port, "/", List.of());
        byte[] body = bytes("secret");
        // Trusted CA, certificate for 127.0.0.1 and localhost.
        BlockingHttpClient ok = client(new TlsConfig(true, true, ca.toString(), null, null, null, null, null, true), 5_000);
        assertThat(ok.post(t, body, 0, body.length, BlockingHttpClientTest::text)).isEqualTo("200 tls secret");
        assertThat(ok.post(t, body, 0, body.length, BlockingHttpClientTest::text)).isEqualTo("200 tls secret");
        // The JVM's trust store does not know the certificate.
        BlockingHttpClient untrusted = client(new TlsConfig(true, true, null, null, null, null, null, null, true), 5_000);
        assertThatThrownBy(() -> untrusted.post(t, body, 0, body.length, BlockingHttpClientTest::text))
                .isInstanceOf(SSLHandshakeException.class);
        // Trusted, but tls.vhost names a host the certificate is not for.
        BlockingHttpClient wrongName = client(new TlsConfig(true, true, ca.toString(), null, null, null, null,
                "other.example", true), 5_000);
        assertThatThrownBy(() -> wrongName.post(t, body, 0, body.length, BlockingHttpClientTest::text))
                .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("other.example");
        // tls.verify_hostname Off (Fluent Bit's default): the CA is checked, the name is not.
        BlockingHttpClient anyName = client(new TlsConfig(true, true, ca.toString(), null, null, null, null,
                "other.example", false), 5_000);
        assertThat(anyName.post(t, body, 0, body.length, BlockingHttpClientTest::text)).isEqualTo("200 tls secret");
        BlockingHttpClient anyNameUntrusted = client(new TlsConfig(true, true, null, null, null, null, null,
                "other.example", false), 5_000);
        assertThatThrownBy(() -> anyNameUntrusted.post(t, body, 0, body.length, BlockingHttpClientTest::text))
                .isInstanceOf(SSLHandshakeException.class);
        // tls.verify Off: neither the certificate nor the name is checked.
        BlockingHttpClient unverified = client(new TlsConfig(true, false, null, null, null, null, null,
                "other.example", true), 5_000);
        assertThat(unverified.post(t, body, 0, body.length, BlockingHttpClientTest::text)).isEqualTo("200 tls secret");
    }

    private int httpsPort;

    /** Starts an HTTPS server with a fresh self-signed certificate; returns the certificate's PEM file. */
    private Path startHttps() throws Exception {
        Path ks = dir.resolve("server.p12");
        Path pem = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", ex -> {
            byte[] out = ("tls " + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
        toClose.add(() -> server.stop(0));
        httpsPort = server.getAddress().getPort();
        return pem;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", command[1], out).isZero();
    }

    private RawServer start(RawServer s) throws IOException {
        s.start();
        toClose.add(s);
        return s;
    }

    /** An HTTP/1.1 server on a raw socket that reads Content-Length requests and behaves as its mode says. */
    private static final class RawServer implements AutoCloseable {
        enum Mode { ANSWER, ANSWER_THEN_CLOSE, ANSWER_UNTIL_CLOSE, NEVER_ANSWER }

        final Mode mode;
        final ServerSocket socket;
        final AtomicInteger accepted = new AtomicInteger();
        final List<String> requests = new CopyOnWriteArrayList<>();
        final CountDownLatch received = new CountDownLatch(1);
        final CountDownLatch closedOne = new CountDownLatch(1);
        final List<Socket> connections = new CopyOnWriteArrayList<>();

        RawServer(Mode mode) throws IOException {
            this.mode = mode;
            this.socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        }

        int port() {
            return socket.getLocalPort();
        }

        void start() {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        accepted.incrementAndGet();
                        connections.add(s);
                        Thread h = new Thread(() -> serve(s), "raw-http");
                        h.setDaemon(true);
                        h.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "raw-http-accept");
            t.setDaemon(true);
            t.start();
        }

        private void serve(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                while (true) {
                    ByteArrayOutputStream head = new ByteArrayOutputStream();
                    int b;
                    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                        if ((b = in.read()) < 0) {
                            return;
                        }
                        head.write(b);
                    }
                    String h = head.toString(StandardCharsets.ISO_8859_1);
                    int at = h.indexOf("Content-Length: ") + 16;
                    int len = Integer.parseInt(h.substring(at, h.indexOf("\r\n", at)));
                    byte[] body = in.readNBytes(len);
                    String bodyText = new String(body, StandardCharsets.UTF_8);
                    requests.add(h + bodyText);
                    received.countDown();
                    if (mode == Mode.NEVER_ANSWER) {
                        in.read(); // until the client goes away
                        return;
                    }
                    byte[] answer = ("got " + bodyText).getBytes(StandardCharsets.UTF_8);
                    if (mode == Mode.ANSWER_UNTIL_CLOSE) {
                        // Neither Content-Length nor chunked: the body ends with the connection.
                        out.write("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.write(answer);
                        return;
                    }
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(answer);
                    out.flush();
                    if (mode == Mode.ANSWER_THEN_CLOSE) {
                        s.close();
                        closedOne.countDown();
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : connections) {
                s.close();
            }
        }
    }

    @Test
    void answersOfEveryShapeAreRead() throws Exception {
        // Content-Length, then an HTTP/1.0-style answer delimited by the end of the connection.
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Connection", "close");
            byte[] out = bytes("{\"error\":\"x\"}");
            ex.sendResponseHeaders(503, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
        toClose.add(() -> server.stop(0));
        BlockingHttpClient c = client(null, 5_000);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", server.getAddress().getPort(), "/", List.of());
        for (int i = 0; i < 2; i++) {
            assertThat(c.post(t, bytes("x"), 0, 1, BlockingHttpClientTest::text)).isEqualTo("503 {\"error\":\"x\"}");
        }
    }

    @Test
    void anAnswerEndedByClosingTheConnectionIsReadWholeAndTheConnectionNotReused() throws Exception {
        RawServer server = start(new RawServer(RawServer.Mode.ANSWER_UNTIL_CLOSE));
        BlockingHttpClient c = client(null, 5_000);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", server.port(), "/", List.of());
        assertThat(c.post(t, bytes("one"), 0, 3, BlockingHttpClientTest::text)).isEqualTo("200 got one");
        assertThat(c.post(t, bytes("two"), 0, 3, BlockingHttpClientTest::text)).isEqualTo("200 got two");
        assertThat(server.accepted.get()).isEqualTo(2);
    }

    @Test
    void aReaderFailureKeepsTheConnectionUsable() throws Exception {
        RawServer server = start(new RawServer(RawServer.Mode.ANSWER));
        BlockingHttpClient c = client(null, 5_000);
        BlockingHttpClient.Target t = BlockingHttpClient.post("127.0.0.1", server.port(), "/", List.of());
        assertThatThrownBy(() -> c.post(t, bytes("x"), 0, 1, (s, b, n, retryAfter) -> {
            throw new IOException("not a bulk response");
        })).hasMessage("not a bulk response");
        assertThat(c.post(t, bytes("y"), 0, 1, BlockingHttpClientTest::text)).isEqualTo("200 got y");
        assertThat(server.accepted.get()).isEqualTo(1);
    }
}
