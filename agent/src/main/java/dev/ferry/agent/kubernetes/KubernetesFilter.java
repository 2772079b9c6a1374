package dev.ferry.agent.kubernetes;

import dev.ferry.outputs.RateLimitedLog;
import dev.ferry.parsers.json.JsonParser;
import dev.ferry.parsers.text.RegexParser;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.regex.RubyRegex;
import dev.ferry.pipeline.spi.Filter;
import dev.ferry.pipeline.spi.Parser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fluent Bit's {@code kubernetes} filter: adds the {@code kubernetes} object of the pod a record's tag
 * names (see {@link KubeTagParser}), fetched from the API server once per pod and cached
 * ({@link KubePodCache}), and merges a JSON {@code log} field into the record with {@code Merge_Log}
 * ({@link KubeLogMerger}), with the parser a pod's {@code fluentbit.io/parser} annotation names when
 * {@code K8S-Logging.Parser} is On; drops the records a pod's {@code fluentbit.io/exclude} annotation excludes
 * when {@code K8S-Logging.Exclude} is On ({@link KubeProps}), counted. Drops no other record.
 *
 * <ul>
 *   <li>A tag that names no pod: the record passes unchanged (Fluent Bit's FLB_FILTER_NOTOUCH), counted,
 *       with one INFO line per such tag.</li>
 *   <li>The API server cannot be asked, refuses or fails: the record passes without {@code kubernetes}
 *       (Merge_Log still applies, as in Fluent Bit), counted; a WARN line names the pod, the URL and the
 *       status and reason, at most once a minute per pod; the pod is asked again only after
 *       {@link #FAILURE_BACKOFF_NANOS}.</li>
 *   <li>{@code Use_Tag_For_Meta On}: a record of a pod gets only what its tag names (pod_name,
 *       namespace_name, container_name, docker_id), and the API server is never asked.</li>
 *   <li>{@code Dummy_Meta On}: every record gets {@code kubernetes: {"dummy": "<local time>"}} and the API
 *       server is never asked.</li>
 * </ul>
 *
 * <p>Start-up outside Kubernetes (no CA file, no token file) does not fail, as Fluent Bit's does not: a
 * WARN says what is missing, and records pass without metadata.
 *
 * <p>Thread-safe: ring threads may filter records at once. A cache miss makes the calling ring thread wait
 * for the API server (connect 5 s, read 10 s at most), as Fluent Bit's filter does. When the API server
 * cannot be reached at all (refused, timed out, TLS), no pod is asked for {@link #FAILURE_BACKOFF_NANOS}:
 * a node with many pods then waits once per back-off, not once per pod (with 100 pods and a server that
 * drops packets, that was 100 connect timeouts of 5 s in a row, every input paused meanwhile).
 */
public final class KubernetesFilter implements Filter, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesFilter.class);

    /** How long a failed lookup is remembered before the API server is asked about that pod again. */
    static final long FAILURE_BACKOFF_NANOS = 30_000_000_000L;
    static final int CACHE_CAPACITY = 4096;
    private static final int MAX_TAGS = 16_384;
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    /** The kubernetes object and the annotation properties of one container of a cached pod. */
    private record Resolved(KubePodCache.Entry entry, Map<String, Object> metadata, KubeProps props) {
    }

    /** What a tag resolved to, and the last metadata built for it (reused while the cache entry is the same). */
    private static final class TagState {
        final KubeTagParser.PodRef ref;
        /** The pod's cache key; with Cache_Use_Docker_Id also the container id, as Fluent Bit's cache key has it. */
        final String key;
        volatile Resolved resolved;
        /** What the tag names: the kubernetes object of Use_Tag_For_Meta On. */
        final Map<String, Object> tagMetadata;

        TagState(KubeTagParser.PodRef ref, boolean withDockerId) {
            this.ref = ref;
            this.key = ref == null ? null : ref.namespace() + "/" + ref.pod()
                    + (withDockerId && ref.dockerId() != null ? "/" + ref.dockerId() : "");
            this.tagMetadata = ref == null ? null : ref.metadata();
        }
    }

    private final String name;
    private final KubernetesConfig config;
    private final Function<String, Parser> parsers;
    private final KubeTagParser tags;
    private final KubeLogMerger merger;
    private final KubeApiClient api;
    private final String apiUnavailable;
    private final KubePodCache cache;
    private final ConcurrentHashMap<String, TagState> byTag = new ConcurrentHashMap<>();
    private final RateLimitedLog failureLog = new RateLimitedLog(60_000);
    private final AtomicLong withoutPod = new AtomicLong();
    private final AtomicLong withoutMetadata = new AtomicLong();
    private final AtomicLong apiRequests = new AtomicLong();
    private final AtomicLong apiFailures = new AtomicLong();
    private final AtomicLong excluded = new AtomicLong();
    private final LongSupplier nanoTime;
    /** The last time the API server could not be reached, or null: no pod is asked before its back-off ends. */
    private volatile Unreachable unreachable;

    /** Why the API server could not be reached, and the {@code nanoTime} its back-off ends at (one write, read whole). */
    private record Unreachable(KubeApiClient.KubeApiException failure, long untilNanos) {
    }

    /**
     * Creates the filter; reads nothing from the network.
     *
     * @param merger the Merge_Log step, or null without Merge_Log
     * @param parsers the parsers by name, for {@code fluentbit.io/parser} annotations (null for an unknown name)
     */
    KubernetesFilter(String name, KubernetesConfig config, KubeTagParser tags, KubeLogMerger merger,
                     Function<String, Parser> parsers, LongSupplier nanoTime) {
        this.name = name;
        this.config = config;
        this.parsers = parsers;
        this.nanoTime = nanoTime;
        this.tags = tags;
        this.merger = merger;
        this.cache = new KubePodCache(CACHE_CAPACITY, config.metaCacheTtl().toNanos(), FAILURE_BACKOFF_NANOS, nanoTime);
        KubeApiClient client = null;
        String unavailable = null;
        if (config.useTagForMeta()) {
            LOG.info("The kubernetes filter adds only what the tag names (Use_Tag_For_Meta On); it does not ask the "
                    + "API server. filter={}", name);
        } else if (!config.dummyMeta()) {
            boolean https = config.kubeUrl().getScheme().equalsIgnoreCase("https");
            if (https && config.tlsVerify() && config.caPath() == null && !Files.isReadable(Path.of(config.caFile()))) {
                unavailable = "Kube_CA_File " + config.caFile() + " cannot be read";
            } else {
                KubeToken token = new KubeToken(config.tokenFile(), config.tokenCommand(), config.tokenTtl(), nanoTime);
                if (config.tokenCommand() == null && !Files.isReadable(Path.of(config.tokenFile()))) {
                    LOG.warn("The Kubernetes token file cannot be read; requests to the API server go without a token "
                            + "until it can be. filter={} file={}", name, config.tokenFile());
                }
                try {
                    client = new KubeApiClient(config, token);
                } catch (IOException e) {
                    unavailable = e.getMessage();
                }
            }
            if (unavailable != null) {
                LOG.warn("The kubernetes filter cannot ask the API server: {}. Records pass without pod metadata "
                        + "(as outside Kubernetes). filter={} url={}", unavailable, name, config.kubeUrl());
            }
        } else {
            LOG.warn("The kubernetes filter adds dummy metadata (Dummy_Meta On). filter={}", name);
        }
        this.api = client;
        this.apiUnavailable = unavailable;
    }

    /**
     * The filter for {@code config}, with its parsers resolved.
     *
     * @param regexParser the Regex_Parser's parser (a regex parser), or null for Fluent Bit's tag regex
     * @param mergeParser the Merge_Parser's parser, or null to merge JSON
     * @param parsers the parsers by name, for {@code fluentbit.io/parser} annotations (null for an unknown name)
     */
    public static KubernetesFilter create(String name, KubernetesConfig config, RegexParser regexParser,
                                          Parser mergeParser, Function<String, Parser> parsers) {
        RubyRegex regex = regexParser != null ? regexParser.regex() : RubyRegex.compile(KubeTagParser.DEFAULT_REGEX);
        KubeLogMerger merger = null;
        if (config.mergeLog()) {
            Parser p = mergeParser != null ? mergeParser : new JsonParser("kubernetes-merge-log", null);
            merger = new KubeLogMerger(p, mergeParser != null, config.mergeLogKey(), config.keepLog(),
                    config.mergeLogTrim());
        }
        return new KubernetesFilter(name, config, new KubeTagParser(config.tagPrefix(), regex), merger, parsers,
                System::nanoTime);
    }

    @Override
    public boolean apply(LogRecord record) {
        Map<String, Object> metadata;
        Parser annotated = null;
        if (config.dummyMeta()) {
            metadata = Map.of("dummy", LocalDateTime.now().format(ASCTIME));
        } else {
            TagState state = state(record.tag());
            if (state.ref == null) {
                withoutPod.incrementAndGet();
                return true;
            }
            if (config.useTagForMeta()) {
                metadata = state.tagMetadata;
            } else {
                Resolved r = resolve(state);
                if (r == null) {
                    withoutMetadata.incrementAndGet();
                    metadata = null;
                } else {
                    metadata = r.metadata();
                    if (r.props() != KubeProps.NONE) {
                        String stream = record.fields().text("stream");
                        if (r.props().excludes(stream)) {
                            excluded.incrementAndGet();
                            return false;
                        }
                        annotated = r.props().parser(stream);
                    }
                }
            }
        }
        if (merger != null) {
            merger.merge(record, annotated);
        }
        if (metadata != null) {
            record.fields().put("kubernetes", metadata);
        }
        return true;
    }

    private TagState state(String tag) {
        TagState s = byTag.get(tag);
        if (s != null) {
            return s;
        }
        if (byTag.size() >= MAX_TAGS) {
            byTag.clear(); // tags of rotated-away containers; the live ones come back at their next record
        }
        return byTag.computeIfAbsent(tag, t -> {
            KubeTagParser.PodRef ref = tags.parse(t);
            if (ref == null) {
                LOG.info("The tag names no pod; its records pass the kubernetes filter unchanged. filter={} tag={} "
                        + "reason=\"{}\" kube_tag_prefix={}", name, t, tags.whyNoPod(t), config.tagPrefix());
            }
            return new TagState(ref, config.cacheUseDockerId());
        });
    }

    /** The kubernetes object and properties for the tag's pod, or null when the API server could not give them. */
    private Resolved resolve(TagState state) {
        KubePodCache.Entry e = cache.get(state.key);
        if (e == null) {
            e = fetch(state.ref, state.key);
        }
        if (e.pod() == null) {
            return null;
        }
        Resolved r = state.resolved;
        if (r == null || r.entry() != e) {
            r = new Resolved(e, e.pod().metadata(state.ref, config.labels(), config.annotations(),
                    config.ownerReferences()),
                    KubeProps.from(e.pod().annotations(), state.ref, config.k8sLoggingParser(), config.k8sLoggingExclude(),
                            parsers));
            state.resolved = r;
        }
        return r;
    }

    private KubePodCache.Entry fetch(KubeTagParser.PodRef ref, String key) {
        if (api == null) {
            return cache.putFailure(key, new KubeApiClient.KubeApiException(0, apiUnavailable));
        }
        Unreachable down = unreachable;
        if (down != null && nanoTime.getAsLong() - down.untilNanos() < 0) {
            if (failureLog.allow("unreachable")) {
                LOG.warn("The API server could not be reached a moment ago; pods seen since pass without metadata and "
                        + "are asked when the back-off ends. filter={} pod={} url={} reason=\"{}\"", name, key,
                        api.podUrl(ref.namespace(), ref.pod()), down.failure().getMessage());
            }
            return cache.putFailure(key, down.failure());
        }
        apiRequests.incrementAndGet();
        try {
            return cache.putPod(key, api.pod(ref.namespace(), ref.pod()));
        } catch (KubeApiClient.KubeApiException failure) {
            apiFailures.incrementAndGet();
            if (failure.status() == 0) {
                unreachable = new Unreachable(failure, nanoTime.getAsLong() + FAILURE_BACKOFF_NANOS);
            }
            if (failureLog.allow(key)) {
                LOG.warn("Pod metadata could not be fetched from the API server; records of the pod pass without it, "
                        + "and it is asked again in {} s{}. filter={} pod={} url={} status={} reason=\"{}\" failures={}",
                        FAILURE_BACKOFF_NANOS / 1_000_000_000L, failure.status() == 0 ? ", no other pod before then" : "",
                        name, key, api.podUrl(ref.namespace(), ref.pod()), failure.status(), failure.getMessage(),
                        apiFailures.get());
            }
            return cache.putFailure(key, failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return cache.putFailure(key, new KubeApiClient.KubeApiException(0, "interrupted"));
        }
    }

    /** Records whose tag named no pod (passed unchanged). */
    public long recordsWithoutPod() {
        return withoutPod.get();
    }

    /** Records of a pod whose metadata the API server did not give (passed without it). */
    public long recordsWithoutMetadata() {
        return withoutMetadata.get();
    }

    /** Records dropped by a pod's {@code fluentbit.io/exclude} annotation. */
    public long recordsExcluded() {
        return excluded.get();
    }

    /** Requests made to the API server. */
    public long apiRequests() {
        return apiRequests.get();
    }

    /** Requests to the API server that failed. */
    public long apiFailures() {
        return apiFailures.get();
    }

    /** Logs the counters and closes the API server's connections. */
    @Override
    public void close() {
        LOG.info("kubernetes filter closed. filter={} records_without_pod={} records_without_metadata={} "
                + "records_excluded={} api_requests={} api_failures={} cached_pods={}", name, withoutPod.get(),
                withoutMetadata.get(), excluded.get(), apiRequests.get(), apiFailures.get(), cache.size());
        if (api != null) {
            api.close();
        }
    }
}
