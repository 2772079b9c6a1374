package dev.ferry.agent.demo;

import dev.ferry.agent.ErlmcpLogWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ferry run} without a configuration: generates a small erlmcp log set, starts a
 * {@link LocalElasticsearch} from the distribution {@code mvn package} unpacked next to {@code ferry.jar},
 * ships the logs into it with the erlmcp pipeline of {@code conf/fluent-bit.conf}, and prints how many
 * documents the index holds. With {@link Output#STDOUT} no Elasticsearch is started and the records go
 * to stdout.
 *
 * <p>Use: {@link #prepare} (logs, node, configuration), then the caller runs the agent on {@link #config()}
 * with {@link #environment}, then {@link #finish} (the count and the exit code), then {@link #close} (stops
 * the node, deletes the demo folder). Progress lines go to the given stream; in stdout mode they go to
 * stderr, since stdout carries the records. One thread.
 *
 * <p>Files, in a fresh temporary folder: {@code logs/application.log} and {@code logs/access.log} (the
 * generated lines, {@code fields.seq} 0 to 2N-1), the configuration files, {@code dead-letter/} and
 * {@code elasticsearch-node/} (the node's data, logs and keystore). All are deleted on close.
 */
public final class EmbeddedDefault implements AutoCloseable {

    /** Where the embedded default ships the generated records. */
    public enum Output {
        /** into a local Elasticsearch it starts (the default) */
        ES,
        /** to stdout as JSON lines */
        STDOUT
    }

    /** The index the records go to in the local Elasticsearch. */
    public static final String INDEX = "erlmcp-demo";

    private final Output output;
    private final Path dir;
    private final long expected;
    private final PrintWriter progress;
    private LocalElasticsearch es;

    private EmbeddedDefault(Output output, Path dir, long expected, PrintWriter progress) {
        this.output = output;
        this.dir = dir;
        this.expected = expected;
        this.progress = progress;
    }

    /**
     * Generates {@code linesPerFile} lines in each of two files and, given a distribution, starts a node
     * from it.
     *
     * @param esHome the unpacked distribution ({@link LocalElasticsearch#locate}) for {@link Output#ES}, or
     *     null for {@link Output#STDOUT}
     * @param out the command's stdout (progress goes there in ES mode, else to {@code err})
     * @throws IllegalStateException if the node does not start (with the tail of its log)
     * @throws InterruptedException if the thread was interrupted (Ctrl-C); no node is left running
     */
    public static EmbeddedDefault prepare(long linesPerFile, Path esHome, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        Output output = esHome != null ? Output.ES : Output.STDOUT;
        Path home = esHome;
        Path dir = Files.createTempDirectory("ferry-demo-");
        // The node may run as another user (ferry-es when ferry runs as root): it must reach its folder.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        EmbeddedDefault demo = new EmbeddedDefault(output, dir, 2 * linesPerFile, output == Output.ES ? out : err);
        try {
            Path logs = Files.createDirectories(dir.resolve("logs"));
            ErlmcpLogWriter.append(logs.resolve("application.log"), 0, linesPerFile);
            ErlmcpLogWriter.append(logs.resolve("access.log"), linesPerFile, linesPerFile);
            for (String resource : new String[] {"pipeline.conf", "ferry-default-es.conf", "ferry-default-stdout.conf"}) {
                try (InputStream in = EmbeddedDefault.class.getResourceAsStream("/demo/" + resource)) {
                    Files.write(dir.resolve(resource), in.readAllBytes());
                }
            }
            demo.say("ferry: no configuration given; running the embedded default (see ferry run --help): "
                    + demo.expected + " generated erlmcp lines in " + logs);
            if (home != null) {
                demo.startElasticsearch(home);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            demo.close();
            throw e;
        }
        return demo;
    }

    private void startElasticsearch(Path home) throws IOException, InterruptedException {
        String version = home.getFileName().toString().replaceFirst("^elasticsearch-", "");
        say("ferry: starting Elasticsearch " + version + " from " + home + " ...");
        long t0 = System.nanoTime();
        es = LocalElasticsearch.startNew(LocalElasticsearch.Settings.of(home, dir.resolve("elasticsearch-node"),
                "ferry-demo", newPassword()));
        say(String.format(Locale.ROOT, "ferry: Elasticsearch is up at %s after %.1f s (user %s, password made up "
                + "for this run)", es.url(), (System.nanoTime() - t0) / 1e9, LocalElasticsearch.USER));
    }

    /** The configuration to run: the erlmcp pipeline with the chosen output. */
    public Path config() {
        return dir.resolve(output == Output.ES ? "ferry-default-es.conf" : "ferry-default-stdout.conf");
    }

    /** {@code base} plus the variables {@link #config()} uses; says what is about to be shipped. */
    public Map<String, String> environment(Map<String, String> base) {
        Map<String, String> env = new HashMap<>(base);
        env.put("FERRY_DEMO_DIR", dir.toString());
        if (es != null) {
            env.put("FERRY_DEMO_ES_PORT", Integer.toString(es.port()));
            env.put("FERRY_DEMO_ES_PASSWORD", es.password());
            env.put("FERRY_DEMO_ES_INDEX", INDEX);
            say("ferry: shipping " + expected + " lines to index " + INDEX + " ...");
        }
        return env;
    }

    /**
     * Reports the outcome after the agent ran.
     *
     * @param drained whether the agent handed on every record it read
     * @return the exit code: 0 only if the agent drained and, in ES mode, the index holds exactly every line
     */
    public int finish(boolean drained) throws IOException, InterruptedException {
        if (es == null) {
            return drained ? 0 : 1;
        }
        long indexed = es.count(INDEX);
        say("ferry: indexed " + indexed + " documents into index " + INDEX + " at " + es.url()
                + (indexed == expected ? "" : " (expected " + expected + ")"));
        return drained && indexed == expected ? 0 : 1;
    }

    /** Stops the node (if any) and deletes the demo folder. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (es != null) {
            say("ferry: stopping Elasticsearch");
            es.stop();
            es = null;
        }
        LocalElasticsearch.deleteTree(dir);
    }

    private void say(String line) {
        progress.println(line);
        progress.flush();
    }

    private static String newPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return "demo-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
