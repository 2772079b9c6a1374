package dev.ferry.agent;

import dev.ferry.agent.config.ConfigLoader;
import dev.ferry.agent.config.LoadedConfig;
import dev.ferry.agent.source.Input;
import dev.ferry.agent.source.replay.ReplayCounters;
import dev.ferry.agent.source.replay.ReplayInput;
import dev.ferry.agent.source.replay.ReplayProgress;
import dev.ferry.agent.source.tail.TailConfig;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import dev.ferry.pipeline.ring.RingCounters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry replay -c FILE PATH...}: ships captured log archives through the configuration's parsers,
 * filters and outputs, then exits. The archives' files are read with the settings of the configuration's
 * first {@code tail} input (or the one {@code --input} names), as if they had been tailed; its {@code Path}
 * need not match them.
 *
 * <p>Exit code 0 only when every record read was handed on and delivered (none dead-lettered: an offline
 * shipping job whose records did not reach the destination did not succeed), and every file could be read
 * whole; 1 otherwise; 2 for a configuration or command-line error. Records no output's {@code Match} takes
 * are dropped as the live agent drops them: counted in the summary ({@code unrouted}) and warned about,
 * without failing the replay.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Ships captured log archives (directories, .log/.gz/.zst files, .tar/.tar.gz/.tgz/.tar.zst) through the pipeline, then exits.",
                "Files are read with the settings of the configuration's first tail input (Parser, multiline.parser, Tag), or of the one --input names; segments of a file family go oldest first."},
        footer = {"", "Exit codes: 0 every file was read whole and every record delivered; 1 some data could not be read,"
                + " was not handed on, or was dead-lettered (the summary's result= says which); 2 the configuration or"
                + " command line is wrong."})
