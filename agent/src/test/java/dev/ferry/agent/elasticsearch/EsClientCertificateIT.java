package dev.ferry.agent.elasticsearch;

import static dev.ferry.agent.elasticsearch.EsIts.assertExactlyOnce;
import static dev.ferry.agent.elasticsearch.EsIts.range;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.ferry.agent.ErlmcpLogWriter;
import dev.ferry.agent.FerryProcess;
import dev.ferry.agent.Keytool;
import dev.ferry.pipeline.record.JsonValues;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls.crt_file} and {@code tls.key_file}: the real {@code ferry.jar}'s es output presents its client
 * certificate to a server that requires one. The server is a stand-in for an Elasticsearch with
 * {@code xpack.security.http.ssl.client_authentication: required}: the JDK's HttpsServer (the same JSSE handshake
 * Elasticsearch does) that needs a client certificate, trusts only ferry's, and answers {@code _bulk} with one
 * {@code create} item per action. Without the certificate the handshake fails, the error says which keys to set, and
 * nothing is delivered. Certificates are made here with the JDK's keytool.
 */
class EsClientCertificateIT {

    private static final String STORE_PASSWORD = "ferry-client-Store-2231";

    @TempDir
    Path dir;
    private HttpsServer server;
    private final List<String> clients = new CopyOnWriteArrayList<>();
    private final List<Long> seqs = new CopyOnWriteArrayList<>();
    private Path serverPem;
    private Path clientPem;
    private Path clientKey;

    @BeforeEach
    void startServer() throws Exception {
        Path serverStore = dir.resolve("server.p12");
        serverPem = dir.resolve("server.pem");
        Keytool.selfSigned(serverStore, serverPem, "server", "CN=es-stand-in", "ip:127.0.0.1", STORE_PASSWORD);
        Path clientStore = dir.resolve("client.p12");
        clientPem = dir.resolve("client.pem");
        Keytool.selfSigned(clientStore, clientPem, "client", "CN=ferry-client", "dns:localhost", STORE_PASSWORD);
        clientKey = dir.resolve("client-key.pem");
        Files.writeString(clientKey, pkcs8Pem(clientStore, "client"));

        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(serverStore), STORE_PASSWORD.toCharArray());
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(clientPem)) {
            trusted.setCertificateEntry("ferry", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys.getKeyManagers(), trust.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ctx.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", this::bulk);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void theClientCertificateIsPresentedToAServerThatRequiresIt() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        ErlmcpLogWriter.append(logs.resolve("application.log"), 0, 100);

        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", config("with", true).toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
        }
        assertExactlyOnce(seqs, range(0, 100));
        assertThat(clients).isNotEmpty().allMatch("CN=ferry-client"::equals);

        // Without tls.crt_file and tls.key_file the server ends the connection after the handshake (TLS 1.3: its alert
        // does not reach the client); ferry says what that likely means, retries until it is stopped (Retry_Limit
        // False), and nothing more arrives.
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", config("without", false).toString())) {
            ferry.awaitLog("a server that requires a client certificate does so when it gets none it trusts (tls.crt_file, tls.key_file)", Duration.ofSeconds(30));
            assertThat(ferry.terminate(Duration.ofSeconds(30))).isEqualTo(1);
        }
        assertThat(seqs).hasSize(100);
    }

    private Path config(String name, boolean clientCertificate) throws IOException {
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, "[SERVICE]\n    Flush 1\n    Grace 5\n"
                + "\n[INPUT]\n    Name tail\n    Path " + dir.resolve("logs") + "/*.log\n    Read_from_Head On\n"
                + "    Exit_On_Eof On\n    DB " + dir.resolve(name + ".db") + "\n    Parser json\n"
                + "\n[OUTPUT]\n    Name es\n    Match *\n    Host 127.0.0.1\n    Port " + server.getAddress().getPort()
                + "\n    Index ferry-tls\n    Retry_Limit False\n    dead_letter.path " + dir.resolve("dead-letter")
                + "\n    tls On\n    tls.verify On\n    tls.ca_file " + serverPem + "\n"
                + (clientCertificate ? "    tls.crt_file " + clientPem + "\n    tls.key_file " + clientKey + "\n" : ""));
        return conf;
    }

    /** Answers a bulk request with a {@code create} item of status 201 per action; keeps who sent it and the seqs. */
    private void bulk(HttpExchange ex) throws IOException {
        clients.add(((HttpsExchange) ex).getSSLSession().getPeerPrincipal().getName());
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String[] lines = body.split("\n");
        StringBuilder answer = new StringBuilder("{\"errors\":false,\"items\":[");
        for (int i = 0; i + 1 < lines.length; i += 2) {
            Map<?, ?> fields = (Map<?, ?>) ((Map<?, ?>) JsonValues.parse(lines[i + 1])).get("fields");
            seqs.add(((Number) fields.get("seq")).longValue());
            answer.append(i > 0 ? "," : "").append("{\"create\":{\"status\":201}}");
        }
        byte[] out = answer.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("X-elastic-product", "Elasticsearch");
        ex.sendResponseHeaders(200, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    private static KeyStore load(Path p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        return ks;
    }

    /** The private key of {@code alias} as an unencrypted PKCS#8 PEM, as {@code openssl pkcs12 -nodes} gives it. */
    private static String pkcs8Pem(Path p12, String alias) throws Exception {
        Key key = load(p12).getKey(alias, STORE_PASSWORD.toCharArray());
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }
}
