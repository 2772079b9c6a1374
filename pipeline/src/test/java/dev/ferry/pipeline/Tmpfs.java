package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, small filesystem for tests of a full disk: a tmpfs mounted on a folder (needs root, as CI has; the
 * test is skipped with a message otherwise), which can be enlarged as an operator freeing the disk would.
 * {@link #close} unmounts it.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path at;

    private Tmpfs(Path at) {
        this.at = at;
    }

    /** Mounts a tmpfs of {@code size} (mount's form: {@code 24m}, {@code 64k}) on the existing folder {@code at}. */
    public static Tmpfs mount(Path at, String size) throws Exception {
        String problem = run("mount", "-t", "tmpfs", "-o", "size=" + size, "ferry-test", at.toString());
        Assumptions.assumeTrue(problem == null, () -> "cannot mount a tmpfs to fill (needs root): " + problem
                + "; the full-disk test is skipped");
        return new Tmpfs(at);
    }

    /** Gives the filesystem a new size (remount). */
    public void resize(String size) throws Exception {
        succeeds("mount", "-o", "remount,size=" + size, at.toString());
    }

    @Override
    public void close() throws Exception {
        succeeds("umount", "-l", at.toString());
    }

    private static void succeeds(String... command) throws Exception {
        assertThat(run(command)).as(String.join(" ", command)).isNull();
    }

    /** Runs a command; null when it exited 0, else its exit code and output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int code = p.waitFor();
        return code == 0 ? null : "exit " + code + ": " + output;
    }
}
