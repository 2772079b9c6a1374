package dev.ferry.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The log lines an action writes: the pipeline's tests log through slf4j-simple, which prints to the
 * {@code System.err} of the moment, so the lines of every thread that logs while the action runs are
 * caught (and still printed afterwards).
 */
public final class TestLogs {

    /** Something to run that may throw. */
    public interface Action {
        void run() throws Exception;
    }

    private TestLogs() {
    }

    /** Runs {@code action} and returns what was logged meanwhile. */
    public static String of(Action action) throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(stderr);
            stderr.print(captured.toString(StandardCharsets.UTF_8));
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
