package dev.ferry.agent;

import dev.ferry.pipeline.record.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the real {@code ferry.jar} in a child JVM the way a user does, with stdout and stderr captured
 * to files, for the end-to-end tests: start, signal (SIGTERM, SIGKILL), wait for a log line or the exit.
 */
public final class FerryProcess implements AutoCloseable {

    final Process process;
    final Path stdout;
    final Path stderr;

    private FerryProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static Path jar() {
        String jar = System.getProperty("ferry.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("ferry.jar not built (system property ferry.jar=" + jar + "); run mvn verify");
        }
        return Path.of(jar);
    }

    public static FerryProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(workDir, "ferry-stdout", ".txt");
        Path err = Files.createTempFile(workDir, "ferry-stderr", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        return new FerryProcess(pb.start(), out, err);
    }

    /** Waits for exit and returns the code; fails the test with ferry's stderr if it does not exit. */
    public int waitFor(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ferry did not exit within " + timeout + "; stderr:\n" + tail(stderrText()));
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, then waits for the exit code. */
    public int terminate(Duration timeout) throws Exception {
        requestStop();
        return waitFor(timeout);
    }

    /** SIGTERM, without waiting: ferry drains for up to its Grace. */
    public void requestStop() {
        process.destroy();
    }

    /** SIGKILL: nothing is flushed or acknowledged any more. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Polls stderr until it contains {@code text}. */
    public void awaitLog(String text, Duration timeout) throws Exception {
        await(timeout, () -> stderrText().contains(text), () -> "no log '" + text + "'; stderr:\n" + tail(stderrText()));
    }

    public String stdoutText() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** The last 6,000 characters of {@code text}, for failure messages. */
    public static String tail(String text) {
        return text.length() <= 6000 ? text : "...\n" + text.substring(text.length() - 6000);
    }

    /** Polls {@code condition} every 50 ms until it holds or {@code timeout} passes. */
    public static void await(Duration timeout, Callable<Boolean> condition, Callable<String> onTimeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout + ": " + onTimeout.call());
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /** Lines in {@code file}, 0 if it does not exist yet (an output file ferry has not created). */
    public static long lineCount(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> s = Files.lines(file)) {
            return s.count();
        }
    }

    /** Every line of an output file in the JSON format, parsed. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> records(Path file) throws IOException {
        try (Stream<String> s = Files.lines(file)) {
            return s.map(l -> (Map<String, Object>) JsonValues.parse(l)).toList();
        }
    }

    /** The {@code fields.seq} of every record of an output file in the JSON format, in file order. */
    @SuppressWarnings("unchecked")
    public static List<Long> seqs(Path file) throws IOException {
        return records(file).stream().map(r -> (Long) ((Map<String, Object>) r.get("fields")).get("seq")).toList();
    }

    /**
     * An {@code [OUTPUT]} section for an {@code es} output named {@code alias} on a loopback port nothing
     * listens on, retried forever ({@code Retry_Limit False}): every record stays in the spool.
     */
    public static String unreachableEsOutput(String alias) throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return "[OUTPUT]\n    Name es\n    Alias " + alias + "\n    Match *\n    Host 127.0.0.1\n    Port " + port
                + "\n    Retry_Limit False\n";
    }

    /**
     * Runs ferry on {@code conf} (its inputs with {@code Exit_On_Eof}) until every input reached the end of
     * its files, then stops it with SIGTERM; with an unreachable output, what was read stays in the spool.
     *
     * @return ferry's stderr
     */
    public static String runUntilInputsEnd(Path workDir, Path conf) throws Exception {
        try (FerryProcess ferry = start(workDir, Map.of(), "-c", conf.toString())) {
            ferry.awaitLog("ferry is stopping. reason=\"every input reached the end of its files\"", Duration.ofSeconds(60));
            ferry.terminate(Duration.ofSeconds(30));
            return ferry.stderrText();
        }
    }
}
