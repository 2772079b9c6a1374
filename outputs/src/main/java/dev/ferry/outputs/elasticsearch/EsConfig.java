package dev.ferry.outputs.elasticsearch;

import dev.ferry.outputs.RetryLimit;
import dev.ferry.outputs.NetworkOptions;
import dev.ferry.outputs.TlsConfig;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.OptionType;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.filter.RecordAccessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Settings of the Elasticsearch output ({@code [OUTPUT] Name es}), with Fluent Bit's keys and
 * defaults. Immutable.
 *
 * <p>Secrets ({@code HTTP_Passwd}, {@code HTTP_API_Key}, {@code Cloud_Auth}, {@code tls.key_passwd})
 * live in {@link EsAuth} and {@link TlsConfig}, whose {@code toString()} masks them, so printing an
 * {@code EsConfig} never shows them.
 *
 * @param host the host to send to ({@code Host}, or the one {@code Cloud_ID} names)
 * @param port the port ({@code Port}, or the one {@code Cloud_ID} names, else 443 with Cloud_ID)
 * @param path a URL path prefix before {@code /_bulk}, or null ({@code Path})
 * @param index the index when not in Logstash format ({@code Index}), a strftime pattern as in Fluent Bit
 *     ({@code app-%Y.%m.%d}), formatted with the record's time like the Logstash date
 * @param logstashFormat whether the index is {@code prefix-date} ({@code Logstash_Format})
 * @param logstashPrefix the index prefix in Logstash format ({@code Logstash_Prefix})
 * @param logstashPrefixKey the record accessor ({@code $kubernetes['namespace_name']}, or a key, to which
 *     Fluent Bit prepends {@code $}) whose value replaces the prefix, or null
 * @param logstashPrefixSeparator between prefix and date ({@code Logstash_Prefix_Separator})
 * @param logstashDateFormat the date part of the index ({@code Logstash_DateFormat})
 * @param currentTimeIndex whether the index date is the current time rather than the record's
 * @param timeKey the key the record time is added under ({@code Time_Key})
 * @param timeKeyFormat the format of that time, before its fraction ({@code Time_Key_Format})
 * @param timeKeyNanos whether the fraction has nanoseconds instead of milliseconds
 * @param includeTagKey whether to add the tag to each document ({@code Include_Tag_Key})
 * @param tagKey the key of the tag ({@code Tag_Key})
 * @param generateId whether to make each document's id from its content ({@code Generate_ID})
 * @param idKey the record accessor ({@code id}, {@code $id}, {@code $meta['id']}) whose value is the document
 *     id, or null ({@code Id_Key})
 * @param writeOperation the bulk action ({@code Write_Operation})
 * @param replaceDots whether dots in keys become underscores ({@code Replace_Dots})
 * @param pipeline an ingest pipeline to send documents through, or null ({@code Pipeline})
 * @param auth how to authenticate
 * @param traceOutput whether to log every request body ({@code Trace_Output})
 * @param traceError whether to log the body of failed requests ({@code Trace_Error})
 * @param retryLimit how often a failed batch is retried ({@code Retry_Limit})
 * @param workers how many threads send ({@code Workers})
 * @param gzip whether request bodies are gzip-compressed ({@code Compress gzip})
 * @param tls the TLS settings ({@code tls.*})
 * @param bulkMaxSize the most request bytes one bulk request carries, before compression
 *     ({@code bulk_max_size}, default 5MiB; a single larger document is sent alone)
 * @param deadLetterPath the directory of the dead-letter file ({@code dead_letter.path}, default
 *     {@code dead-letter} under the working directory); the file is {@code <instance>.ndjson}
 * @param deadLetterIndex an index the dead letters are also indexed into ({@code dead_letter.index}), or
 *     null for the file only
 */
