package dev.ferry.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test certificates made with the JDK's keytool, for the TLS tests (HTTPS Elasticsearch, the Kubernetes API stand-in). */
public final class Keytool {

    private Keytool() {
    }

    /**
     * A self-signed RSA 2048 key and certificate valid for 2 days: the key in the PKCS12 {@code keystore}
     * under {@code alias}, protected by {@code password}; the certificate, PEM, in {@code pem}.
     *
     * @param dname e.g. {@code CN=ferry-it-tls}
     * @param san e.g. {@code ip:127.0.0.1,dns:localhost}
     */
    public static void selfSigned(Path keystore, Path pem, String alias, String dname, String san, String password)
            throws IOException, InterruptedException {
        run("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", dname,
                "-ext", "SAN=" + san, "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password);
        run("-exportcert", "-rfc", "-alias", alias, "-keystore", keystore.toString(), "-storepass", password,
                "-file", pem.toString());
    }

    /** Runs keytool with {@code args}; fails with its output if it fails. */
    public static void run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + String.join(" ", cmd) + "\n" + out);
        }
    }
}
