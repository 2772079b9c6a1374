package dev.ferry.agent.kubernetes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token for the API server: read from {@code Kube_Token_File}, or the output of
 * {@code Kube_Token_Command} (run with {@code sh -c}) when that is set, and read again once it is older
 * than {@code Kube_Token_TTL} (projected service account tokens are rotated by the kubelet). Surrounding
 * whitespace is trimmed (a command's output ends with a newline). A token that cannot be read is logged
 * at WARN, naming the file or command, and requests go without one (the API server then answers 401,
 * unless it is a {@code kubectl proxy} that needs none); it is tried again at the next request.
 *
 * <p>The token itself is never logged and never part of {@link #toString()}. Thread-safe.
 */
final class KubeToken {

    private static final Logger LOG = LoggerFactory.getLogger(KubeToken.class);
    private static final long COMMAND_TIMEOUT_SECONDS = 10;

    private final String file;
    private final String command;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private String token;
    private long readAt;
    private boolean read;

    KubeToken(String file, String command, Duration ttl, LongSupplier nanoTime) {
        this.file = file;
        this.command = command;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The token to send now, or null when none can be read. */
    synchronized String current() {
        long now = nanoTime.getAsLong();
        if (!read || token == null || now - readAt > ttlNanos) {
            token = load();
            readAt = now;
            read = true;
        }
        return token;
    }

    /** Where the token comes from, for log lines. */
    String source() {
        return command != null ? "Kube_Token_Command" : "Kube_Token_File " + file;
    }

    private String load() {
        try {
            String t = command != null ? runCommand() : Files.readString(Path.of(file), StandardCharsets.UTF_8);
            t = t.strip();
            if (t.isEmpty()) {
                LOG.warn("The Kubernetes token is empty; requests to the API server go without one. source=\"{}\"", source());
                return null;
            }
            return t;
        } catch (IOException e) {
            LOG.warn("The Kubernetes token cannot be read; requests to the API server go without one. source=\"{}\" "
                    + "error=\"{}\"", source(), e.toString());
            return null;
        }
    }

    private String runCommand() throws IOException {
        Process p = new ProcessBuilder("sh", "-c", command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("the command did not end within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("the command exited with " + p.exitValue());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running the command");
        }
    }

    @Override
    public String toString() {
        return "KubeToken[" + source() + "]";
    }
}
