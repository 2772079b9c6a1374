package dev.ferry.pipeline.spool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarFile;

/**
 * A child JVM running a test main class: java from {@code java.home}, this JVM's {@code --add-opens} and
 * {@code --add-exports}, this JVM's class path (surefire's manifest-only jar expanded), stdout collected
 * line by line.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread out;
    private final Thread err;

    private ChildJvm(Process process) {
        this.process = process;
        this.out = pump(process.getInputStream(), lines::add);
        this.err = pump(process.getErrorStream(), l -> {
            synchronized (stderr) {
                stderr.append(l).append('\n');
            }
        });
    }

    /**
     * Starts {@code mainClass} with {@code args}.
     *
     * @param extraJvmArgs system properties and the like, before the main class
     * @param classPathFilter keeps the class path entries it accepts
     */
    static ChildJvm start(List<String> extraJvmArgs, Predicate<String> classPathFilter, Class<?> mainClass,
            String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
                cmd.add(a);
            }
        }
        cmd.add("-Xmx128m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(extraJvmArgs);
        cmd.add("-cp");
        cmd.add(String.join(java.io.File.pathSeparator, classPath().stream().filter(classPathFilter).toList()));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(cmd).start());
    }

    /** The test class path as a list of entries, surefire's manifest-only booter jar expanded. */
    static List<String> classPath() {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (e.contains("surefirebooter") && e.endsWith(".jar")) {
                entries.addAll(manifestClassPath(Path.of(e)));
            } else {
                entries.add(e);
            }
        }
        return entries;
    }

    private static List<String> manifestClassPath(Path jar) {
        try (JarFile jf = new JarFile(jar.toFile())) {
            String cp = jf.getManifest().getMainAttributes().getValue("Class-Path");
            List<String> out = new ArrayList<>();
            URI base = jar.toAbsolutePath().getParent().toUri();
            for (String u : cp.trim().split("\\s+")) {
                out.add(Path.of(base.resolve(u)).toString());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a stdout line matches or the child exits; returns the line, or null on timeout/exit. */
    String awaitLine(Predicate<String> match, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        int seen = 0;
        while (System.nanoTime() < deadline) {
            List<String> now = lines;
            for (; seen < now.size(); seen++) {
                if (match.test(now.get(seen))) {
                    return now.get(seen);
                }
            }
            if (!process.isAlive()) {
                out.join(1000);
                if (seen == lines.size()) {
                    return null;
                }
                continue;
            }
            Thread.sleep(5); // polling the collected lines, not waiting for an outcome
        }
        return null;
    }

    boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        boolean exited = process.waitFor(timeout, unit);
        if (exited) {
            out.join(2000);
            err.join(2000);
        }
        return exited;
    }

    /** SIGKILL, then waits for the process and its output to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        out.join(2000);
        err.join(2000);
    }

    int exitValue() {
        return process.exitValue();
    }

    List<String> lines() {
        return lines;
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Thread pump(java.io.InputStream in, java.util.function.Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    sink.accept(l);
                }
            } catch (IOException ignored) {
                // the child went away
            }
        }, "child-jvm-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
