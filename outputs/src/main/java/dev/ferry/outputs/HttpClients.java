package dev.ferry.outputs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

/**
 * What the HTTP outputs share besides {@link BlockingHttpClient}: describing a failed request for a log
 * line, gzip bodies and the basic-auth header. Stateless.
 */
public final class HttpClients {

    private HttpClients() {
    }

    /**
     * A short description of why a request got no answer: "connection refused (...)", "timed out (...)",
     * or for TLS what is wrong with the server's certificate: "TLS handshake failed: the server's
     * certificate is not signed by a trusted CA (...)".
     */
    public static String describe(IOException e) {
        String tls = describeTls(e);
        if (tls != null) {
            return tls;
        }
        String m = e.getMessage();
        if (e instanceof java.net.ConnectException || e.getCause() instanceof java.net.ConnectException) {
            return "connection refused" + (m == null || m.isEmpty() ? "" : " (" + m + ")");
        }
        if (e instanceof java.net.SocketTimeoutException) {
            return "timed out (" + m + ")";
        }
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** What a TLS failure means for an operator, or null if {@code e} is not one. */
    static String describeTls(IOException e) {
        Throwable ssl = e;
        while (ssl != null && !(ssl instanceof javax.net.ssl.SSLException)) {
            ssl = ssl.getCause();
        }
        if (ssl == null) {
            return null;
        }
        if (ssl instanceof HttpConnection.ClosedAfterHandshake) {
            return "TLS failed: " + ssl.getMessage() + " (" + ssl.getCause().getMessage() + "); a server that requires a"
                    + " client certificate does so when it gets none it trusts (tls.crt_file, tls.key_file)";
        }
        Throwable root = ssl;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        String problem;
        if (root instanceof java.security.cert.CertPathBuilderException
                || root instanceof java.security.cert.CertPathValidatorException
                || detail.contains("PKIX path")) {
            problem = "the server's certificate is not signed by a trusted CA (tls.ca_file, tls.ca_path or the JVM's "
                    + "trust store)";
        } else if (root instanceof java.security.cert.CertificateExpiredException) {
            problem = "the server's certificate has expired";
        } else if (root instanceof java.security.cert.CertificateNotYetValidException) {
            problem = "the server's certificate is not valid yet";
        } else if (detail.contains("subject alternative") || detail.contains("No name matching")) {
            problem = "the server's certificate does not name this host (tls.vhost names another)";
        } else if (detail.contains("Unsupported or unrecognized SSL message")) {
            problem = "the server does not speak TLS on this port";
        } else if (detail.contains("certificate_required") || detail.contains("bad_certificate")) {
            // TLS 1.3 and 1.2 alerts of a server that needs a client certificate and got none it trusts
            problem = "the server requires a client certificate it trusts (tls.crt_file, tls.key_file)";
        } else {
            return "TLS failed: " + detail;
        }
        return "TLS handshake failed: " + problem + " (" + detail + ")";
    }

    /** {@code body[0, length)} gzip-compressed. */
    public static byte[] gzip(byte[] body, int length) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, length / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
            gz.write(body, 0, length);
        }
        return out.toByteArray();
    }

    /** The {@code Authorization: Basic} value for {@code user} and {@code password} (null: empty). Secret. */
    public static String basicAuth(String user, String password) {
        String p = password == null ? "" : password;
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + p).getBytes(StandardCharsets.UTF_8));
    }
}
