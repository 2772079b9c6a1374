package dev.ferry.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * How a failed request is described in a log line. The TLS cases are built the way the JDK chains them
 * (an SSLHandshakeException caused by the certificate check); the real handshakes against an HTTPS
 * Elasticsearch are in the agent's ElasticsearchTlsIT.
 */
class HttpClientsTest {

    private static SSLHandshakeException handshake(String message, Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException(message);
        e.initCause(cause);
        return e;
    }

    @Test
    void anUntrustedCertificateSaysTheCaIsNotTrusted() {
        String pkix = "PKIX path building failed: unable to find valid certification path to requested target";
        assertThat(HttpClients.describe(handshake(pkix, new CertificateException(pkix,
                new CertPathBuilderException("unable to find valid certification path to requested target")))))
                .isEqualTo("TLS handshake failed: the server's certificate is not signed by a trusted CA (tls.ca_file, "
                        + "tls.ca_path or the JVM's trust store) (unable to find valid certification path to requested target)");
    }

    @Test
    void aCertificateForAnotherHostOrExpiredOrPlainHttpIsNamed() {
        assertThat(HttpClients.describe(handshake("x", new CertificateException(
                "No subject alternative names matching IP address 127.0.0.1 found"))))
                .isEqualTo("TLS handshake failed: the server's certificate does not name this host (tls.vhost names "
                        + "another) (No subject alternative names matching IP address 127.0.0.1 found)");
        assertThat(HttpClients.describe(handshake("x", new CertificateExpiredException("NotAfter: Sat Jan 01 00:00:00 UTC 2022"))))
                .isEqualTo("TLS handshake failed: the server's certificate has expired (NotAfter: Sat Jan 01 00:00:00 UTC 2022)");
        assertThat(HttpClients.describe(new SSLException("Unsupported or unrecognized SSL message")))
                .isEqualTo("TLS handshake failed: the server does not speak TLS on this port (Unsupported or unrecognized SSL message)");
    }

    @Test
    void aServerThatWantsAClientCertificateSaysWhichKeysGiveIt() {
        assertThat(HttpClients.describe(new SSLHandshakeException("Received fatal alert: certificate_required")))
                .isEqualTo("TLS handshake failed: the server requires a client certificate it trusts (tls.crt_file, "
                        + "tls.key_file) (Received fatal alert: certificate_required)");
        assertThat(HttpClients.describe(new SSLException("Received fatal alert: bad_certificate")))
                .startsWith("TLS handshake failed: the server requires a client certificate it trusts");
    }

    @Test
    void aRefusedConnectionIsNotATlsProblem() {
        assertThat(HttpClients.describe(new ConnectException("Connection refused"))).isEqualTo("connection refused (Connection refused)");
    }
}
