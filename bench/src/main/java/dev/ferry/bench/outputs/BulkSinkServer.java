package dev.ferry.bench.outputs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback stand-in for Elasticsearch's {@code _bulk} endpoint that does as little as possible, so a
 * benchmark measures the sender: it reads each request, counts the newlines of the body (two per
 * {@code create} action), and answers {@code {"errors":false,"items":[{"create":{"status":201}},...]}}
 * with one item per action (the shape {@code filter_path=errors,items.*.status} gives). Documents are
 * neither parsed nor kept. {@code GET /_sink/count} answers the number of documents received so far, {@code GET /_sink/requests} the
 * number of bulk requests.
 *
 * <p>Plain HTTP/1.1 over blocking sockets, one thread per connection, keep-alive, {@code Content-Length}
 * bodies only (no chunked, no gzip). Not Elasticsearch: it never fails and checks nothing.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.ferry.bench.outputs.BulkSinkServer PORT</pre>
 */
public final class BulkSinkServer {

    private static final byte[] ITEM = "{\"create\":{\"status\":201}}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD = "{\"errors\":false,\"items\":[".getBytes(StandardCharsets.US_ASCII);

    private final AtomicLong docs = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9200;
        new BulkSinkServer().serve(port);
    }

    void serve(int port) throws IOException {
        try (ServerSocket ss = new ServerSocket(port, 128, InetAddress.getLoopbackAddress())) {
            System.out.println("BulkSinkServer listening on 127.0.0.1:" + ss.getLocalPort());
            while (true) {
                Socket s = ss.accept();
                Thread t = new Thread(() -> connection(s), "bulk-sink");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private void connection(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            s.setTcpNoDelay(true);
            byte[] head = new byte[8192];
            byte[] body = new byte[1 << 20];
            byte[] response = new byte[1 << 16];
            while (true) {
                // Request line and headers, up to the blank line.
                int n = 0;
                while (n < 4 || !(head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n')) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    if (n == head.length) {
                        head = Arrays.copyOf(head, n * 2);
                    }
                    head[n++] = (byte) b;
                }
                String headers = new String(head, 0, n, StandardCharsets.ISO_8859_1);
                long length = contentLength(headers);
                long lines = 0;
                long left = length;
                while (left > 0) {
                    int r = in.read(body, 0, (int) Math.min(body.length, left));
                    if (r < 0) {
                        return;
                    }
                    for (int i = 0; i < r; i++) {
                        if (body[i] == '\n') {
                            lines++;
                        }
                    }
                    left -= r;
                }
                byte[] payload;
                int payloadLength;
                if (headers.startsWith("GET /_sink/count")) {
                    payload = Long.toString(docs.get()).getBytes(StandardCharsets.US_ASCII);
                    payloadLength = payload.length;
                } else if (headers.startsWith("GET /_sink/requests")) {
                    payload = Long.toString(requests.get()).getBytes(StandardCharsets.US_ASCII);
                    payloadLength = payload.length;
                } else {
                    long items = lines / 2;
                    docs.addAndGet(items);
                    requests.incrementAndGet();
                    int need = (int) (HEAD.length + items * (ITEM.length + 1) + 2);
                    if (response.length < need) {
                        response = new byte[need];
                    }
                    int p = 0;
                    System.arraycopy(HEAD, 0, response, p, HEAD.length);
                    p += HEAD.length;
                    for (long i = 0; i < items; i++) {
                        if (i > 0) {
                            response[p++] = ',';
                        }
                        System.arraycopy(ITEM, 0, response, p, ITEM.length);
                        p += ITEM.length;
                    }
                    response[p++] = ']';
                    response[p++] = '}';
                    payload = response;
                    payloadLength = p;
                }
                String h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-elastic-product: Elasticsearch\r\n"
                        + "Content-Length: " + payloadLength + "\r\n\r\n";
                out.write(h.getBytes(StandardCharsets.US_ASCII));
                out.write(payload, 0, payloadLength);
                out.flush();
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    private static long contentLength(String headers) {
        for (String line : headers.split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase("content-length")) {
                return Long.parseLong(line.substring(c + 1).trim());
            }
        }
        return 0;
    }
}
