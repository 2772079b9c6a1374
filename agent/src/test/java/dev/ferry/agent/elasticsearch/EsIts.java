package dev.ferry.agent.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shared pieces of the es ITs: the ferry configuration, polling, and the exactly-once assertion. */
public final class EsIts {

    static final String HOSTNAME = "it-node-3";
    static final String CLUSTER = "erlmcp-it";

    private EsIts() {
    }

    /**
     * The configuration under test: tail (JSON lines, from the head, with a DB) -> modify (host, cluster)
     * -> es with basic auth, the password from {@code ES_PASSWORD} in the environment.
     *
     * @param tailExtra more {@code [INPUT]} lines, e.g. {@code "    Exit_On_Eof On\n"}
     * @param esExtra more {@code [OUTPUT]} lines
     */
    static String config(Path logs, Path db, Path deadLetters, ElasticsearchNode es, String index, String tailExtra,
            String esExtra) {
        return "[SERVICE]\n"
                + "    Flush        1\n"
                + "    Grace        10\n"
                + "    Log_Level    info\n"
                + "\n[INPUT]\n"
                + "    Name             tail\n"
                + "    Path             " + logs + "/*.log\n"
                + "    Tag              erlmcp.app\n"
                + "    Read_from_Head   On\n"
                + "    DB               " + db + "\n"
                + "    DB.sync          full\n"
                + "    Parser           json\n"
                + "    Refresh_Interval 1\n"
                + tailExtra
                + "\n[FILTER]\n"
                + "    Name   modify\n"
                + "    Match  *\n"
                + "    Add    host ${HOSTNAME}\n"
                + "    Add    cluster " + CLUSTER + "\n"
                + "\n[OUTPUT]\n"
                + "    Name               es\n"
                + "    Match              *\n"
                + "    Host               127.0.0.1\n"
                + "    Port               " + es.port() + "\n"
                + "    HTTP_User          " + ElasticsearchNode.USER + "\n"
                + "    HTTP_Passwd        ${ES_PASSWORD}\n"
                + "    Index              " + index + "\n"
                + "    Retry_Limit        False\n"
                + "    dead_letter.path   " + deadLetters + "\n"
                + esExtra;
    }

    /** The child's environment: the host name the modify filter adds and the password. */
    static Map<String, String> env(String password) {
        Map<String, String> env = new HashMap<>();
        env.put("HOSTNAME", HOSTNAME);
        env.put("ES_PASSWORD", password);
        return env;
    }

    /**
     * Asserts that {@code seqs} (one per document) hold every value of {@code expected} exactly once and
     * nothing else, naming the first duplicates, missing and unexpected values.
     */
    public static void assertExactlyOnce(List<Long> seqs, Collection<Long> expected) {
        Map<Long, Integer> seen = new HashMap<>();
        for (Long s : seqs) {
            seen.merge(s, 1, Integer::sum);
        }
        List<Long> twice = new ArrayList<>();
        seen.forEach((s, n) -> {
            if (n > 1) {
                twice.add(s);
            }
        });
        TreeSet<Long> missing = new TreeSet<>(expected);
        missing.removeAll(seen.keySet());
        TreeSet<Long> unexpected = new TreeSet<>(seen.keySet());
        unexpected.removeAll(expected);
        assertThat(twice).as("seq values indexed more than once (%d)", twice.size()).isEmpty();
        assertThat(missing).as("seq values missing (%d)", missing.size()).isEmpty();
        assertThat(unexpected).as("seq values not written (%d)", unexpected.size()).isEmpty();
        assertThat(seqs).hasSameSizeAs(expected);
    }

    public static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    /**
     * A counter of the es output's closing line ({@code Elasticsearch output closed. output=es.0
     * delivered=... retried=...}), or -1 if there is none.
     */
    static long closedCounter(String stderr, String key) {
        Matcher line = Pattern.compile("Elasticsearch output closed\\..*").matcher(stderr);
        long value = -1;
        while (line.find()) { // the last one: a restarted ferry appends to another file anyway
            Matcher m = Pattern.compile("\\b" + Pattern.quote(key) + "=(\\d+)").matcher(line.group());
            if (m.find()) {
                value = Long.parseLong(m.group(1));
            }
        }
        return value;
    }

}
