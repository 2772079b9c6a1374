package dev.ferry.agent;

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
 * Runs the real {@code ferry.jar} in a child JVM the way a user does, with stdout and stderr captured
 * to files, for the end-to-end tests.
 */
final class FerryProcess implements AutoCloseable {

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

    static FerryProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
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
    int waitFor(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ferry did not exit within " + timeout + "; stderr:\n" + stderrText());
        }
        return process.exitValue();
    }

    String stdoutText() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    String stderrText() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
