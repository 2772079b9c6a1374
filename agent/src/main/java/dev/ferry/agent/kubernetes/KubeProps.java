package dev.ferry.agent.kubernetes;

import dev.ferry.pipeline.config.OptionType;
import dev.ferry.pipeline.spi.Parser;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a pod asks of the filter for one of its containers through its {@code fluentbit.io/} annotations,
 * read as Fluent Bit's kube_property.c reads them: {@code fluentbit.io/parser} (with
 * {@code K8S-Logging.Parser On}) names the parser for {@code Merge_Log}, {@code fluentbit.io/exclude}
 * (with {@code K8S-Logging.Exclude On}) drops the records. Each may be narrowed to a stream
 * ({@code parser_stdout}, {@code exclude_stderr}) and to a container ({@code parser-NAME},
 * {@code exclude_stdout-NAME}); a container's own annotation wins over a general one, and of general ones
 * the first wins. An annotation that is not allowed, malformed, or names an unknown parser is logged at WARN
 * (when the pod's metadata is fetched) and has no effect. Immutable.
 *
 * @param stdoutParser the parser for records of stream stdout, or null
 * @param stderrParser the parser for records of stream stderr, or null
 * @param stdoutExclude whether records of stream stdout are dropped
 * @param stderrExclude whether records of stream stderr are dropped
 */
record KubeProps(Parser stdoutParser, Parser stderrParser, boolean stdoutExclude, boolean stderrExclude) {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesFilter.class);
    static final KubeProps NONE = new KubeProps(null, null, false, false);
    private static final String PREFIX = "fluentbit.io/";

    /** The properties {@code annotations} give the container {@code ref.container()}. */
    static KubeProps from(Object annotations, KubeTagParser.PodRef ref, boolean allowParser, boolean allowExclude,
                          Function<String, Parser> parsers) {
        if (!(annotations instanceof Map<?, ?> map)) {
            return NONE;
        }
        Builder b = new Builder();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.length() > PREFIX.length() && key.startsWith(PREFIX)) {
                b.set(key.substring(PREFIX.length()), String.valueOf(e.getValue()), ref, allowParser, allowExclude, parsers);
            }
        }
        return b.stdoutParser == null && b.stderrParser == null && b.stdoutExclude == null && b.stderrExclude == null
                ? NONE : new KubeProps(b.stdoutParser, b.stderrParser, Boolean.TRUE.equals(b.stdoutExclude),
                Boolean.TRUE.equals(b.stderrExclude));
    }

    /**
     * Whether a record of {@code stream} ({@code stdout}, {@code stderr}, anything else or null) is dropped:
     * one of another stream or none only when both streams are excluded.
     */
    boolean excludes(String stream) {
        if ("stdout".equals(stream)) {
            return stdoutExclude;
        }
        if ("stderr".equals(stream)) {
            return stderrExclude;
        }
        return stdoutExclude && stderrExclude;
    }

    /** The parser for a record of {@code stream}: for another stream or none, the one both streams share. */
    Parser parser(String stream) {
        if ("stdout".equals(stream)) {
            return stdoutParser;
        }
        if ("stderr".equals(stream)) {
            return stderrParser;
        }
        return stdoutParser == stderrParser ? stdoutParser : null;
    }

    private static final class Builder {
        Parser stdoutParser;
        Parser stderrParser;
        Boolean stdoutExclude;
        Boolean stderrExclude;
        boolean stdoutParserSet;
        boolean stderrParserSet;

        void set(String prop, String value, KubeTagParser.PodRef ref, boolean allowParser, boolean allowExclude,
                 Function<String, Parser> parsers) {
            String pod = "ns=" + ref.namespace() + " pod=" + ref.pod();
            boolean parser;
            String rest;
            if (prop.startsWith("parser")) {
                parser = true;
                rest = prop.substring("parser".length());
            } else if (prop.startsWith("exclude")) {
                parser = false;
                rest = prop.substring("exclude".length());
            } else {
                LOG.warn("Unknown pod annotation; it has no effect. annotation={}{} {}", PREFIX, prop, pod);
                return;
            }
            boolean stdout = true;
            boolean stderr = true;
            if (rest.startsWith("_stdout")) {
                stderr = false;
                rest = rest.substring("_stdout".length());
            } else if (rest.startsWith("_stderr")) {
                stdout = false;
                rest = rest.substring("_stderr".length());
            } else if (rest.startsWith("_")) {
                LOG.warn("Invalid stream in pod annotation; it has no effect. annotation={}{} {}", PREFIX, prop, pod);
                return;
            }
            String container = null;
            if (rest.startsWith("-")) {
                container = rest.substring(1);
                rest = "";
                if (container.isEmpty()) {
                    LOG.warn("Invalid container in pod annotation; it has no effect. annotation={}{} {}", PREFIX, prop, pod);
                    return;
                }
            }
            if (!rest.isEmpty()) {
                LOG.warn("Invalid pod annotation; it has no effect. annotation={}{} {}", PREFIX, prop, pod);
                return;
            }
            if (container != null && !container.equals(ref.container())) {
                return;
            }
            boolean specific = container != null;
            if (parser) {
                if (!allowParser) {
                    LOG.warn("Pod annotation not allowed (K8S-Logging.Parser is Off); it has no effect. "
                            + "annotation={}parser {}", PREFIX, pod);
                    return;
                }
                Parser p = parsers.apply(value);
                if (p == null) {
                    LOG.warn("The parser a pod annotation names does not exist; it has no effect. annotation={}{} "
                            + "parser={} {} container={}", PREFIX, prop, value, pod, ref.container());
                    return;
                }
                if (stdout && (specific || !stdoutParserSet)) {
                    stdoutParser = p;
                    stdoutParserSet = true;
                }
                if (stderr && (specific || !stderrParserSet)) {
                    stderrParser = p;
                    stderrParserSet = true;
                }
            } else {
                if (!allowExclude) {
                    LOG.warn("Pod annotation not allowed (K8S-Logging.Exclude is Off); it has no effect. "
                            + "annotation={}exclude {}", PREFIX, pod);
                    return;
                }
                boolean exclude = Boolean.TRUE.equals(OptionType.parseBool(value));
                if (stdout && (specific || stdoutExclude == null)) {
                    stdoutExclude = exclude;
                }
                if (stderr && (specific || stderrExclude == null)) {
                    stderrExclude = exclude;
                }
            }
        }
    }
}
