package dev.ferry.outputs;

import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.Options;
import java.util.List;

/**
 * TLS settings of a network output, from Fluent Bit's {@code tls.*} keys. Immutable.
 *
 * <p>{@link #toString()} never shows {@code tls.key_passwd}.
 *
 * @param enabled whether to use TLS ({@code tls})
 * @param verify whether to verify the server's certificate ({@code tls.verify})
 * @param caFile PEM file of trusted CAs, or null for the JVM's trust store ({@code tls.ca_file})
 * @param caPath directory of trusted CA files, or null ({@code tls.ca_path})
 * @param crtFile client certificate (PEM), or null ({@code tls.crt_file})
 * @param keyFile client private key (PEM), or null ({@code tls.key_file})
 * @param keyPasswd password of the private key, or null ({@code tls.key_passwd}; secret)
 * @param vhost host name for SNI and verification, or null for the configured host ({@code tls.vhost})
 * @param verifyHostname whether, with {@code verify}, the certificate must also be for the host name (the
 *     {@code vhost} when set) ({@code tls.verify_hostname}). ferry's default is on; Fluent Bit's is off, and
 *     there checks the certificate's CA only, which {@code tls.verify_hostname Off} gives here too
 */
public record TlsConfig(boolean enabled, boolean verify, String caFile, String caPath, String crtFile,
        String keyFile, String keyPasswd, String vhost, boolean verifyHostname) {

    /** The {@code tls.*} options, for a network output's option table. */
    public static List<OptionSpec> options() {
        return List.of(
                OptionSpec.bool("tls", false, "Use TLS for the connection."),
                OptionSpec.bool("tls.verify", true, "Verify the server's certificate."),
                OptionSpec.string("tls.ca_file", "PEM file with the CA certificates to trust."),
                OptionSpec.string("tls.ca_path", "Directory of CA certificate files to trust."),
                OptionSpec.string("tls.crt_file", "Client certificate (PEM) for mutual TLS; needs tls.key_file."),
                OptionSpec.string("tls.key_file", "Client private key (PEM) for mutual TLS."),
                OptionSpec.string("tls.key_passwd", "Password of tls.key_file."),
                OptionSpec.string("tls.vhost", "Host name to send in SNI and to verify, when it differs from Host."),
                OptionSpec.bool("tls.verify_hostname", true, "With tls.verify, also check that the certificate is "
                        + "for the host name (tls.vhost when set). On by default in ferry (Fluent Bit: off); Off "
                        + "checks the certificate's CA only, as Fluent Bit does by default."),
                OptionSpec.ignoredOption("tls.debug", "TLS library debug level; use the JVM's javax.net.debug"));
    }

    /** Builds the settings; a client certificate without its key is an error at {@code tls.crt_file}. */
    public static TlsConfig from(Options o) {
        if (o.string("tls.crt_file") != null && o.string("tls.key_file") == null) {
            throw o.error("tls.crt_file", "tls.crt_file is set without tls.key_file");
        }
        if (o.string("tls.key_file") != null && o.string("tls.crt_file") == null) {
            throw o.error("tls.key_file", "tls.key_file is set without tls.crt_file");
        }
        return new TlsConfig(o.bool("tls"), o.bool("tls.verify"), o.string("tls.ca_file"), o.string("tls.ca_path"),
                o.string("tls.crt_file"), o.string("tls.key_file"), o.string("tls.key_passwd"), o.string("tls.vhost"),
                o.bool("tls.verify_hostname"));
    }

    @Override
    public String toString() {
        return "TlsConfig[enabled=" + enabled + ", verify=" + verify + ", caFile=" + caFile + ", caPath=" + caPath
                + ", crtFile=" + crtFile + ", keyFile=" + keyFile + ", keyPasswd=" + Secrets.mask(keyPasswd)
                + ", vhost=" + vhost + ", verifyHostname=" + verifyHostname + "]";
    }
}
