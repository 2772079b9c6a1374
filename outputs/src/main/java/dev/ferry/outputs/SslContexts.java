package dev.ferry.outputs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds the {@link SSLContext} of a network output from its {@link TlsConfig}. Stateless.
 *
 * <p>Trust: {@code tls.ca_file} (PEM, one or more certificates) and the PEM files of {@code tls.ca_path},
 * else the JVM's trust store; {@code tls.verify Off} trusts every certificate (host name checks are the
 * HTTP client's business, see the caller). Client certificate: {@code tls.crt_file} (PEM chain) with
 * {@code tls.key_file}, an unencrypted PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}, RSA or EC); other key
 * forms are refused with a message saying how to convert them.
 */
public final class SslContexts {

    private SslContexts() {
    }

    /** The context for {@code tls}; {@code tls.enabled()} is assumed. */
    public static SSLContext create(TlsConfig tls) throws IOException, GeneralSecurityException {
        TrustManager[] trust;
        if (!tls.verify()) {
            trust = new TrustManager[] {new TrustAll()};
        } else if (tls.caFile() != null || tls.caPath() != null) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int n = 0;
            for (Path f : caFiles(tls)) {
                for (Certificate c : readCertificates(f)) {
                    ks.setCertificateEntry("ca-" + n++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            trust = tmf.getTrustManagers();
        } else {
            trust = null;
        }
        KeyManagerFactory kmf = null;
        if (tls.crtFile() != null) {
            List<Certificate> chain = new ArrayList<>(readCertificates(Path.of(tls.crtFile())));
            PrivateKey key = readKey(Path.of(tls.keyFile()));
            char[] pass = new char[0];
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setKeyEntry("client", key, pass, chain.toArray(new Certificate[0]));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), trust, null);
        return ctx;
    }

    private static List<Path> caFiles(TlsConfig tls) throws IOException {
        List<Path> out = new ArrayList<>();
        if (tls.caFile() != null) {
            out.add(Path.of(tls.caFile()));
        }
        if (tls.caPath() != null) {
            try (Stream<Path> s = Files.list(Path.of(tls.caPath()))) {
                s.filter(p -> p.toString().endsWith(".pem") || p.toString().endsWith(".crt")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    private static Collection<? extends Certificate> readCertificates(Path f) throws IOException,
            GeneralSecurityException {
        try (InputStream in = Files.newInputStream(f)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    private static PrivateKey readKey(Path f) throws IOException, GeneralSecurityException {
        String pem = Files.readString(f, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf("-----END PRIVATE KEY-----");
        if (b < 0 || e < b) {
            throw new GeneralSecurityException(f + " is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in " + f);
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (GeneralSecurityException rsa) {
            return KeyFactory.getInstance("EC").generatePrivate(spec);
        }
    }

    /** Trusts every server certificate ({@code tls.verify Off}). */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
