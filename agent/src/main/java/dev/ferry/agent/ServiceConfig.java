package dev.ferry.agent;

import dev.ferry.agent.http.HttpServerConfig;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.config.SourceLocation;
import dev.ferry.pipeline.ring.RecordRing;
import dev.ferry.pipeline.spool.SpoolCompression;
import dev.ferry.pipeline.spool.SpoolSync;
import dev.ferry.pipeline.spool.SpoolWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code [SERVICE]} section: agent-wide settings. Fluent Bit's keys keep their meaning; the ring's
 * own settings are ferry's ({@code ring.*}).
 *
 * @param flush Fluent Bit's flush interval: how long the spool's consumer of an output whose flush is a request
 *     (es, loki) gathers a trickle of records before it flushes; other outputs flush whenever their consumer has
 *     caught up, and every output without the spool at the end of every ring batch
 * @param grace how long shutdown waits for records in flight to reach the outputs
 * @param logLevel error, warn, info, debug or trace ({@code off} silences the agent's own log)
 * @param ringSlots slots in the ring (a power of two)
 * @param ringWorkers threads for the parse and filter stage
 * @param ringWait how ring threads wait for work
 * @param storagePath the disk spool's directory ({@code storage.path}), or null when not set (see
 *     {@link TopologyPlan#spoolPath()} for the default) or set to {@code off}
 * @param storageOff {@code storage.path off} (or {@code none}): no spool even where one is the default;
 *     outputs are then written from the ring and a slow output pauses the inputs at once
 * @param storageSync {@code storage.sync}: {@code full} syncs the spool to disk before the inputs'
 *     positions move on
 * @param storageDiskLimit {@code storage.disk_limit}: the most bytes of records the spool keeps on disk;
 *     when reached, the inputs pause (0 = no limit)
 * @param storageCompress {@code storage.compress} (ferry's own key): whether the spool's documents are
 *     written zstd-compressed
 * @param storageMinFree {@code storage.min_free} (ferry's own key): the bytes the spool leaves free on its
 *     filesystem; below it, the inputs pause
 * @param storageWriteBehind {@code storage.write_behind} (ferry's own key): the bytes of the newest records the
 *     spool holds in memory before it writes them (what every output delivers meanwhile is never written); 0 writes
 *     every batch at once
 * @param http the monitoring server ({@code HTTP_Server} and the keys after it)
 */
public record ServiceConfig(Duration flush, Duration grace, String logLevel, int ringSlots, int ringWorkers,
                            RecordRing.Wait ringWait, Path storagePath, boolean storageOff, SpoolSync storageSync,
                            long storageDiskLimit, SpoolCompression storageCompress, long storageMinFree,
                            long storageWriteBehind, HttpServerConfig http) {

    public static final OptionTable OPTIONS = new OptionTable("SERVICE", "service", List.of(
            OptionSpec.duration("Flush", "1", "how long es and loki gather a trickle of records before a request (with the"
                    + " spool; other outputs are not held)"),
            OptionSpec.duration("Grace", "5", "how long shutdown waits for records in flight"),
            OptionSpec.choice("Log_Level", "info", List.of("off", "error", "warn", "warning", "info", "debug", "trace"),
                    "the agent's own log level"),
            OptionSpec.string("Parsers_File", "files with [PARSER] sections (read by the configuration loader)").asRepeatable(),
            OptionSpec.integer("ring.slots", 4096, "slots in the record ring, a power of two"),
            OptionSpec.integer("ring.workers", 1, "threads that parse and filter records; with 1, parsing, filters and outputs share one thread, which costs the least CPU per record"),
            OptionSpec.choice("ring.wait", "blocking", List.of("blocking", "sleeping", "yielding"),
                    "how ring threads wait for work: blocking uses least CPU, yielding least latency"),
            OptionSpec.ignoredOption("Daemon", "run ferry under systemd or as a container instead"),
            OptionSpec.ignoredOption("Log_File", "ferry logs to stderr; let systemd or the container runtime keep it"),
            OptionSpec.ignoredOption("Plugins_File", "ferry's plugins are built in"),
            OptionSpec.string("Streams_File", "Fluent Bit's stream processor tasks; refused: ferry has no stream processor"),
            OptionSpec.bool("HTTP_Server", false, "serve build info, uptime, metrics (JSON and Prometheus) and health over HTTP"),
            OptionSpec.string("HTTP_Listen", "the address the HTTP server binds").withDefault("0.0.0.0"),
            OptionSpec.integer("HTTP_Port", 2020, "the HTTP server's TCP port"),
            OptionSpec.bool("Health_Check", false, "serve /api/v1/health: 500 when the outputs failed too often in HC_Period"),
            OptionSpec.integer("HC_Errors_Count", 5, "output errors within HC_Period above which /api/v1/health answers 500"),
            OptionSpec.integer("HC_Retry_Failure_Count", 5, "batches out of retries within HC_Period above which /api/v1/health answers 500"),
            OptionSpec.integer("HC_Period", 60, "the health check's window, in seconds: errors older than this stop counting"),
            OptionSpec.string("storage.path", "directory of the disk spool between the ring and the outputs; unset: "
                    + TopologyPlan.DEFAULT_SPOOL_FOLDER + " in the folder of the first tail input's DB, or no spool when no "
                    + "input has a DB; off: no spool"),
            OptionSpec.choice("storage.sync", "normal", List.of("normal", "full"),
                    "full: the spool is synced to disk before input positions move on (survives power loss)"),
            OptionSpec.size("storage.disk_limit", "8GiB", "the most bytes of records the spool keeps on disk, counted "
                    + "before compression; when reached the inputs pause (the log files are the buffer)"),
            OptionSpec.choice("storage.compress", "zstd", List.of("zstd", "off"),
                    "zstd: the spool's records are written compressed (JSON logs take about a fifth of the disk); "
                    + "off: as they are"),
            OptionSpec.size("storage.min_free", "128MiB", "the free space the spool leaves on its filesystem; when a "
                    + "write would leave less, the inputs pause until there is room (a full disk would crash the "
                    + "memory-mapped spool)"),
            OptionSpec.size("storage.write_behind", (SpoolWriter.DEFAULT_MEMORY_BYTES >> 20) + "MiB", "the newest records "
                    + "the spool holds in memory, where the outputs read them, before it writes them to disk (what every "
                    + "output delivers meanwhile is never written; the rest is written when this is full or a second "
                    + "old); at most half the smallest Mem_Buf_Limit; 0: every batch is written at once"),
            OptionSpec.ignoredOption("storage.*", "ferry's spool has no such setting"),
            OptionSpec.ignoredOption("Hot_Reload", "restart ferry to apply a new configuration"),
            OptionSpec.ignoredOption("Coro_Stack_Size", "ferry has no coroutines"),
            OptionSpec.ignoredOption("scheduler.*", "the output retry schedule is ferry's own")));

    /** The defaults, for configurations without a {@code [SERVICE]} section. */
    public static ServiceConfig defaults() {
        return from(OPTIONS.bind(new ConfigSection("SERVICE", SourceLocation.of("defaults"), List.of())));
    }

    public static ServiceConfig from(Options o) {
        if (o.isSet("Streams_File")) {
            throw o.error("Streams_File", "Streams_File is not supported: ferry has no stream processor, and"
                    + " ignoring the file would drop the records its tasks create (CREATE STREAM ... WITH (tag=...));"
                    + " remove the key");
        }
        long slots = o.integer("ring.slots");
        if (slots < 16 || slots > (1 << 22) || Long.bitCount(slots) != 1) {
            throw o.error("ring.slots", "bad value '" + slots + "' for key 'ring.slots'; allowed: a power of two from 16 to 4194304");
        }
        long workers = o.integer("ring.workers");
        if (workers < 1 || workers > 64) {
            throw o.error("ring.workers", "bad value '" + workers + "' for key 'ring.workers'; allowed: 1 to 64");
        }
        String level = o.string("Log_Level").toLowerCase(Locale.ROOT);
        String storage = o.string("storage.path");
        storage = storage == null ? "" : storage.trim();
        boolean off = storage.equalsIgnoreCase("off") || storage.equalsIgnoreCase("none");
        return new ServiceConfig(o.duration("Flush"), o.duration("Grace"), level.equals("warning") ? "warn" : level,
                (int) slots, (int) workers, RecordRing.Wait.valueOf(o.string("ring.wait").toUpperCase(Locale.ROOT)),
                storage.isEmpty() || off ? null : Path.of(storage), off, SpoolSync.parse(o.string("storage.sync")),
                o.size("storage.disk_limit"), SpoolCompression.parse(o.string("storage.compress")),
                o.size("storage.min_free"), o.size("storage.write_behind"), http(o));
    }

    private static HttpServerConfig http(Options o) {
        long port = o.integer("HTTP_Port");
        if (port < 1 || port > 65535) { // Fluent Bit refuses 0 too (flb_hs_create)
            throw o.error("HTTP_Port", "bad value '" + port + "' for key 'HTTP_Port'; allowed: 1 to 65535");
        }
        String listen = o.string("HTTP_Listen").trim();
        if (listen.isEmpty()) {
            throw o.error("HTTP_Listen", "key 'HTTP_Listen' is empty; give an address such as 0.0.0.0 or 127.0.0.1");
        }
        for (String key : List.of("HC_Errors_Count", "HC_Retry_Failure_Count")) {
            if (o.integer(key) < 0) {
                throw o.error(key, "bad value '" + o.integer(key) + "' for key '" + key + "'; allowed: 0 or more");
            }
        }
        long period = o.integer("HC_Period");
        if (period < 1) {
            throw o.error("HC_Period", "bad value '" + period + "' for key 'HC_Period'; allowed: 1 or more (seconds)");
        }
        return new HttpServerConfig(o.bool("HTTP_Server"), listen, (int) port, o.bool("Health_Check"),
                o.integer("HC_Errors_Count"), o.integer("HC_Retry_Failure_Count"), Duration.ofSeconds(period));
    }

    /**
     * Reads the configuration's {@code [SERVICE]} sections as one: Fluent Bit adds the keys of a second
     * {@code [SERVICE]} to the first (src/config_format/flb_config_format.c flb_cf_section_create), as when an
     * included file holds one. A key set in two of them is refused as set twice, with both places.
     */
    public static ServiceConfig of(List<ConfigSection> services, List<String> warnings) {
        if (services.isEmpty()) {
            return defaults();
        }
        List<ConfigEntry> entries = new ArrayList<>();
        for (ConfigSection service : services) {
            entries.addAll(service.entries());
        }
        Options o = OPTIONS.bind(new ConfigSection("SERVICE", services.get(0).location(), entries));
        warnings.addAll(o.warnings());
        return from(o);
    }
}
