package dev.ferry.agent;

import dev.ferry.agent.config.ConfigLoader;
import dev.ferry.agent.config.LoadedConfig;
import dev.ferry.agent.demo.EmbeddedDefault;
import dev.ferry.agent.demo.LocalElasticsearch;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.spool.Spool;
import dev.ferry.pipeline.spool.SpoolSync;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code ferry} command line: {@code run}, {@code check}, {@code --version}, {@code --help}, and
 * Fluent Bit's own forms ({@code ferry -c fluent-bit.conf}, {@code ferry -i tail -p path=... -o stdout}),
 * so that switching from Fluent Bit is a one-word change.
 *
 * <p>Exit codes: 0 success; 1 the agent failed or could not hand on everything it read; 2 the
 * configuration or the command line is wrong (the message names the file, line, section and key).
 */
@Command(name = "ferry", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"High-throughput log forwarding agent; reads Fluent Bit configurations.", "",
                "Fluent Bit's forms work too: ferry -c fluent-bit.conf, ferry -i tail -p path=/var/log/*.log -o stdout"},
        subcommands = {Main.Run.class, Main.Check.class, ReplayCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_CONFIG = 2;

    private static final Set<String> QUICK_FLAGS = Set.of("-i", "-o", "-F", "-p", "-t", "-m", "-R", "-f");

    /**
     * Whether this JVM is ferry's own process ({@link #main}), not a test running the command line in-process:
     * only then may a run make process-wide choices such as {@link Spool#withoutNativeSync}.
     */
    private static volatile boolean ownProcess;

    public static void main(String[] args) {
        // Before any other class loads: no dependency may phone home (Chronicle Queue reports usage otherwise).
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        // The spool keeps storage.min_free free itself and pauses the inputs below it (SpoolDiskSpace); Chronicle's
        // own monitor thread would only add an ERROR every 10 s that "the JVM may crash" at its 5% threshold.
        System.setProperty("chronicle.disk.monitor.disable", "true");
        ownProcess = true;
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs the command line and returns the exit code (the testable form of {@link #main}). */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        String[] effective = fluentBitForm(args);
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException ce) {
                err.println("ferry: " + withoutSecrets(ce.getMessage(), environment()));
                return BAD_CONFIG;
            }
            err.print(unexpectedFailure(e, environment()));
            err.flush();
            return FAILED;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("ferry: " + e.getMessage());
            e.getCommandLine().usage(err);
            return BAD_CONFIG;
        });
        return cli.execute(effective);
    }

    /**
     * {@code message} with the value of every environment variable whose name says it holds a secret
     * ({@code ELASTICSEARCH_PASSWORD}, {@code LOKI_TOKEN}, ...) replaced by {@code *****}: a configuration error
     * repeats the bad value, which may have come from such a variable given to the wrong key.
     */
    static String withoutSecrets(String message, Map<String, String> environment) {
        String out = message;
        for (Map.Entry<String, String> v : environment.entrySet()) {
            String value = v.getValue();
            if (value != null && value.length() >= 4 && ConfigEntry.secretName(v.getKey()) && out.contains(value)) {
                out = out.replace(value, "*****");
            }
        }
        return out;
    }

    /**
     * What ferry prints for an exception nothing else handled: the exception and its stack trace, with secrets
     * from the environment masked as in {@link #withoutSecrets} (a message or a cause may repeat a value).
     */
    static String unexpectedFailure(Throwable e, Map<String, String> environment) {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return withoutSecrets("ferry: " + e + System.lineSeparator() + trace, environment);
    }

    /** Turns Fluent Bit's command forms into ferry's: {@code -c FILE} and quick flags mean {@code run}. */
    static String[] fluentBitForm(String[] args) {
        if (args.length == 0 || !args[0].startsWith("-") || args[0].equals("-h") || args[0].equals("--help")
                || args[0].equals("-V") || args[0].equals("--version")) {
            return args;
        }
        List<String> a = new ArrayList<>(Arrays.asList(args));
        boolean dryRun = a.remove("--dry-run") | a.remove("-D");
        if (a.contains("-c") || a.contains("--config")) {
            a.add(0, dryRun ? "check" : "run");
            return a.toArray(new String[0]);
        }
        if (a.stream().anyMatch(QUICK_FLAGS::contains)) {
            List<String> r = new ArrayList<>(List.of(dryRun ? "check" : "run", "--"));
            r.addAll(a);
            return r.toArray(new String[0]);
        }
        return args;
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.err);
        return BAD_CONFIG;
    }

    /** The configuration source shared by {@code run} and {@code check}. */
    static class Source {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Fluent Bit classic (.conf) or YAML (.yaml) configuration")
        Path config;

        @Parameters(paramLabel = "FLAGS", description = "Fluent Bit quick flags after --: -i NAME -p key=value -t TAG -F NAME -m MATCH -o NAME -R FILE -f SECONDS")
        List<String> flags = new ArrayList<>();

        @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:FERRY_STATE_DIR}",
                description = {"gives every tail input without a DB one in DIR (DIR/tail.0.db, or its Alias), and so the spool",
                        "a default folder (DIR/ferry-spool): a configuration written without DB then resumes after a restart;",
                        "an input's own DB wins (default: the environment variable FERRY_STATE_DIR, which the packaged image",
                        "and service set to /var/lib/ferry)"})
        Path stateDir;

        LoadedConfig load(ConfigLoader loader) {
            if (config != null && !flags.isEmpty()) {
                throw new ConfigException("give either -c FILE or Fluent Bit quick flags, not both");
            }
            return config != null ? loader.load(config) : loader.loadFlags(flags);
        }

        /** The plan of the configuration, with {@code --state-dir} applied. */
        TopologyPlan plan() {
            LoadedConfig loaded = load(new ConfigLoader(environment()));
            TopologyPlan plan = TopologyPlan.build(loaded.configuration(), loaded.warnings(), PluginCatalog.standard());
            return stateDir == null ? plan : plan.withStateDirectory(stateDir.toAbsolutePath());
        }

        /** Creates the {@code --state-dir} folder if it is set and missing. */
        void createStateDir() {
            if (stateDir == null || Files.isDirectory(stateDir)) {
                return;
            }
            if (Files.exists(stateDir)) {
                throw new ConfigException("--state-dir " + stateDir + ": this is a file, not a folder");
            }
            try {
                Files.createDirectories(stateDir);
            } catch (AccessDeniedException e) {
                throw new ConfigException("--state-dir " + stateDir + ": the folder cannot be created: permission denied on "
                        + e.getFile());
            } catch (FileSystemException e) {
                throw new ConfigException("--state-dir " + stateDir + ": the folder cannot be created: " + e.getFile()
                        + (e.getReason() == null ? "" : ": " + e.getReason()));
            } catch (IOException e) {
                throw new ConfigException("--state-dir " + stateDir + ": the folder cannot be created (" + e + ")");
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Runs the pipeline until SIGTERM or SIGINT (or until every Exit_On_Eof input has drained), then drains what is in flight and exits.",
                    "Without -c or flags, runs the embedded default: starts a local Elasticsearch (unpacked next to ferry.jar by mvn package), "
                            + "ships a generated erlmcp log set into it, prints the indexed count, stops it, and exits 0 only if every line was indexed."})
    static final class Run implements Callable<Integer> {
        @CommandLine.Mixin
        Source source = new Source();

        @Option(names = "--demo-lines", paramLabel = "N", defaultValue = "1000",
                description = "lines per file the embedded default generates (2 files; default ${DEFAULT-VALUE})")
        long demoLines;

        @Option(names = "--demo-output", paramLabel = "es|stdout", defaultValue = "es",
                description = "where the embedded default ships the lines: es (a local Elasticsearch, the default) or stdout")
        String demoOutput;

        @Option(names = "--elasticsearch-home", paramLabel = "DIR",
                description = "the unpacked Elasticsearch the embedded default starts (default: agent/target/elasticsearch/elasticsearch-VERSION next to ferry.jar)")
        Path elasticsearchHome;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (source.config != null || !source.flags.isEmpty()) {
                TopologyPlan plan = source.plan();
                source.createStateDir();
                return runAgent(plan);
            }
            EmbeddedDefault.Output output = switch (demoOutput) {
                case "es" -> EmbeddedDefault.Output.ES;
                case "stdout" -> EmbeddedDefault.Output.STDOUT;
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "bad value '" + demoOutput + "' for --demo-output; allowed: es, stdout");
            };
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path home = null;
            EmbeddedDefault demo;
            try {
                if (output == EmbeddedDefault.Output.ES) {
                    home = LocalElasticsearch.locate(elasticsearchHome);
                }
                StopSignals.interruptOnSignal(Thread.currentThread());
                demo = EmbeddedDefault.prepare(demoLines, home, out, err);
            } catch (IllegalStateException e) {
                err.println("ferry: " + e.getMessage());
                return FAILED;
            } catch (InterruptedException e) {
                err.println("ferry: stopped before the embedded default was ready; nothing was shipped");
                return FAILED;
            }
            try {
                LoadedConfig loaded = new ConfigLoader(demo.environment(environment())).load(demo.config());
                boolean drained = runAgent(TopologyPlan.build(loaded.configuration(), loaded.warnings(),
                        PluginCatalog.standard())) == OK;
                return demo.finish(drained);
            } finally {
                demo.close();
            }
        }

        private static int runAgent(TopologyPlan plan) throws Exception {
            AgentLogging.configure(plan.service().logLevel());
            // No spool of this run syncs (storage.sync normal, or none), so Chronicle needs no native calls. After
            // the logging is configured: Spool's logger would otherwise start it with its defaults.
            if (ownProcess && (plan.spoolPath() == null || plan.service().storageSync() != SpoolSync.FULL)) {
                Spool.withoutNativeSync();
            }
            Agent agent = new Agent(plan);
            StopSignals.install(agent);
            return agent.run() ? OK : FAILED;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validates a configuration and prints the topology it would run; exit 0 if ferry run would start it, or 2 with the error.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Mixin
        Source source = new Source();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            TopologyPlan plan = source.plan();
            spec.commandLine().getOut().print(TopologyDescription.describe(plan));
            spec.commandLine().getOut().flush();
            return OK;
        }
    }

    /**
     * The process environment, plus {@code HOSTNAME} from the system when the shell did not export it
     * (systemd services and {@code sh -c} do not), since configurations use {@code ${HOSTNAME}}.
     */
    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (!env.containsKey("HOSTNAME")) {
            try {
                env.put("HOSTNAME", InetAddress.getLocalHost().getHostName());
            } catch (IOException e) {
                // Leave it unset: the loader warns where it is used.
            }
        }
        return env;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"ferry " + (v != null ? v : "(development build)"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
