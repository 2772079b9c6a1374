package dev.ferry.agent.elasticsearch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code ferry.jar} in a child JVM with stdout and stderr captured to files, for the es ITs.
 *
 * <p>A copy of {@code dev.ferry.agent.FerryProcess} (package-private there, so not reachable from this
 * package) with what these tests need on top: SIGKILL, SIGTERM and waiting for a log text. Remove it
 * once {@code FerryProcess} is public.
 */
final class FerryRun implements AutoCloseable {

    final Process process;
    private final Path stdout;
    private final Path stderr;

    private FerryRun(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static FerryRun start(Path workDir, Map<String, String> env, String... args) throws IOException {
        String jar = System.getProperty("ferry.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("ferry.jar not built (system property ferry.jar=" + jar + "); run mvn verify");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(workDir, "ferry-stdout", ".txt");
        Path err = Files.createTempFile(workDir, "ferry-stderr", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        return new FerryRun(pb.start(), out, err);
    }

    /** Waits for exit and returns the code; fails with ferry's stderr if it does not exit in time. */
    int waitFor(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ferry did not exit within " + timeout + "; stderr:\n" + tail(stderrText()));
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits for the exit code. */
    int terminate(Duration timeout) throws Exception {
        process.destroy();
        return waitFor(timeout);
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or acknowledged any more. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Polls stderr until it contains {@code text}. */
    void awaitLog(String text, Duration timeout) throws Exception {
        EsIts.await(timeout, () -> stderrText().contains(text), () -> "no log '" + text + "'; stderr:\n" + tail(stderrText()));
    }

    String stdoutText() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    String stderrText() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    static String tail(String text) {
        return text.length() <= 6000 ? text : "...\n" + text.substring(text.length() - 6000);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
