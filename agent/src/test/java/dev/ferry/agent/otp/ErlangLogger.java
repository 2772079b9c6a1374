package dev.ferry.agent.otp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Erlang/OTP node writing numbered erlmcp JSON lines through a real OTP logger handler, for the
 * rotation tests: {@code ferry_otp_logger.erl} (a test resource) compiled with {@code erlc} into
 * {@code target/otp-ebin} and run with {@code erl -noshell}. Lines have the shape of
 * {@code shared/bench/gen_erlmcp.py} with a unique {@code fields.seq}; OTP itself drops none (its
 * overload protection is set out of reach, the handler is filesynced before the node halts).
 *
 * <p>Two handlers, as erlmcp deploys them:
 * <ul>
 *   <li>{@link Handler#STD}: {@code logger_std_h} with {@code max_no_bytes}/{@code max_no_files} and
 *       {@code compress_on_rotate => true}: {@code FILE -> FILE.0 -> FILE.0.gz}, older {@code .N.gz}
 *       shifted up, the oldest deleted.</li>
 *   <li>{@link Handler#WRAP}: {@code logger_disk_log_h} with {@code type => wrap} (external format):
 *       {@code FILE.1 .. FILE.N} plus {@code FILE.idx}, {@code FILE.siz}; a file is truncated and
 *       rewritten when the ring comes back to it.</li>
 * </ul>
 *
 * <p>Without {@code erl} the tests using this are skipped with an assumption that says how to install
 * it, unless {@code CI=true} or {@code FERRY_REQUIRE_ERL=1} is set (as {@code .ci/run} does): then they
 * fail, so CI cannot pass without having run them. Thread-safe; each {@link #start} is its own node.
 */
public final class ErlangLogger {

    /** Which OTP handler the node logs through. */
    public enum Handler {
        STD("std"), WRAP("wrap");

        private final String arg;

        Handler(String arg) {
            this.arg = arg;
        }
    }

    static final String INSTALL = "Erlang/OTP is needed for the OTP rotation tests: install it with "
            + "'apt-get install -y erlang-base' (Debian/Ubuntu; provides erl and erlc)";

    private static final String MODULE = "ferry_otp_logger";
    private static Path ebin;

    private final Process process;
    private final Path output;
    private final List<String> command;

    private ErlangLogger(Process process, Path output, List<String> command) {
        this.process = process;
        this.output = output;
        this.command = command;
    }

    /**
     * Checks that {@code erl} and {@code erlc} run: skips the calling test if not, or fails it when CI
     * requires Erlang ({@code CI=true} or {@code FERRY_REQUIRE_ERL=1}).
     */
    public static void requireErlang() {
        check(missingTool("erl", "erlc"), erlangRequired());
    }

    /**
     * Nothing if {@code missing} is null; else fails (when {@code required}) or aborts the test, with a
     * message that says what is missing and how to install it.
     */
    static void check(String missing, boolean required) {
        if (missing == null) {
            return;
        }
        if (required) {
            throw new AssertionError(missing + ", and this run requires it (CI=" + System.getenv("CI")
                    + ", FERRY_REQUIRE_ERL=" + System.getenv("FERRY_REQUIRE_ERL") + "). " + INSTALL);
        }
        Assumptions.abort(missing + "; OTP rotation tests skipped. " + INSTALL
                + " (set FERRY_REQUIRE_ERL=1 to make this a failure)");
    }

    static boolean erlangRequired() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || "1".equals(System.getenv("FERRY_REQUIRE_ERL"));
    }

    /** Null when erl and erlc both run, else which one does not and why. */
    static String missingTool(String erl, String erlc) {
        for (List<String> probe : List.of(List.of(erl, "-noshell", "-eval", "halt()."), List.of(erlc, "-help"))) {
            try {
                Process p = new ProcessBuilder(probe).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return "'" + probe.get(0) + "' did not answer within 60 s";
                }
            } catch (IOException e) {
                return "'" + probe.get(0) + "' is not on the PATH (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while looking for '" + probe.get(0) + "'";
            }
        }
        return null;
    }

    /**
     * Starts a node that logs lines {@code firstSeq .. firstSeq+count-1} to {@code file} through
     * {@code handler}, then halts.
     *
     * @param linesPerSecond the pace; 0 for as fast as the handler writes
     * @param maxNoBytes the handler's {@code max_no_bytes}: the size at which a file is rotated
     * @param maxNoFiles the handler's {@code max_no_files}: rotated files kept (std) or files in the ring (wrap)
     */
    public static ErlangLogger start(Handler handler, Path file, long firstSeq, long count, int linesPerSecond,
            long maxNoBytes, int maxNoFiles) throws IOException {
        requireErlang();
        List<String> cmd = List.of("erl", "-noshell", "-pa", ebin().toString(), "-run", MODULE, "main", handler.arg,
                file.toAbsolutePath().toString(), Long.toString(firstSeq), Long.toString(count),
                Integer.toString(linesPerSecond), Long.toString(maxNoBytes), Integer.toString(maxNoFiles));
        Path out = Files.createTempFile("ferry-erl-", ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return new ErlangLogger(p, out, cmd);
    }

    /** {@link #start} and {@link #awaitDone}. */
    public static void log(Handler handler, Path file, long firstSeq, long count, int linesPerSecond, long maxNoBytes,
            int maxNoFiles) throws Exception {
        start(handler, file, firstSeq, count, linesPerSecond, maxNoBytes, maxNoFiles).awaitDone(Duration.ofMinutes(3));
    }

    /** Waits for the node to halt; fails with its output unless it wrote every line and exited 0. */
    public void awaitDone(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the Erlang node did not halt within " + timeout + ": " + String.join(" ", command));
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        if (process.exitValue() != 0 || !text.contains("ferry_otp_logger: wrote ")) {
            throw new AssertionError("the Erlang node failed (exit " + process.exitValue() + "): "
                    + String.join(" ", command) + "\n" + text);
        }
    }

    /** Compiles the module once per test JVM into {@code target/otp-ebin}. */
    private static synchronized Path ebin() throws IOException {
        if (ebin != null) {
            return ebin;
        }
        Path dir = Files.createDirectories(Path.of("target", "otp-ebin").toAbsolutePath());
        Path source = dir.resolve(MODULE + ".erl");
        try (InputStream in = ErlangLogger.class.getResourceAsStream("/otp/" + MODULE + ".erl")) {
            if (in == null) {
                throw new IllegalStateException("test resource /otp/" + MODULE + ".erl not on the class path");
            }
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> cmd = new ArrayList<>(List.of("erlc", "-o", dir.toString(), source.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("erlc failed: " + String.join(" ", cmd) + "\n" + text);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compiling " + source, e);
        }
        ebin = dir;
        return dir;
    }
}
