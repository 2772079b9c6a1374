package dev.ferry.outputs;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One keep-alive HTTP/1.1 connection: writes a request (head and {@code Content-Length} body) and reads
 * the answer ({@code Content-Length}, {@code chunked}, or up to the end of the connection). It owns its
 * socket, a response buffer that grows to the largest answer read and is reused, and likewise a buffer for
 * requests small enough to be written whole.
 *
 * <p>Used by one thread at a time (a {@link BlockingHttpClient} hands it out); not thread-safe.
 * {@link #close} and {@link #closeIfWriteStalled} may be called from any thread and make a blocked read
 * or write fail.
 *
 * <p>Wire format written, byte for byte:
 * <pre>
 * POST /path?query HTTP/1.1\r\n
 * Host: host:port\r\n
 * Name: value\r\n            (the caller's headers, in order)
 * Content-Length: N\r\n
 * \r\n
 * body (N bytes)
 * </pre>
 */
final class HttpConnection implements AutoCloseable {

    /** Body bytes handed to the socket per write: bounds the JDK's per-thread direct buffer copy of a heap array. */
    private static final int WRITE_SLICE = 256 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] head = new byte[8192];
    private int headStart;
    private int headEnd;
    private byte[] body = new byte[16 * 1024];
    /** A request whose body is at most WRITE_SLICE, assembled to go out in one write; grown to the largest, reused. */
    private byte[] request = new byte[0];
    private boolean reusable = true;
    private long exchanges;
    /** When the current write last made progress (System.nanoTime), or 0 when not writing. */
    private volatile long writingSince;
    private volatile boolean writeTimedOut;

    HttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** How many requests this connection has answered (0: fresh). */
    long exchanges() {
        return exchanges;
    }

    /** Whether the last answer left the connection open for another request. */
    boolean reusable() {
        return reusable && !socket.isClosed();
    }

    /**
     * Sends one request and reads its answer.
     *
     * @param requestHead the request line and headers, without {@code Content-Length} and the blank line
     * @return the answer; its body array is this connection's buffer, valid until the next exchange
     * @throws IOException if the connection failed; {@link ExchangeException#answerStarted()} tells whether
     *     any byte of an answer had arrived
     */
    HttpAnswer exchange(byte[] requestHead, byte[] body, int off, int len) throws IOException {
        boolean started = false;
        try {
            byte[] cl = ("Content-Length: " + len + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            writingSince = System.nanoTime();
            if (len <= WRITE_SLICE) {
                int n = requestHead.length + cl.length + len;
                if (request.length < n) {
                    request = new byte[Math.max(n, Math.min(request.length * 2, WRITE_SLICE + head.length))];
                }
                System.arraycopy(requestHead, 0, request, 0, requestHead.length);
                System.arraycopy(cl, 0, request, requestHead.length, cl.length);
                System.arraycopy(body, off, request, requestHead.length + cl.length, len);
                out.write(request, 0, n);
            } else {
                byte[] h = Arrays.copyOf(requestHead, requestHead.length + cl.length);
                System.arraycopy(cl, 0, h, requestHead.length, cl.length);
                out.write(h);
                for (int p = 0; p < len; p += WRITE_SLICE) {
                    writingSince = System.nanoTime();
                    out.write(body, off + p, Math.min(WRITE_SLICE, len - p));
                }
            }
            out.flush();
            writingSince = 0;
            headStart = 0;
            headEnd = 0;
            if (fill() < 0) {
                throw new EOFException("the connection was closed before an answer");
            }
            started = true;
            HttpAnswer a = readAnswer();
            exchanges++;
            return a;
        } catch (IOException e) {
            writingSince = 0;
            reusable = false;
            if (!started && exchanges == 0 && socket instanceof javax.net.ssl.SSLSocket
                    && !(e instanceof javax.net.ssl.SSLException) && !writeTimedOut) {
                // TLS 1.3: a server that wants a client certificate ends the connection after the handshake; its
                // alert is lost to the client, which sees only the broken connection.
                throw new ExchangeException(new ClosedAfterHandshake(e), false);
            }
            if (writeTimedOut) {
                SocketTimeoutException t = new SocketTimeoutException("the server took no part of the request for "
                        + "longer than the timeout");
                t.initCause(e);
                throw new ExchangeException(t, started);
            }
            throw new ExchangeException(e, started);
        }
    }

    /**
     * Closes the connection if a write has made no progress since {@code deadline} (System.nanoTime):
     * a socket write cannot time out by itself. Called by the client's watchdog thread.
     *
     * @return true if it was closed
     */
    boolean closeIfWriteStalled(long deadline) {
        long since = writingSince;
        if (since != 0 && since - deadline < 0) {
            writeTimedOut = true;
            close();
            return true;
        }
        return false;
    }

    private HttpAnswer readAnswer() throws IOException {
        String statusLine = line();
        // HTTP/1.1 200 OK
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.x answer: " + abbreviate(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status line: " + abbreviate(statusLine));
        }
        boolean keepAlive = statusLine.startsWith("HTTP/1.1");
        long contentLength = -1;
        boolean chunked = false;
        String retryAfter = null;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int c = h.indexOf(':');
            if (c <= 0) {
                continue;
            }
            String name = h.substring(0, c).trim();
            String value = h.substring(c + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                String v = value.toLowerCase(java.util.Locale.ROOT);
                keepAlive = v.contains("close") ? false : v.contains("keep-alive") || keepAlive;
            } else if (name.equalsIgnoreCase("Retry-After")) {
                retryAfter = value;
            }
        }
        int n;
        if (status / 100 == 1 || status == 204 || status == 304) {
            n = 0;
        } else if (chunked) {
            n = readChunked();
        } else if (contentLength >= 0) {
            if (contentLength > Integer.MAX_VALUE - 16) {
                throw new IOException("an answer of " + contentLength + " bytes is too large");
            }
            n = (int) contentLength;
            readFully(n);
        } else {
            keepAlive = false;
            n = readToEnd();
        }
        reusable = keepAlive;
        if (status / 100 == 1) {
            // 100 Continue (not asked for) or another interim answer: the real one follows.
            return readAnswer();
        }
        return new HttpAnswer(status, this.body, n, retryAfter);
    }

    /** Reads one header line (ISO-8859-1, without CRLF). */
    private String line() throws IOException {
        while (true) {
            for (int i = headStart; i < headEnd; i++) {
                if (head[i] == '\n') {
                    int end = i > headStart && head[i - 1] == '\r' ? i - 1 : i;
                    String s = new String(head, headStart, end - headStart, StandardCharsets.ISO_8859_1);
                    headStart = i + 1;
                    return s;
                }
            }
            if (headStart == 0 && headEnd == head.length) {
                throw new IOException("an answer header line is longer than " + head.length + " bytes");
            }
            if (fill() < 0) {
                throw new EOFException("the connection was closed in the middle of an answer");
            }
        }
    }

    /** Compacts the header buffer and reads more into it; -1 at the end of the stream. */
    private int fill() throws IOException {
        if (headStart > 0) {
            System.arraycopy(head, headStart, head, 0, headEnd - headStart);
            headEnd -= headStart;
            headStart = 0;
        }
        int r = in.read(head, headEnd, head.length - headEnd);
        if (r > 0) {
            headEnd += r;
        }
        return r;
    }

    /** Reads {@code n} body bytes into {@code body[0, n)}, first those already in the header buffer. */
    private void readFully(int n) throws IOException {
        ensureBody(n);
        readInto(0, n);
    }

    private void readInto(int at, int n) throws IOException {
        int buffered = Math.min(n, headEnd - headStart);
        System.arraycopy(head, headStart, body, at, buffered);
        headStart += buffered;
        for (int p = buffered; p < n; ) {
            int r = in.read(body, at + p, n - p);
            if (r < 0) {
                throw new EOFException("the connection was closed after " + p + " of " + n + " body bytes");
            }
            p += r;
        }
    }

    private int readChunked() throws IOException {
        int n = 0;
        while (true) {
            String size = line();
            int semi = size.indexOf(';');
            int len;
            try {
                len = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + abbreviate(size));
            }
            if (len == 0) {
                for (String t = line(); !t.isEmpty(); t = line()) {
                    // trailers: ignored
                }
                return n;
            }
            ensureBody(n + len);
            readInto(n, len);
            n += len;
            if (!line().isEmpty()) {
                throw new IOException("a chunk does not end with CRLF");
            }
        }
    }

    private int readToEnd() throws IOException {
        int n = headEnd - headStart;
        ensureBody(n);
        System.arraycopy(head, headStart, body, 0, n);
        headStart = headEnd;
        while (true) {
            ensureBody(n + 8192);
            int r = in.read(body, n, body.length - n);
            if (r < 0) {
                return n;
            }
            n += r;
        }
    }

    private void ensureBody(int n) {
        if (body.length < n) {
            body = Arrays.copyOf(body, Math.max(n, body.length * 2));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    @Override
    public void close() {
        reusable = false;
        try {
            socket.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }

    /**
     * An HTTP answer: status, {@code body[0, length)} (the array is the connection's buffer) and the
     * {@code Retry-After} header's value, or null without one.
     */
    record HttpAnswer(int status, byte[] body, int length, String retryAfter) {
    }

    /** A new TLS connection that the server broke before answering its first request (see {@link HttpClients#describe}). */
    static final class ClosedAfterHandshake extends javax.net.ssl.SSLException {
        ClosedAfterHandshake(IOException cause) {
            super("the server closed the connection after the TLS handshake, before answering", cause);
        }
    }

    /** A failed exchange; {@link #answerStarted} says whether the server had begun to answer. */
    static final class ExchangeException extends IOException {
        private final boolean answerStarted;

        ExchangeException(IOException cause, boolean answerStarted) {
            super(cause.getMessage(), cause);
            this.answerStarted = answerStarted;
        }

        boolean answerStarted() {
            return answerStarted;
        }
    }
}