final class ReplayCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "the configuration whose tail settings, filters and outputs to use")
    Path config;

    @Option(names = "--dry-run", description = "print what would be sent to stdout (JSON lines) instead of the configured outputs")
    boolean dryRun;

    @Option(names = "--input", paramLabel = "NAME", description = "the tail input whose settings to use, by its Alias"
            + " or tail.N as ferry check shows it (default: the first tail input)")
    String input;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "directories, log files or archives to replay")
    List<Path> paths;

    @Override
    public Integer call() throws Exception {
        for (Path p : paths) {
            // A dangling symbolic link goes on: the replay reports it as a PATH it cannot read, and replays the others.
            if (!Files.exists(p) && !Files.isSymbolicLink(p)) {
                boolean pattern = p.toString().chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
                throw new ConfigException("replay: " + p + " does not exist" + (pattern
                        ? " (a pattern no file matches: the shell passed it on as it is)" : ""));
            }
        }
        LoadedConfig loaded = new ConfigLoader(Main.environment()).load(config);
        PluginCatalog catalog = PluginCatalog.standard();
        TopologyPlan plan = TopologyPlan.build(loaded.configuration(), loaded.warnings(), catalog);
        List<PlannedPlugin> tails = plan.inputs().stream().filter(p -> p.type().name().equals("tail")).toList();
        if (tails.isEmpty()) {
            throw new ConfigException(plan.origin() + ": ferry replay reads archives with the settings of an"
                    + " [INPUT] tail section (Parser, multiline.parser, Tag); the configuration has none");
        }
        List<String> tailNames = tails.stream().map(PlannedPlugin::instanceName).toList();
        PlannedPlugin tail = input == null ? tails.get(0) : tails.stream().filter(p -> p.instanceName().equals(input))
                .findFirst().orElseThrow(() -> new ConfigException("--input " + input + ": " + plan.origin()
                        + " has no tail input of that name; its tail inputs are " + String.join(", ", tailNames)));
        AgentLogging.configure(plan.service().logLevel());
        // Made only now: slf4j-simple fixes its format and level at the first logger (AgentLogging).
        Logger log = LoggerFactory.getLogger(ReplayCommand.class);
        if (input == null && tails.size() > 1) {
            // Each tail input has its own Tag, Parser and multiline settings: the wrong ones tag and parse every file
            // wrongly, so the choice is said.
            log.warn("The configuration has more than one tail input; every file is read with the settings (Tag, Parser,"
                    + " multiline.parser) of the first. Name another with --input. input={} tail_inputs={}",
                    tail.instanceName(), String.join(",", tailNames));
        }

        ReplayProgress progress = new ReplayProgress(System.err, System.console() != null, 5_000);
        ReplayInput[] replay = new ReplayInput[1];
        PluginType<TailConfig, Input> type = new PluginType<>("INPUT", "replay", TailConfig.OPTIONS,
                (o, parsers) -> (TailConfig) tail.config(), (c, ctx) -> {
                    replay[0] = new ReplayInput(paths, c, ctx.instanceName(), PluginCatalog.decoder(c, ctx),
                            PluginCatalog.multiline(c, ctx), progress);
                    progress.records(replay[0].counters()::records);
                    return replay[0];
                });
        TopologyPlan replayPlan = plan.forReplay().withInputs(List.of(
                new PlannedPlugin(type, tail.instanceName(), 0, tail.options(), tail.config(), null)));
        if (dryRun) {
            SourceLocation here = SourceLocation.of("--dry-run");
            replayPlan = replayPlan.withOutputs(List.of(new ConfigSection("OUTPUT", here, List.of(
                    new ConfigEntry("Name", "stdout", here), new ConfigEntry("Match", "*", here),
                    new ConfigEntry("Format", "json_lines", here)))), catalog);
        }
        Agent agent = new Agent(replayPlan);
        StopSignals.install(agent);
        long start = System.nanoTime();
        boolean drained = agent.run();
        ReplayCounters rc = replay[0].counters();
        RingCounters ring = agent.counters();
        long deadLettered = agent.deadLettered();
        // A long line skipped with Skip_Long_Lines On is one the user chose to skip (counted, logged at WARN).
        boolean whole = rc.corruptSegments() == 0 && rc.failedFiles() == 0
                && (rc.longLinesSkipped() == 0 || ((TailConfig) tail.config()).skipLongLines());
        String result = !drained ? "INCOMPLETE: not everything read was handed on"
                : !whole ? "INCOMPLETE: some data could not be read"
                : deadLettered > 0 ? "dead_lettered: some records did not reach their destination (see the dead-letter store)"
                : "complete";
        if (ring.unrouted() > 0) {
            // As in the live agent (and Fluent Bit), a record no output matches is dropped; under replay that is
            // most often a Match written for other tags, so it is said, though it does not fail the replay.
            log.warn("Records matched no output's Match and were dropped, as the live agent drops them. Compare the"
                    + " outputs' Match with the tags (Tag expanded with each file family's active path). unrouted={}",
                    ring.unrouted());
        }
        System.err.printf(Locale.ROOT, "replay summary: files=%d records_read=%d delivered=%d dead_lettered=%d"
                        + " parse_errors_kept_whole=%d invalid_utf8_repaired=%d dropped_by_filters=%d unrouted=%d"
                        + " stage_errors=%d corrupt_segments=%d cut_lines_dropped=%d unreadable_files=%d"
                        + " long_lines_skipped=%d multiline_records_split=%d time=%.1fs result=%s%n",
                rc.files(), rc.records(), ring.delivered() - deadLettered, deadLettered, ring.parseErrors(),
                ring.invalidUtf8Repaired(), ring.dropped(), ring.unrouted(), ring.stageErrors(), rc.corruptSegments(),
                rc.cutLinesDropped(), rc.failedFiles(), rc.longLinesSkipped(), rc.multilineRecordsSplit(),
                (System.nanoTime() - start) / 1e9, result);
        return drained && whole && deadLettered == 0 ? Main.OK : Main.FAILED;
    }
}
