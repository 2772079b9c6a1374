package dev.ferry.agent;

import dev.ferry.agent.source.tail.TailConfig;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.Configuration;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.record.TagPattern;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A whole configuration, validated: the service settings, the parsers, and every input, filter and
 * output with its typed configuration, in file order. Building a plan starts nothing and writes no
 * file; beyond the configuration it reads only the first line of an existing tail {@code DB} (to refuse
 * Fluent Bit's SQLite DB), so {@code ferry check} and {@code ferry run} validate alike.
 *
 * <p>Every section is checked against its plugin's options plus the options all plugins of its kind
 * share ({@code Match}, {@code Alias}, ...); the first error stops the build with a located message.
 */
public record TopologyPlan(String origin, ServiceConfig service, ParserRegistry parsers, List<PlannedPlugin> inputs,
                           List<PlannedPlugin> filters, List<PlannedPlugin> outputs, List<String> warnings,
                           boolean replay) {

    /** A plugin's own Log_Level: Fluent Bit has it, ferry logs every plugin at the [SERVICE] one. */
    private static final OptionSpec PLUGIN_LOG_LEVEL = OptionSpec.ignoredOption("Log_Level",
            "ferry logs every plugin at the Log_Level of [SERVICE]");

    /**
     * A plugin's own log_suppress_interval (flb_input.c, flb_filter.c, flb_output.c): Fluent Bit drops a plugin's
     * log lines that repeat within it. Only ferry's own log differs, never a record.
     */
    private static final OptionSpec PLUGIN_LOG_SUPPRESS_INTERVAL = OptionSpec.ignoredOption("log_suppress_interval",
            "ferry does not suppress a plugin's repeated log lines");

    static final List<OptionSpec> COMMON_INPUT = List.of(
            OptionSpec.string("Name", "the plugin").asRequired(),
            OptionSpec.string("Tag", "the tag of the records this input makes"),
            OptionSpec.string("Alias", "the name of this instance in logs and metrics"),
            PLUGIN_LOG_LEVEL, PLUGIN_LOG_SUPPRESS_INTERVAL,
            OptionSpec.ignoredOption("Threaded", "every ferry input runs on its own thread"),
            OptionSpec.ignoredOption("storage.type", "the spool is set for the whole agent with storage.path in [SERVICE]"),
            OptionSpec.ignoredOption("storage.pause_on_chunks_overlimit", "inputs always pause when the spool is full; nothing is dropped"),
            OptionSpec.ignoredOption("Routable", "every input is routable"));

    static final List<OptionSpec> COMMON_FILTER = List.of(
            OptionSpec.string("Name", "the plugin").asRequired(),
            OptionSpec.string("Match", "the tags this filter takes, with * wildcards"),
            OptionSpec.string("Match_Regex", "the tags this filter takes, as a regular expression"),
            OptionSpec.string("Alias", "the name of this instance in logs and metrics"),
            PLUGIN_LOG_LEVEL, PLUGIN_LOG_SUPPRESS_INTERVAL);

    static final List<OptionSpec> COMMON_OUTPUT = List.of(
            OptionSpec.string("Name", "the plugin").asRequired(),
            OptionSpec.string("Match", "the tags this output takes, with * wildcards"),
            OptionSpec.string("Match_Regex", "the tags this output takes, as a regular expression"),
            OptionSpec.string("Alias", "the name of this instance in logs and metrics"),
            PLUGIN_LOG_LEVEL, PLUGIN_LOG_SUPPRESS_INTERVAL,
            OptionSpec.ignoredOption("Retry_Limit", "local outputs are retried until they succeed"),
            OptionSpec.ignoredOption("Workers", "local outputs are written from the ring's output thread"),
            OptionSpec.size("storage.total_limit_size", null, "the most bytes of records this output may have in the disk "
                    + "spool not yet delivered; when reached the inputs pause (unset: only storage.disk_limit applies)"));

    /** Validates {@code configuration} against the plugins in {@code catalog}. */
    public static TopologyPlan build(Configuration configuration, List<String> loadWarnings, PluginCatalog catalog) {
        List<String> warnings = new ArrayList<>(loadWarnings);
        ServiceConfig service = ServiceConfig.of(configuration.sections("SERVICE"), warnings);
        ParserRegistry parsers = ParserRegistry.of(configuration.sections("PARSER"),
                configuration.sections("MULTILINE_PARSER"), warnings);
        List<PlannedPlugin> inputs = plan(configuration.sections("INPUT"), catalog, COMMON_INPUT, parsers, warnings, null);
        List<PlannedPlugin> filters = plan(configuration.sections("FILTER"), catalog, COMMON_FILTER, parsers, warnings, null);
        // Fluent Bit's "quick setup for 1:1" (flb_router_io_set in src/flb_router.c): with exactly one input and
        // one output, an output with neither Match nor Match_Regex takes Match *. Filters and N:M keep no match.
        boolean oneToOne = configuration.sections("INPUT").size() == 1 && configuration.sections("OUTPUT").size() == 1;
        List<PlannedPlugin> outputs = plan(configuration.sections("OUTPUT"), catalog, COMMON_OUTPUT, parsers, warnings,
                oneToOne ? TagPattern.wildcard("*") : null);
        if (inputs.isEmpty()) {
            throw new ConfigException(configuration.origin() + ": the configuration has no [INPUT] section; ferry would have nothing to read");
        }
        if (outputs.isEmpty()) {
            throw new ConfigException(configuration.origin() + ": the configuration has no [OUTPUT] section; ferry would have nowhere to send records");
        }
        return new TopologyPlan(configuration.origin(), service, parsers, inputs, filters, outputs, List.copyOf(warnings), false);
    }

    /** The spool's folder when {@code storage.path} is not set: in the folder of the first tail input's DB. */
    public static final String DEFAULT_SPOOL_FOLDER = "ferry-spool";

    /**
     * Where the disk spool lives: {@code storage.path} when set; when not, {@value #DEFAULT_SPOOL_FOLDER}
     * in the folder of the first {@code tail} input that has a {@code DB}. Null means no spool: with
     * {@code storage.path off}, or when no input keeps its positions in a DB. Without a DB an input starts
     * over after a restart (from the head or the end of its files, as {@code Read_from_Head} says), so
     * records spooled by an earlier run would only be delivered twice or mixed with lines that are
     * skipped; such records wait in the ring's memory instead, and the agent logs that at start.
     */
    public Path spoolPath() {
        if (service.storageOff()) {
            return null;
        }
        if (service.storagePath() != null) {
            return service.storagePath();
        }
        for (PlannedPlugin in : inputs) {
            if (in.config() instanceof TailConfig tail && tail.db() != null) {
                Path folder = tail.db().toAbsolutePath().getParent();
                return folder.resolve(DEFAULT_SPOOL_FOLDER);
            }
        }
        return null;
    }

    /**
     * The same plan with every {@code tail} input that has no {@code DB} keeping its read positions in
     * {@code directory}, in {@code <instance>.db} ({@code tail.0.db}, or the {@code Alias}): {@code ferry run
     * --state-dir}, which the packaged service and image pass, so that a Fluent Bit configuration written
     * without a {@code DB} resumes after a restart instead of starting at the end of its files. The spool's
     * default folder follows ({@value #DEFAULT_SPOOL_FOLDER} in {@code directory}). An input's own {@code DB}
     * wins.
     */
    public TopologyPlan withStateDirectory(Path directory) {
        List<PlannedPlugin> replaced = new ArrayList<>();
        for (PlannedPlugin in : inputs) {
            if (in.config() instanceof TailConfig tail && tail.db() == null) {
                Path db = directory.resolve(in.instanceName().replaceAll("[^A-Za-z0-9._-]", "_") + ".db");
                in = new PlannedPlugin(in.type(), in.instanceName(), in.index(), in.options(), tail.withDb(db), in.match());
            }
            replaced.add(in);
        }
        return withInputs(replaced);
    }

    /** The same plan with other inputs ({@code ferry replay} replaces the configured ones). */
    public TopologyPlan withInputs(List<PlannedPlugin> replacement) {
        return new TopologyPlan(origin, service, parsers, List.copyOf(replacement), filters, outputs, warnings, replay);
    }

    /** The same plan run by {@code ferry replay}: plugins are created knowing it ({@link PluginContext#replay()}). */
    public TopologyPlan forReplay() {
        return new TopologyPlan(origin, service, parsers, inputs, filters, outputs, warnings, true);
    }

    /** The same plan with outputs built from {@code sections} instead ({@code --dry-run}). */
    public TopologyPlan withOutputs(List<ConfigSection> sections, PluginCatalog catalog) {
        List<String> w = new ArrayList<>(warnings);
        List<PlannedPlugin> planned = plan(sections, catalog, COMMON_OUTPUT, parsers, w, null);
        return new TopologyPlan(origin, service, parsers, inputs, filters, planned, List.copyOf(w), replay);
    }

    /** @param noMatch what a section without Match or Match_Regex takes; null: nothing, with a warning */
    private static List<PlannedPlugin> plan(List<ConfigSection> sections, PluginCatalog catalog, List<OptionSpec> common,
                                            ParserRegistry parsers, List<String> warnings, TagPattern noMatch) {
        List<PlannedPlugin> out = new ArrayList<>();
        for (ConfigSection section : sections) {
            String name = section.name();
            if (name.isEmpty()) {
                throw ConfigException.at(section.location(), section, "missing required key 'Name' (the plugin)");
            }
            PluginType<?, ?> type = catalog.find(section.kind(), name);
            if (type == null) {
                throw ConfigException.at(section.first("Name").isPresent() ? section.all("Name").get(0).location()
                                : section.location(), section,
                        "unknown " + section.kind().toLowerCase(Locale.ROOT) + " plugin '" + name + "'; available: "
                                + String.join(", ", catalog.names(section.kind())));
            }
            OptionTable table = new OptionTable(section.kind(), type.name(), type.options().specs(), common);
            Options options = table.bind(section);
            warnings.addAll(options.warnings());
            Object config = type.configure().configure(options, parsers);
            int index = out.size();
            if (config instanceof TailConfig tail && tail.tag() == null) {
                // Fluent Bit (src/flb_input.c): an input without Tag is tagged with its name, tail.N; an Alias
                // renames the instance in logs and metrics, never the tag.
                config = tail.withTag(type.name() + "." + index);
            }
            String instance = options.isSet("Alias") ? options.string("Alias") : type.name() + "." + index;
            TagPattern match = null;
            if (!section.kind().equals("INPUT")) {
                String wildcard = options.isSet("Match") ? options.string("Match") : null;
                if (options.isSet("Match_Regex")) {
                    try {
                        match = TagPattern.both(wildcard, options.string("Match_Regex"));
                    } catch (java.util.regex.PatternSyntaxException e) {
                        throw options.error("Match_Regex", "bad value for key 'Match_Regex': " + e.getDescription()
                                + " at index " + e.getIndex());
                    }
                } else if (wildcard != null) {
                    match = TagPattern.wildcard(wildcard);
                } else if (noMatch != null) {
                    match = noMatch;
                } else {
                    warnings.add(section.location() + ": " + section.label() + ": no 'Match' or 'Match_Regex'; it takes no records");
                    match = TagPattern.none();
                }
            }
            out.add(new PlannedPlugin(type, instance, index, options, config, match));
        }
        return out;
    }
}
