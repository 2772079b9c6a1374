package dev.ferry.agent.elasticsearch;

import static dev.ferry.agent.elasticsearch.EsIts.assertExactlyOnce;
import static dev.ferry.agent.elasticsearch.EsIts.closedCounter;
import static dev.ferry.agent.elasticsearch.EsIts.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.ErlmcpLogWriter;
import dev.ferry.agent.FerryProcess;
import dev.ferry.agent.Keytool;
import dev.ferry.agent.demo.LocalElasticsearch;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The es output over TLS against a real Elasticsearch 8.19 with x-pack {@code http.ssl} on: a node of its
 * own (the shared one speaks plain HTTP), started for this class with a self-signed certificate for
 * {@code 127.0.0.1} made here with the JDK's keytool. {@code tls On}, {@code tls.verify On} and
 * {@code tls.ca_file} with that certificate deliver every line once; a {@code tls.ca_file} with another
 * certificate is refused in the handshake with an error naming the host and the certificate problem,
 * and nothing is acknowledged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ElasticsearchTlsIT {

    private static final String KEYSTORE_PASSWORD = "ferry-tls-Store-5519";
    private static final String PASSWORD = "ferry-tls-Secret-8841";

    private LocalElasticsearch node;
    private ElasticsearchNode es;
    private Path caFile;
    private Path otherCaFile;

    @BeforeAll
    void startHttpsNode(@TempDir Path certs) throws Exception {
        Path keystore = certs.resolve("http.p12");
        caFile = certs.resolve("ca.pem");
        Keytool.selfSigned(keystore, caFile, "http", "CN=ferry-it-tls", "ip:127.0.0.1,dns:localhost", KEYSTORE_PASSWORD);
        otherCaFile = certs.resolve("other-ca.pem");
        Keytool.selfSigned(certs.resolve("other.p12"), otherCaFile, "other", "CN=someone-else", "ip:127.0.0.1",
                KEYSTORE_PASSWORD);

        Path home = ElasticsearchNode.home();
        node = LocalElasticsearch.startNew(LocalElasticsearch.Settings.of(home, home.getParent().resolveSibling("elasticsearch-tls-node"),
                "ferry-it-tls", PASSWORD).withHttps(keystore, KEYSTORE_PASSWORD, trusting(caFile)));
        es = new ElasticsearchNode(node);
    }

    @AfterAll
    void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private String config(Path dir, String index, Path ca) {
        return "[SERVICE]\n    Flush 1\n    Grace 10\n    Log_Level info\n"
                + "\n[INPUT]\n    Name tail\n    Path " + dir.resolve("logs") + "/*.log\n    Tag erlmcp.app\n"
                + "    Read_from_Head On\n    Exit_On_Eof On\n    DB " + dir.resolve("ferry.db") + "\n    Parser json\n"
                + "\n[OUTPUT]\n    Name es\n    Match *\n    Host 127.0.0.1\n    Port " + es.port() + "\n"
                + "    HTTP_User " + LocalElasticsearch.USER + "\n    HTTP_Passwd ${ES_PASSWORD}\n    Index " + index + "\n"
                + "    Retry_Limit False\n    dead_letter.path " + dir.resolve("dead-letter") + "\n"
                + "    tls On\n    tls.verify On\n    tls.ca_file " + ca + "\n";
    }

    @Test
    void tlsWithTheServersCaDeliversEveryLineOnce(@TempDir Path dir) throws Exception {
        String index = "ferry-it-tls-delivers";
        es.deleteIndex(index);
        Files.createDirectories(dir.resolve("logs"));
        ErlmcpLogWriter.append(dir.resolve("logs/application.log"), 0, 5_000);
        Path conf = dir.resolve("fluent-bit.conf");
        Files.writeString(conf, config(dir, index, caFile));

        try (FerryProcess ferry = FerryProcess.start(dir, Map.of("ES_PASSWORD", PASSWORD), "-c", conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(120))).as(ferry.stderrText()).isZero();
            String err = ferry.stderrText();
            assertThat(es.count(index)).isEqualTo(5_000);
            assertExactlyOnce(es.seqValues(index), range(0, 5_000));
            assertThat(closedCounter(err, "delivered")).as(err).isEqualTo(5_000);
            assertThat(closedCounter(err, "failed_requests")).isZero();
            assertThat(err).doesNotContain(PASSWORD);
        } finally {
            es.deleteIndex(index);
        }
    }

    @Test
    void aCaFileWithAnotherCertificateIsRefusedWithTheHostAndTheCertificateProblem(@TempDir Path dir) throws Exception {
        String index = "ferry-it-tls-wrong-ca";
        Files.createDirectories(dir.resolve("logs"));
        ErlmcpLogWriter.append(dir.resolve("logs/application.log"), 0, 100);
        Path conf = dir.resolve("fluent-bit.conf");
        Files.writeString(conf, config(dir, index, otherCaFile));

        try (FerryProcess ferry = FerryProcess.start(dir, Map.of("ES_PASSWORD", PASSWORD), "-c", conf.toString())) {
            ferry.awaitLog("TLS handshake failed", Duration.ofSeconds(60));
            int exit = ferry.terminate(Duration.ofSeconds(30));
            String err = ferry.stderrText();
            assertThat(err).contains("Elasticsearch cannot be reached; retrying. output=es.0 host=127.0.0.1:" + es.port()
                    + " retries=0 error=127.0.0.1:" + es.port() + ": TLS handshake failed: the server's certificate is not "
                    + "signed by a trusted CA (tls.ca_file, tls.ca_path or the JVM's trust store) (");
            // Retried until stopped, never acknowledged: read again at the next start, with the right CA.
            assertThat(exit).as(err).isEqualTo(1);
            assertThat(closedCounter(err, "delivered")).isZero();
            assertThat(es.exists(index)).isFalse();
            assertThat(err).doesNotContain(PASSWORD);
        }
    }

    /** An SSL context trusting the certificates of {@code pem}, for the test's own requests. */
    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + n++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
