package dev.ferry.outputs;

import dev.ferry.outputs.HttpConnection.ExchangeException;
import dev.ferry.outputs.HttpConnection.HttpAnswer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small HTTP/1.1 client for the outputs' bulk requests (and the kubernetes filter's GETs): blocking sockets, one request per connection
 * at a time, keep-alive connections pooled per host, optional TLS. The calling thread does all the
 * work (writes the request, reads the answer, hands it to an {@link AnswerReader}); the client's only
 * thread is a watchdog for stalled writes.
 *
 * <p>Why not the JDK's {@code java.net.http.HttpClient}: on the {@code es} e2e bench it was most of the
 * output's 3 µs of CPU per document (its selector and worker threads, 16 KiB buffer copies, about 650
 * bytes allocated per document, the CompletableFuture machinery and the JIT compiling all of it). This
 * client writes the caller's body array to the socket directly and reads the answer into a reused
 * buffer: 4 bytes allocated per document ({@code BulkTransportBenchmark -prof gc}).
 *
 * <p>Behaviour:
 * <ul>
 *   <li>Connect timeout and read timeout (no byte for that long while waiting for an answer, or no
 *       part of the request taken by the server for that long) fail the request with
 *       {@link java.net.SocketTimeoutException}.</li>
 *   <li>Interrupting a thread blocked in {@link #post} (connect, write or read) closes its connection
 *       and makes {@code post} throw {@link InterruptedException} at once: sockets are opened from
 *       {@link SocketChannel}s, whose blocking operations are interruptible, TLS included (layered on
 *       top).</li>
 *   <li>A pooled connection that fails before any answer byte arrived (the server closed it while idle)
 *       is replaced by a fresh one and the request sent once more; any other failure is the caller's
 *       to retry.</li>
 *   <li>TLS from {@link SslContexts}: with {@code tls.verify} on, the certificate must match the host
 *       name ({@code tls.vhost} when set, also sent as SNI) unless {@code tls.verify_hostname} is off; with
 *       {@code tls.verify} off, neither is checked.</li>
 * </ul>
 *
 * <p>Thread-safe: any number of threads may call {@link #post} at once; each uses its own connection.
 * {@link #close} (any thread) closes every connection, also those in use.
 */
public final class BlockingHttpClient implements AutoCloseable {

    /** Reads an answer while its connection is still owned by the calling thread. */
    @FunctionalInterface
    public interface AnswerReader<T> {
        /**
         * @param body the connection's buffer: {@code body[0, length)} is the answer's body; valid only
         *     during this call
         * @param retryAfter the answer's {@code Retry-After} header as sent, or null without one
         * @throws IOException if the body is not what was expected (the connection is kept)
         */
        T read(int status, byte[] body, int length, String retryAfter) throws IOException;
    }

    /** Where requests go: a host and port and the request head sent to it, built once. */
    public static final class Target {
        private final String host;
        private final int port;
        private final String hostPort;
        private final byte[] requestHead;

        private Target(String host, int port, byte[] requestHead) {
            this.host = host;
            this.port = port;
            this.hostPort = host + ":" + port;
            this.requestHead = requestHead;
        }

        /**
         * This target with more headers (name, value, name, value...) sent after its own, e.g. one that
         * differs per request.
         *
         * @throws IllegalArgumentException if a value holds a control character (CR or LF would end the
         *     header early and let the value write headers of its own)
         */
        public Target withHeaders(String... headers) {
            return new Target(host, port, appendHeaders(new StringBuilder(requestHead.length + 64)
                    .append(new String(requestHead, StandardCharsets.ISO_8859_1)), List.of(headers)));
        }

        /** {@code host:port}. */
        @Override
        public String toString() {
            return hostPort;
        }
    }

    private final SSLSocketFactory tls;
    private final boolean verifyHost;
    private final String vhost;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final Map<String, ConcurrentLinkedDeque<HttpConnection>> idle = new ConcurrentHashMap<>();
    private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
    private final Thread watchdog;
    private volatile boolean closed;

    /**
     * Starts the client's watchdog thread (a daemon that wakes a few times per read timeout to end
     * request writes the server stopped taking: a socket write has no timeout of its own).
     *
     * @param tlsConfig TLS settings, or null for plain HTTP
     * @param destination what the client talks to, for error messages ("Elasticsearch")
     * @throws IOException if the TLS material cannot be loaded
     */
    public BlockingHttpClient(TlsConfig tlsConfig, String destination, int connectTimeoutMillis,
                              int readTimeoutMillis) throws IOException {
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        if (tlsConfig != null && tlsConfig.enabled()) {
            try {
                this.tls = SslContexts.create(tlsConfig).getSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot set up TLS for " + destination + ": " + e.getMessage(), e);
            }
            this.verifyHost = tlsConfig.verify() && tlsConfig.verifyHostname();
            this.vhost = tlsConfig.vhost();
        } else {
            this.tls = null;
            this.verifyHost = false;
            this.vhost = null;
        }
        this.watchdog = new Thread(this::watchWrites, "ferry-http-" + destination + "-watchdog");
        this.watchdog.setDaemon(true);
        this.watchdog.start();
    }

    /** Closes connections whose request write made no progress for the read timeout; wakes a few times per timeout. */
    private void watchWrites() {
        long period = Math.max(20, Math.min(1000, readTimeoutMillis / 4));
        while (!closed) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            long deadline = System.nanoTime() - readTimeoutMillis * 1_000_000L;
            for (HttpConnection c : open) {
                if (c.closeIfWriteStalled(deadline)) {
                    open.remove(c);
                }
            }
        }
    }

    /**
     * A POST target.
     *
     * @param pathAndQuery e.g. {@code /_bulk?filter_path=errors}
     * @param headers name, value, name, value...: sent with every request, after {@code Host}
     * @throws IllegalArgumentException if a header value holds a control character
     */
    public static Target post(String host, int port, String pathAndQuery, List<String> headers) {
        return target("POST", host, port, pathAndQuery, headers);
    }

    /**
     * A GET target, sent with {@link #get(Target, AnswerReader)} (with {@code Content-Length: 0}, which
     * HTTP/1.1 servers accept on a GET).
     *
     * @param pathAndQuery e.g. {@code /api/v1/namespaces/default/pods/web-0}
     * @param headers name, value, name, value...: sent with every request, after {@code Host}
     * @throws IllegalArgumentException if a header value holds a control character
     */
    public static Target get(String host, int port, String pathAndQuery, List<String> headers) {
        return target("GET", host, port, pathAndQuery, headers);
    }

    private static Target target(String method, String host, int port, String pathAndQuery, List<String> headers) {
        StringBuilder sb = new StringBuilder(256).append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host)
                .append(':').append(port).append("\r\n");
        return new Target(host, port, appendHeaders(sb, headers));
    }

    private static byte[] appendHeaders(StringBuilder sb, List<String> headers) {
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            String value = headers.get(i + 1);
            for (int k = 0; k < value.length(); k++) {
                char ch = value.charAt(k);
                if (ch < 0x20 && ch != '\t' || ch == 0x7f) {
                    throw new IllegalArgumentException("the " + headers.get(i) + " header value holds a control "
                            + "character (code " + (int) ch + " at index " + k + ")");
                }
            }
            sb.append(headers.get(i)).append(": ").append(value).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends {@code body[off, off + len)} to {@code target} and hands the answer, whatever its status, to
     * {@code reader}.
     *
     * @throws IOException if no complete answer arrived (refused, reset, timed out, closed) or the reader
     *     failed
     * @throws InterruptedException if the calling thread was interrupted (its connection is closed)
     */
    public <T> T post(Target target, byte[] body, int off, int len, AnswerReader<T> reader)
            throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            if (closed) {
                throw new IOException("the HTTP client is closed");
            }
            HttpConnection c = idleConnection(target);
            boolean pooled = c != null;
            if (c == null) {
                c = connect(target);
            }
            HttpAnswer a;
            try {
                a = c.exchange(target.requestHead, body, off, len);
            } catch (ExchangeException e) {
                discard(c);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while sending to " + target);
                }
                if (pooled && !e.answerStarted() && attempt == 0) {
                    continue; // the server closed the idle connection: once more on a fresh one
                }
                throw (IOException) e.getCause();
            }
            try {
                return reader.read(a.status(), a.body(), a.length(), a.retryAfter());
            } finally {
                release(target, c);
            }
        }
    }

    /** Sends the bodiless request {@code target} (a {@link #get} target); otherwise as {@link #post(Target, byte[], int, int, AnswerReader)}. */
    public <T> T get(Target target, AnswerReader<T> reader) throws IOException, InterruptedException {
        return post(target, new byte[0], 0, 0, reader);
    }

    private HttpConnection idleConnection(Target target) {
        ConcurrentLinkedDeque<HttpConnection> q = idle.get(target.hostPort);
        return q == null ? null : q.pollFirst();
    }

    private void release(Target target, HttpConnection c) {
        if (c.reusable() && !closed) {
            // Still in the open set, so a close() racing with this closes it too.
            idle.computeIfAbsent(target.hostPort, k -> new ConcurrentLinkedDeque<>()).addFirst(c);
        } else {
            discard(c);
        }
    }

    private void discard(HttpConnection c) {
        open.remove(c);
        c.close();
    }

    private HttpConnection connect(Target target) throws IOException, InterruptedException {
        SocketChannel channel = SocketChannel.open();
        try {
            Socket s = channel.socket();
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(new InetSocketAddress(target.host, target.port), connectTimeoutMillis);
            s.setSoTimeout(readTimeoutMillis);
            if (tls != null) {
                SSLSocket t = (SSLSocket) tls.createSocket(s, vhost != null ? vhost : target.host, target.port, true);
                SSLParameters p = t.getSSLParameters();
                if (verifyHost) {
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                }
                t.setSSLParameters(p);
                t.setSoTimeout(readTimeoutMillis);
                t.startHandshake();
                s = t;
            }
            HttpConnection c = new HttpConnection(s);
            open.add(c);
            if (closed) {
                discard(c);
                throw new IOException("the HTTP client is closed");
            }
            return c;
        } catch (IOException e) {
            channel.close();
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while connecting to " + target);
            }
            throw e;
        }
    }

    /** Closes every connection, idle or in use; later requests fail. */
    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        for (HttpConnection c : open) {
            discard(c);
        }
        idle.clear();
    }
}