public record EsConfig(
        String host, int port, String path, StrftimeFormat index, boolean logstashFormat, String logstashPrefix,
        RecordAccessor logstashPrefixKey, String logstashPrefixSeparator, StrftimeFormat logstashDateFormat,
        boolean currentTimeIndex, String timeKey, StrftimeFormat timeKeyFormat, boolean timeKeyNanos,
        boolean includeTagKey, String tagKey, boolean generateId, RecordAccessor idKey, WriteOperation writeOperation,
        boolean replaceDots, String pipeline, EsAuth auth, boolean traceOutput, boolean traceError, RetryLimit retryLimit, int workers, boolean gzip, TlsConfig tls,
        long bulkMaxSize, java.nio.file.Path deadLetterPath, String deadLetterIndex) {

    /** The bulk API action each document is sent with. */
    public enum WriteOperation {
        CREATE, INDEX, UPDATE, UPSERT
    }


    private static final String AWS = "AWS request signing is not supported; use HTTP_API_Key or HTTP_User";

    public static final OptionTable OPTIONS = new OptionTable("OUTPUT", "es", List.of(
            OptionSpec.string("Name", "The output plugin: es.").asRequired(),
            OptionSpec.string("Host", "Elasticsearch host name or address; a comma-separated list (host or "
                    + "host:port) fails over to the next host when one cannot be reached.").withDefault("127.0.0.1"),
            OptionSpec.integer("Port", 9200, "Elasticsearch TCP port."),
            OptionSpec.string("Path", "URL path prefix, for Elasticsearch behind a reverse proxy."),
            OptionSpec.string("Index", "Index to write to when Logstash_Format is off; strftime directives "
                    + "(app-%Y.%m.%d) take the record's time (UTC).").withDefault("fluent-bit"),
            OptionSpec.ignoredOption("Type", "mapping types were removed in Elasticsearch 8"),
            OptionSpec.bool("Logstash_Format", false, "Write to daily indices named Logstash_Prefix-date."),
            OptionSpec.string("Logstash_Prefix", "Index prefix in Logstash format.").withDefault("logstash"),
            OptionSpec.string("Logstash_Prefix_Key", "Record accessor ($kubernetes['namespace_name'], or a key) whose "
                    + "value is the index prefix; Logstash_Prefix when the record has no such value."),
            OptionSpec.string("Logstash_Prefix_Separator", "Between the prefix and the date.").withDefault("-"),
            OptionSpec.string("Logstash_DateFormat", "strftime pattern of the index date (UTC).")
                    .withDefault("%Y.%m.%d"),
            OptionSpec.bool("Current_Time_Index", false, "Name the index after the current time, not the record's."),
            OptionSpec.string("Time_Key", "Key the record time is added under.").withDefault("@timestamp"),
            OptionSpec.string("Time_Key_Format", "strftime pattern of that time, before its fraction (UTC).")
                    .withDefault("%Y-%m-%dT%H:%M:%S"),
            OptionSpec.bool("Time_Key_Nanos", false, "Write the time with nanoseconds instead of milliseconds."),
            OptionSpec.bool("Include_Tag_Key", false, "Add the record's tag under Tag_Key."),
            // flb-key is Fluent Bit's default in its code (es.h FLB_ES_DEFAULT_TAG_KEY); its docs say _flb-key.
            OptionSpec.string("Tag_Key", "Key of the tag when Include_Tag_Key is on.").withDefault("flb-key"),
            OptionSpec.bool("Generate_ID", false, "Make document ids from the content, so resends do not duplicate."),
            OptionSpec.string("Id_Key", "Record accessor (a key, $key or $key['sub']) whose value is the document id."),
            OptionSpec.choice("Write_Operation", "create", List.of("create", "index", "update", "upsert"),
                    "Bulk action: create, index, update or upsert (update and upsert need Id_Key or Generate_ID)."),
            OptionSpec.bool("Replace_Dots", false, "Replace dots in keys with underscores."),
            OptionSpec.ignoredOption("Suppress_Type_Name", "ferry never writes _type: mapping types were removed in "
                    + "Elasticsearch 8"),
            OptionSpec.string("Pipeline", "Ingest pipeline to send documents through."),
            OptionSpec.string("HTTP_User", "Basic-auth user."),
            OptionSpec.string("HTTP_Passwd", "Basic-auth password (needs HTTP_User)."),
            OptionSpec.string("HTTP_API_Key", "API key (base64 of id:key); instead of HTTP_User/HTTP_Passwd."),
            OptionSpec.string("Cloud_ID", "Elastic Cloud ID; sets Host and Port unless Host is set."),
            OptionSpec.string("Cloud_Auth", "Elastic Cloud user:password; overrides HTTP_User and HTTP_Passwd."),
            OptionSpec.ignoredOption("Buffer_Size", "ferry reads every response whole; it asks Elasticsearch for the "
                    + "failed items only"),
            OptionSpec.bool("Trace_Output", false, "Log every request body (for debugging)."),
            OptionSpec.bool("Trace_Error", false, "Log the request and response of failed requests."),
            OptionSpec.string("Retry_Limit", "Retries of a failed batch: a number, False or no_limits (forever), "
                    + "or no_retries.").withDefault("1"),
            OptionSpec.integer("Workers", 2, "Threads that send to Elasticsearch."),
            OptionSpec.choice("Compress", null, List.of("gzip"), "Compress request bodies: gzip."),
            OptionSpec.size("bulk_max_size", "5MiB", "Most bytes of one bulk request body before compression."),
            OptionSpec.string("dead_letter.path", "Directory of the dead-letter file <instance>.ndjson, where "
                    + "records Elasticsearch rejected or that ran out of retries are kept.").withDefault("dead-letter"),
            OptionSpec.string("dead_letter.index", "Index the dead letters are also indexed into (besides the "
                    + "file), with the record as a string, its target index, status and reason. Not in Fluent Bit."),
            OptionSpec.bool("AWS_Auth", false, "AWS SigV4 request signing: not supported, only Off is accepted."),
            OptionSpec.ignoredOption("AWS_Region", AWS),
            OptionSpec.ignoredOption("AWS_STS_Endpoint", AWS),
            OptionSpec.ignoredOption("AWS_Role_ARN", AWS),
            OptionSpec.ignoredOption("AWS_External_ID", AWS),
            OptionSpec.ignoredOption("AWS_Service_Name", AWS),
            OptionSpec.ignoredOption("AWS_Profile", AWS),
            OptionSpec.string("upstream", "Fluent Bit's file of Elasticsearch nodes: not supported; list the nodes in "
                    + "Host.")), TlsConfig.options(), NetworkOptions.ignored());

    /** Builds and validates the settings from a section bound to {@link #OPTIONS}. */
    public static EsConfig from(Options o) {
        long port = o.integer("Port");
        if (port < 1 || port > 65535) {
            throw o.error("Port", "bad value '" + o.string("Port") + "' for key 'Port'; allowed: a port number "
                    + "from 1 to 65535");
        }
        String host = o.string("Host");
        if (o.string("Cloud_ID") != null) {
            String[] cloud = cloudHost(o);
            if (!o.isSet("Host")) {
                host = cloud[0];
                if (!o.isSet("Port")) {
                    port = Long.parseLong(cloud[1]);
                }
            }
        }
        // Unsigned requests are refused by Amazon OpenSearch (403): nothing would be indexed.
        o.refuseOn("AWS_Auth", "AWS_Auth On is not supported: ferry cannot sign requests with AWS SigV4, so Amazon "
                + "OpenSearch would refuse every request; use the domain's fine-grained access control with "
                + "HTTP_User/HTTP_Passwd, or HTTP_API_Key, and set AWS_Auth Off");
        if (o.isSet("upstream")) {
            throw o.error("upstream", "upstream (a file of Elasticsearch nodes) is not supported: list the nodes in Host "
                    + "instead, comma-separated (host or host:port); ferry sends to one and fails over to the next when "
                    + "it cannot be reached");
        }
        EsAuth auth = auth(o);
        WriteOperation op = WriteOperation.valueOf(o.string("Write_Operation").toUpperCase(Locale.ROOT));
        RecordAccessor idKey = accessor(o, "Id_Key", o.string("Id_Key"));
        String prefixKey = o.string("Logstash_Prefix_Key");
        RecordAccessor logstashPrefixKey = accessor(o, "Logstash_Prefix_Key",
                prefixKey == null || prefixKey.startsWith("$") ? prefixKey : "$" + prefixKey);
        if ((op == WriteOperation.UPDATE || op == WriteOperation.UPSERT) && idKey == null && !o.bool("Generate_ID")) {
            throw o.error("Write_Operation", "Write_Operation " + op.name().toLowerCase(Locale.ROOT)
                    + " needs Id_Key or Generate_ID to name the documents");
        }
        RetryLimit retry = RetryLimit.parse(o.string("Retry_Limit"));
        if (retry == null) {
            throw o.error("Retry_Limit", "bad value '" + o.string("Retry_Limit") + "' for key 'Retry_Limit'; allowed: "
                    + RetryLimit.ALLOWED);
        }
        long workers = o.integer("Workers");
        if (workers < 0 || workers > 256) {
            throw o.error("Workers", "bad value '" + o.string("Workers") + "' for key 'Workers'; allowed: a number "
                    + "from 0 to 256");
        }
        return new EsConfig(host, (int) port, o.string("Path"), strftime(o, "Index"), o.bool("Logstash_Format"),
                o.string("Logstash_Prefix"), logstashPrefixKey, o.string("Logstash_Prefix_Separator"),
                strftime(o, "Logstash_DateFormat"), o.bool("Current_Time_Index"), o.string("Time_Key"),
                strftime(o, "Time_Key_Format"), o.bool("Time_Key_Nanos"), o.bool("Include_Tag_Key"),
                o.string("Tag_Key"), o.bool("Generate_ID"), idKey, op, o.bool("Replace_Dots"),
                o.string("Pipeline"), auth, o.bool("Trace_Output"),
                o.bool("Trace_Error"), retry, (int) workers, o.string("Compress") != null, TlsConfig.from(o),
                bulkMaxSize(o), java.nio.file.Path.of(o.string("dead_letter.path")), deadLetterIndex(o));
    }

    /** The settings as {@code key=value} lines for {@code ferry check}, secrets masked. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add("host=" + host + ":" + port + (path == null ? "" : " path=" + path));
        out.add(logstashFormat
                ? "index=" + logstashPrefix + logstashPrefixSeparator + logstashDateFormat + " (logstash format)"
                : "index=" + index);
        out.add("write_operation=" + writeOperation.name().toLowerCase(Locale.ROOT) + " generate_id=" + generateId
                + " id_key=" + idKey);
        out.add("auth=" + auth);
        out.add("tls=" + tls);
        out.add("retry_limit=" + retryLimit + " workers=" + workers + " gzip=" + gzip + " bulk_max_size=" + bulkMaxSize);
        out.add("dead_letter.path=" + deadLetterPath + (deadLetterIndex == null ? "" : " dead_letter.index=" + deadLetterIndex));
        return out;
    }

    /** {@code dead_letter.index}, checked against Elasticsearch's rules for index names. */
    private static String deadLetterIndex(Options o) {
        String index = o.string("dead_letter.index");
        if (index != null && (index.isEmpty() || !index.equals(index.toLowerCase(Locale.ROOT))
                || index.chars().anyMatch(c -> " \\/*?\"<>|,#:".indexOf(c) >= 0)
                || index.startsWith("-") || index.startsWith("_") || index.startsWith("+"))) {
            throw o.error("dead_letter.index", "bad value '" + index + "' for key 'dead_letter.index'; allowed: an "
                    + "Elasticsearch index name (lowercase; no space or \\ / * ? \" < > | , # :; not starting with -, _ or +)");
        }
        return index;
    }

    private static EsAuth auth(Options o) {
        String user = o.string("HTTP_User");
        String password = o.string("HTTP_Passwd");
        String apiKey = o.string("HTTP_API_Key");
        String cloudAuth = o.string("Cloud_Auth");
        // One way to authenticate: Fluent Bit takes HTTP_User over Cloud_Auth over HTTP_API_Key without a word, so a
        // file that sets two may not do what its author thinks.
        if (password != null && apiKey != null) {
            throw o.error("HTTP_API_Key", "HTTP_Passwd and HTTP_API_Key are both set; use one of them");
        }
        if (cloudAuth != null && apiKey != null) {
            throw o.error("HTTP_API_Key", "Cloud_Auth and HTTP_API_Key are both set; use one of them");
        }
        if (cloudAuth != null && (user != null || password != null)) {
            throw o.error("Cloud_Auth", (user != null ? "HTTP_User" : "HTTP_Passwd")
                    + " and Cloud_Auth are both set; use one of them");
        }
        if (password != null && user == null) {
            throw o.error("HTTP_Passwd", "HTTP_Passwd is set without HTTP_User");
        }
        if (cloudAuth != null && cloudAuth.indexOf(':') <= 0) {
            // The value is a secret: the message must not show it.
            throw o.error("Cloud_Auth", "bad value for key 'Cloud_Auth'; allowed: user:password");
        }
        return new EsAuth(user, password, apiKey, cloudAuth);
    }

    /**
     * Host and port from an Elastic Cloud ID {@code name:base64(domain[:port]$es_id[:port]$kibana_id)}: the port
     * after the Elasticsearch id when there is one (Elastic's port override, which Fluent Bit reads:
     * es_conf_parse.c extract_cloud_host), else after the domain, else 443.
     */
    private static String[] cloudHost(Options o) {
        String id = o.string("Cloud_ID");
        String bad = "bad value '" + id + "' for key 'Cloud_ID'; allowed: an Elastic Cloud ID (name:base64 text)";
        int colon = id.indexOf(':');
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(id.substring(colon + 1)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw o.error("Cloud_ID", bad);
        }
        String[] parts = decoded.split("\\$");
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw o.error("Cloud_ID", bad);
        }
        String[] domain = splitPort(parts[0], "443");
        String[] es = splitPort(parts[1], domain[1]);
        return new String[] {es[0] + "." + domain[0], es[1]};
    }

    /** {@code name[:port]} as {name, port}, {@code dflt} for a missing port. */
    private static String[] splitPort(String text, String dflt) {
        int p = text.lastIndexOf(':');
        if (p > 0 && text.substring(p + 1).matches("\\d{1,5}")) {
            return new String[] {text.substring(0, p), text.substring(p + 1)};
        }
        return new String[] {text, dflt};
    }

    private static StrftimeFormat strftime(Options o, String key) {
        String pattern = o.string(key);
        try {
            return StrftimeFormat.compile(pattern);
        } catch (IllegalArgumentException e) {
            String fraction = key.equals("Time_Key_Format") ? "; the fraction of a second is added after it (.123Z, "
                    + "or nanoseconds with Time_Key_Nanos On), as in Fluent Bit" : "";
            throw o.error(key, "unsupported directive " + e.getMessage() + " in " + key + " '" + pattern
                    + "'; supported: " + StrftimeFormat.SUPPORTED + fraction);
        }
    }

    /** A record accessor, or null when {@code text} is null; bad syntax is an error at {@code key}. */
    private static RecordAccessor accessor(Options o, String key, String text) {
        return text == null ? null : RecordAccessor.compileOption(o, key, o.string(key), text);
    }

    private static long bulkMaxSize(Options o) {
        long size = o.size("bulk_max_size");
        if (size < 1024 || size > 1L << 30) {
            throw o.error("bulk_max_size", "bad value '" + o.string("bulk_max_size") + "' for key 'bulk_max_size'; "
                    + "allowed: a size from 1KiB to 1GiB, such as 5MiB");
        }
        return size;
    }
}
