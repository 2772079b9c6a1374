package dev.ferry.outputs.loki;

import dev.ferry.outputs.RetryLimit;
import dev.ferry.outputs.NetworkOptions;
import dev.ferry.outputs.TlsConfig;
import dev.ferry.outputs.loki.LokiLineEncoder.DropSingleKey;
import dev.ferry.outputs.loki.LokiLineEncoder.LineFormat;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.OptionType;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.filter.RecordAccessor;
import dev.ferry.pipeline.record.JsonValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the Loki output ({@code [OUTPUT] Name loki}), with Fluent Bit's keys and defaults plus
 * ferry's own ({@code push_format}, {@code batch_max_size}, {@code dead_letter.path},
 * {@code label_cardinality_check}, {@code max_label_values}, {@code acceptance_window}, {@code rate_limit}).
 * Immutable.
 *
 * <p>Secrets ({@code HTTP_Passwd}, {@code Bearer_Token}, {@code tls.key_passwd}) live in {@link LokiAuth}
 * and {@link TlsConfig}, whose {@code toString()} masks them, so printing a {@code LokiConfig} never shows
 * them.
 *
 * @param host Loki's host ({@code Host}, 127.0.0.1)
 * @param port Loki's port ({@code Port}, 3100)
 * @param uri the push path ({@code Uri}, {@code /loki/api/v1/push})
 * @param tenantId the {@code X-Scope-OrgID}, or null ({@code Tenant_ID})
 * @param tenantIdKey a record accessor whose value is the tenant, or null ({@code Tenant_ID_Key}; records
 *     without it use {@code Tenant_ID})
 * @param labels the compiled stream label rules ({@code Labels}, {@code Label_Keys}, {@code Label_Map_Path},
 *     {@code Auto_Kubernetes_Labels})
 * @param removeKeys record keys left out of the line ({@code Remove_Keys}; accessors allowed)
 * @param dropSingleKey {@code Drop_Single_Key}: off, on or raw
 * @param lineFormat {@code Line_Format}: json or key_value
 * @param structuredMetadata {@code Structured_Metadata} items ({@code name=value} or {@code name=$accessor})
 * @param structuredMetadataMaps {@code Structured_Metadata_Map_Keys}: maps whose members become structured
 *     metadata ({@link LokiStructuredMetadata})
 * @param auth basic auth or bearer token
 * @param tls the TLS settings ({@code tls.*})
 * @param workers how many pushes are in flight at once ({@code Workers})
 * @param retryLimit how often a failed push is retried ({@code Retry_Limit})
 * @param protobuf whether pushes are snappy-compressed protobuf (true, default) or JSON
 *     ({@code push_format protobuf|json})
 * @param gzip whether JSON pushes are gzip-compressed ({@code Compress gzip})
 * @param batchMaxSize the most bytes of lines one push carries before compression ({@code batch_max_size},
 *     1MiB; a longer single line is sent alone)
 * @param deadLetterPath the directory of the dead-letter file {@code <instance>.ndjson} ({@code dead_letter.path})
 * @param maxLabelValues distinct values of one label before the run-time guard warns ({@code max_label_values})
 * @param acceptanceWindow how far behind a stream's newest entry Loki still accepts entries
 *     ({@code acceptance_window}, 1h: Loki's default out-of-order window, half of {@code max_chunk_age});
 *     exposed for replay, which must not send a stream's entries further apart than that
 * @param rateLimit the most bytes per second pushed ({@code rate_limit}, 3MiB; 0 for no limit)
 * @param replaySortBuffer the most bytes {@code ferry replay} holds to send in time order
 *     ({@code replay_sort_buffer}, 32MiB; see {@link LokiReplayOrder})
 * @param headers extra HTTP headers of every push ({@code Header}), as name, value, name, value...; their values
 *     may be secrets ({@code Header Authorization ...}): {@link #describe} shows the names only
 */
public record LokiConfig(
        String host, int port, String uri, String tenantId, RecordAccessor tenantIdKey, LokiLabels labels,
        List<RecordAccessor> removeKeys, DropSingleKey dropSingleKey, LineFormat lineFormat,
        List<String> structuredMetadata, List<RecordAccessor> structuredMetadataMaps, LokiAuth auth, TlsConfig tls,
        int workers, RetryLimit retryLimit, boolean protobuf, boolean gzip, long batchMaxSize, Path deadLetterPath, int maxLabelValues,
        Duration acceptanceWindow, long rateLimit, long replaySortBuffer, List<String> headers) {


    public static final OptionTable OPTIONS = new OptionTable("OUTPUT", "loki", List.of(
            OptionSpec.string("Name", "The output plugin: loki.").asRequired(),
            OptionSpec.string("Host", "Loki host name or address.").withDefault("127.0.0.1"),
            OptionSpec.integer("Port", 3100, "Loki TCP port."),
            OptionSpec.string("Uri", "Path of the push API.").withDefault("/loki/api/v1/push"),
            OptionSpec.string("Tenant_ID", "Tenant sent as X-Scope-OrgID; none when unset (single-tenant Loki)."),
            OptionSpec.string("Tenant_ID_Key", "Record accessor whose value is the tenant (records without it use "
                    + "Tenant_ID)."),
            OptionSpec.string("Labels", "Stream labels: name=value, name=$record['accessor'] or "
                    + "$record['accessor'], comma-separated; none set gives job=fluent-bit.").asRepeatable(),
            OptionSpec.string("Label_Keys", "Record accessors ($a, $b['c']) whose values become labels named by "
                    + "their path (b_c).").asRepeatable(),
            OptionSpec.string("Label_Map_Path", "JSON file mapping record paths to label names, e.g. "
                    + "{\"kubernetes\":{\"pod_name\":\"pod\"}}."),
            OptionSpec.string("Remove_Keys", "Record keys (or accessors) left out of the line.").asRepeatable(),
            OptionSpec.string("Drop_Single_Key", "When one key is left, send its value alone: off, on, or raw "
                    + "(strings unquoted in json).").withDefault("off"),
            OptionSpec.choice("Line_Format", "json", List.of("json", "key_value"),
                    "The line: the record as JSON, or key=value pairs."),
            OptionSpec.bool("Auto_Kubernetes_Labels", false, "Add every kubernetes.labels member as a label."),
            OptionSpec.string("Structured_Metadata", "Structured metadata of each entry: name=value, "
                    + "name=$record['accessor'] or $record['accessor'] (named by its path), comma-separated.")
                    .asRepeatable(),
            OptionSpec.string("Structured_Metadata_Map_Keys", "Record accessors of maps ($kubernetes['labels']) each "
                    + "of whose members becomes structured metadata of the entry, comma-separated.").asRepeatable(),
            OptionSpec.string("HTTP_User", "Basic-auth user."),
            OptionSpec.string("HTTP_Passwd", "Basic-auth password (needs HTTP_User)."),
            OptionSpec.string("Bearer_Token", "Bearer token sent as Authorization: Bearer (not with HTTP_User)."),
            OptionSpec.integer("Workers", 2, "Pushes in flight at once."),
            OptionSpec.string("Retry_Limit", "Retries of a failed push: a number, False or no_limits (forever), "
                    + "or no_retries.").withDefault("1"),
            OptionSpec.choice("Compress", null, List.of("gzip"), "Compress JSON pushes: gzip (protobuf pushes are "
                    + "always snappy-compressed); without push_format it selects JSON, as Fluent Bit sends."),
            OptionSpec.string("Header", "Extra HTTP header of every push, 'Name value' (the key repeated for more); "
                    + "X-Scope-OrgID sets the tenant as Tenant_ID does, Authorization the credentials as "
                    + "HTTP_User or Bearer_Token do.").asRepeatable(),
            OptionSpec.ignoredOption("Buffer_Size", "ferry reads Loki's whole (short) answer"),
            OptionSpec.choice("push_format", "protobuf", List.of("protobuf", "json"),
                    "Push body: protobuf (snappy, as Loki's own clients send) or json."),
            OptionSpec.size("batch_max_size", "1MiB", "Most bytes of lines in one push, before compression."),
            OptionSpec.string("dead_letter.path", "Directory of the dead-letter file <instance>.ndjson, where "
                    + "entries Loki rejected or that ran out of retries are kept.").withDefault("dead-letter"),
            OptionSpec.bool("label_cardinality_check", true, "Refuse labels taken from high-cardinality record "
                    + "keys (trace_id, request_id, user_id, client_ip, pid, seq...) at start-up."),
            OptionSpec.integer("max_label_values", 1000, "Distinct values of one label before a warning."),
            OptionSpec.duration("acceptance_window", "1h", "How far behind a stream's newest entry Loki accepts "
                    + "entries (its out-of-order window); used by replay."),
            OptionSpec.string("rate_limit", "Most bytes per second pushed (before compression), e.g. 3MiB; 0 or "
                    + "off for no limit.").withDefault("3MiB"),
            OptionSpec.size("replay_sort_buffer", "32MiB", "Most bytes of entries ferry replay holds to send "
                    + "oldest first (every stream in time order); past it, the older half is sent.")),
            TlsConfig.options(), NetworkOptions.ignored());

    /** Builds and validates the settings from a section bound to {@link #OPTIONS}. */
    public static LokiConfig from(Options o) {
        long port = o.integer("Port");
        if (port < 1 || port > 65535) {
            throw o.error("Port", "bad value '" + o.string("Port") + "' for key 'Port'; allowed: a port number "
                    + "from 1 to 65535");
        }
        String tenantId = o.string("Tenant_ID");
        if (tenantId != null && !tenantId.isEmpty() && LokiTenantId.problem(tenantId) != null) {
            throw o.error("Tenant_ID", "bad value for key 'Tenant_ID': Loki refuses it: " + LokiTenantId.problem(tenantId));
        }
        RecordAccessor tenantKey = null;
        if (o.string("Tenant_ID_Key") != null) {
            tenantKey = accessor(o, "Tenant_ID_Key", o.string("Tenant_ID_Key"));
        }
        Map<String, Object> labelMap = labelMap(o);
        LokiLabels labels;
        try {
            labels = LokiLabels.compile(o.list("Labels"), o.list("Label_Keys"), labelMap,
                    o.bool("Auto_Kubernetes_Labels"), o.bool("label_cardinality_check"));
        } catch (IllegalArgumentException e) {
            String key = e.getMessage().contains("Label_Keys") ? "Label_Keys"
                    : e.getMessage().contains("Label_Map_Path") ? "Label_Map_Path" : "Labels";
            throw o.error(o.isSet(key) ? key : "Labels", e.getMessage());
        }
        List<RecordAccessor> remove = new ArrayList<>();
        for (String k : o.list("Remove_Keys")) {
            remove.add(accessor(o, "Remove_Keys", k));
        }
        for (String item : o.list("Structured_Metadata")) {
            if (item.startsWith("$")) {
                // Fluent Bit's parse_kv: a bare accessor, named by its path (LokiLabels.normalizedName).
                accessor(o, "Structured_Metadata", item);
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0 || eq == item.length() - 1) {
                throw o.error("Structured_Metadata", "invalid key value pair '" + item + "' in Structured_Metadata; "
                        + "allowed: name=value, name=$record['accessor'] or $record['accessor']");
            }
            String v = item.substring(eq + 1).trim();
            if (v.startsWith("$")) {
                accessor(o, "Structured_Metadata", v);
            }
        }
        List<RecordAccessor> metadataMaps = new ArrayList<>();
        for (String item : o.list("Structured_Metadata_Map_Keys")) {
            if (!item.startsWith("$")) {
                throw o.error("Structured_Metadata_Map_Keys", "invalid item '" + item + "' in "
                        + "Structured_Metadata_Map_Keys; allowed: a record accessor of a map, such as "
                        + "$kubernetes['labels']");
            }
            metadataMaps.add(accessor(o, "Structured_Metadata_Map_Keys", item));
        }
        DropSingleKey drop;
        String d = o.string("Drop_Single_Key");
        if ("raw".equalsIgnoreCase(d.trim())) {
            drop = DropSingleKey.RAW;
        } else {
            Boolean b = OptionType.parseBool(d);
            if (b == null) {
                throw o.error("Drop_Single_Key", "bad value '" + d + "' for key 'Drop_Single_Key'; allowed: on, off "
                        + "or raw");
            }
            drop = b ? DropSingleKey.ON : DropSingleKey.OFF;
        }
        String user = o.string("HTTP_User");
        String password = o.string("HTTP_Passwd");
        String token = o.string("Bearer_Token");
        if (password != null && user == null) {
            throw o.error("HTTP_Passwd", "HTTP_Passwd is set without HTTP_User");
        }
        if (token != null && user != null) {
            throw o.error("Bearer_Token", "HTTP_User and Bearer_Token are both set; use one of them");
        }
        List<String> headers = new ArrayList<>();
        for (ConfigEntry e : o.entries("Header")) {
            String[] header = ConfigEntry.splitFirstWord(e.value().strip());
            String name = header[0];
            String value = header[1];
            // The value may be a secret: messages name the header only.
            if (value.isEmpty() || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw o.error(e, "invalid Header '" + name + "'; allowed: a header name and its value, such as "
                        + "'Header X-Env prod'");
            }
            if (value.chars().anyMatch(Character::isISOControl)) {
                throw o.error(e, "the value of Header " + name + " holds a control character");
            }
            switch (name.toLowerCase(Locale.ROOT)) {
                case "x-scope-orgid" -> {
                    if ((tenantId != null && !tenantId.isEmpty()) || tenantKey != null) {
                        throw o.error(e, "Header X-Scope-OrgID and Tenant_ID (or Tenant_ID_Key) both set the tenant; use "
                                + "one of them");
                    }
                    if (LokiTenantId.problem(value) != null) {
                        throw o.error(e, "bad value for Header X-Scope-OrgID: Loki refuses it: "
                                + LokiTenantId.problem(value));
                    }
                    tenantId = value; // sent per push as the tenant, as Tenant_ID is
                }
                case "authorization" -> {
                    if (user != null || token != null) {
                        throw o.error(e, "Header Authorization and " + (user != null ? "HTTP_User" : "Bearer_Token")
                                + " both set the credentials; use one of them");
                    }
                    headers.addAll(List.of(name, value));
                }
                case "content-type", "content-encoding", "content-length", "transfer-encoding", "host", "connection",
                        "user-agent" -> throw o.error(e, "Header " + name + " is set by ferry itself (the push's "
                        + "format, compression and connection; see push_format and Compress)");
                default -> headers.addAll(List.of(name, value));
            }
        }
        long workers = o.integer("Workers");
        if (workers < 0 || workers > 256) {
            throw o.error("Workers", "bad value '" + o.string("Workers") + "' for key 'Workers'; allowed: a number "
                    + "from 0 to 256");
        }
        RetryLimit retry = RetryLimit.parse(o.string("Retry_Limit"));
        if (retry == null) {
            throw o.error("Retry_Limit", "bad value '" + o.string("Retry_Limit") + "' for key 'Retry_Limit'; allowed: "
                    + RetryLimit.ALLOWED);
        }
        boolean gzip = o.string("Compress") != null;
        boolean protobuf;
        if (gzip && !o.isSet("push_format")) {
            // A stock Fluent Bit loki section: Fluent Bit sends JSON, and gzips it with Compress gzip. The output's
            // "ready" line says push_format=json compress=gzip; nothing is logged here: a configuration is read
            // before the agent's log is set up (AgentLogging), and a logger made now would fix its format.
            protobuf = false;
        } else {
            protobuf = "protobuf".equalsIgnoreCase(o.string("push_format"));
            if (gzip && protobuf) {
                throw o.error("Compress", "Compress gzip applies to push_format json; protobuf pushes are always "
                        + "snappy-compressed");
            }
        }
        long batch = o.size("batch_max_size");
        if (batch < 1024 || batch > 64L << 20) {
            throw o.error("batch_max_size", "bad value '" + o.string("batch_max_size") + "' for key 'batch_max_size'; "
                    + "allowed: a size from 1KiB to 64MiB, such as 1MiB");
        }
        long maxValues = o.integer("max_label_values");
        if (maxValues < 1 || maxValues > 1_000_000) {
            throw o.error("max_label_values", "bad value '" + o.string("max_label_values") + "' for key "
                    + "'max_label_values'; allowed: a number from 1 to 1000000");
        }
        Duration window = o.duration("acceptance_window");
        if (window == null || window.isNegative() || window.isZero()) {
            throw o.error("acceptance_window", "bad value '" + o.string("acceptance_window") + "' for key "
                    + "'acceptance_window'; allowed: " + OptionType.DURATION.allowed() + ", more than 0");
        }
        long sortBuffer = o.size("replay_sort_buffer");
        if (sortBuffer < batch || sortBuffer > 4L << 30) {
            throw o.error("replay_sort_buffer", "bad value '" + o.string("replay_sort_buffer") + "' for key "
                    + "'replay_sort_buffer'; allowed: a size from batch_max_size (" + batch + " bytes) to 4GiB");
        }
        return new LokiConfig(o.string("Host"), (int) port, o.string("Uri"), tenantId, tenantKey, labels,
                List.copyOf(remove), drop, LineFormat.valueOf(o.string("Line_Format").toUpperCase(Locale.ROOT)),
                o.list("Structured_Metadata"), List.copyOf(metadataMaps), new LokiAuth(user, password, token), TlsConfig.from(o), (int) workers,
                retry, protobuf, gzip, batch, Path.of(o.string("dead_letter.path")), (int) maxValues, window,
                rateLimit(o), sortBuffer, List.copyOf(headers));
    }

    /** The settings as {@code key=value} lines for {@code ferry check}, secrets masked. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add("host=" + host + ":" + port + " uri=" + uri + " tenant_id=" + tenantId + " tenant_id_key="
                + tenantIdKey);
        out.add("push_format=" + (protobuf ? "protobuf (snappy)" : "json" + (gzip ? " (gzip)" : ""))
                + " line_format=" + lineFormat.name().toLowerCase(Locale.ROOT) + " drop_single_key="
                + dropSingleKey.name().toLowerCase(Locale.ROOT));
        out.add("labels=" + (labels.isFixed() ? "fixed" : "from records") + " remove_keys=" + removeKeys
                + " structured_metadata=" + structuredMetadata + " structured_metadata_map_keys="
                + structuredMetadataMaps);
        out.add("auth=" + auth + " headers=" + headerNames());
        out.add("tls=" + tls);
        out.add("retry_limit=" + retryLimit + " workers=" + workers + " batch_max_size=" + batchMaxSize
                + " rate_limit=" + (rateLimit <= 0 ? "off" : rateLimit + "B/s"));
        out.add("max_label_values=" + maxLabelValues + " acceptance_window=" + acceptanceWindow
                + " replay_sort_buffer=" + replaySortBuffer);
        out.add("dead_letter.path=" + deadLetterPath);
        return out;
    }

    /** The names of {@link #headers}, never their values. */
    private List<String> headerNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < headers.size(); i += 2) {
            names.add(headers.get(i));
        }
        return names;
    }

    private static RecordAccessor accessor(Options o, String key, String text) {
        return RecordAccessor.compileOption(o, key, text, text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> labelMap(Options o) {
        String path = o.string("Label_Map_Path");
        if (path == null) {
            return null;
        }
        String text;
        try {
            text = Files.readString(Path.of(path));
        } catch (IOException e) {
            throw o.error("Label_Map_Path", "cannot read Label_Map_Path " + path + ": " + e.getMessage());
        }
        Object v;
        try {
            v = JsonValues.parse(text);
        } catch (RuntimeException e) {
            throw o.error("Label_Map_Path", "Label_Map_Path " + path + " is not valid JSON: " + e.getMessage());
        }
        if (!(v instanceof Map<?, ?>)) {
            throw o.error("Label_Map_Path", "Label_Map_Path " + path + " must hold a JSON object");
        }
        return (Map<String, Object>) v;
    }

    private static long rateLimit(Options o) {
        String v = o.string("rate_limit").trim();
        if (Boolean.FALSE.equals(OptionType.parseBool(v))) {
            return 0;
        }
        long size = OptionType.parseSize(v);
        if (size < 0) {
            throw o.error("rate_limit", "bad value '" + v + "' for key 'rate_limit'; allowed: bytes per second such "
                    + "as 3MiB, or off");
        }
        return size;
    }
}
