package dev.ferry.outputs;

import dev.ferry.pipeline.config.OptionSpec;
import java.util.List;

/**
 * Fluent Bit's networking keys ({@code net.*}, its "Networking" page), which its users put in HTTP output
 * sections: accepted by the {@code es} and {@code loki} outputs, each with a warning that says what ferry's
 * HTTP client ({@link BlockingHttpClient}) does instead, so that a Fluent Bit section carrying them starts.
 */
public final class NetworkOptions {

    private static final String KEEPALIVE = "ferry keeps its HTTP connections alive and pools them per host; a connection "
            + "that fails or that the server closed is replaced by a new one";
    private static final String TCP_KEEPALIVE = "ferry turns TCP keepalive on for its connections with the system's timings";
    private static final String DNS = "host names are resolved by the JVM with the system's resolver";

    private NetworkOptions() {
    }

    /** The {@code net.*} keys, each ignored with the reason. */
    public static List<OptionSpec> ignored() {
        return List.of(
                OptionSpec.ignoredOption("net.connect_timeout", "ferry's HTTP outputs wait 10 s to connect and "
                        + "60 s for each read, TLS handshake included"),
                OptionSpec.ignoredOption("net.connect_timeout_log_error", "a connection that cannot be made is always "
                        + "logged, at most once per 10 s per output"),
                OptionSpec.ignoredOption("net.io_timeout", "ferry's HTTP outputs wait 60 s for each read"),
                OptionSpec.ignoredOption("net.keepalive", KEEPALIVE),
                OptionSpec.ignoredOption("net.keepalive_idle_timeout", KEEPALIVE),
                OptionSpec.ignoredOption("net.keepalive_max_recycle", KEEPALIVE),
                OptionSpec.ignoredOption("net.max_worker_connections", "each of the output's Workers has its own "
                        + "connection"),
                OptionSpec.ignoredOption("net.tcp_keepalive", TCP_KEEPALIVE),
                OptionSpec.ignoredOption("net.tcp_keepalive_time", TCP_KEEPALIVE),
                OptionSpec.ignoredOption("net.tcp_keepalive_interval", TCP_KEEPALIVE),
                OptionSpec.ignoredOption("net.tcp_keepalive_probes", TCP_KEEPALIVE),
                OptionSpec.ignoredOption("net.dns.mode", DNS),
                OptionSpec.ignoredOption("net.dns.resolver", DNS),
                OptionSpec.ignoredOption("net.dns.prefer_ipv4", DNS),
                OptionSpec.ignoredOption("net.dns.prefer_ipv6", DNS),
                OptionSpec.ignoredOption("net.source_address", "the system's routing picks the source address; "
                        + "ferry does not bind one"),
                OptionSpec.ignoredOption("net.proxy_env_ignore", "ferry's HTTP outputs do not use HTTP_PROXY or "
                        + "HTTPS_PROXY; they connect to Host directly"));
    }
}
