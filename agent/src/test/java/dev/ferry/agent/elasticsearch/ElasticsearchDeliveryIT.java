package dev.ferry.agent.elasticsearch;

import static dev.ferry.agent.FerryProcess.await;
import static dev.ferry.agent.elasticsearch.EsIts.assertExactlyOnce;
import static dev.ferry.agent.elasticsearch.EsIts.closedCounter;
import static dev.ferry.agent.elasticsearch.EsIts.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.ErlmcpLogWriter;
import dev.ferry.agent.FerryProcess;
import dev.ferry.pipeline.record.JsonValues;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The es output of the real {@code ferry.jar} against a real Elasticsearch 8.19 with security on
 * ({@link ElasticsearchNode}): tail (JSON lines, DB) -> modify (host, cluster) -> es (basic auth,
 * {@code Retry_Limit False}). Each test writes numbered erlmcp lines to a fresh folder and a fresh
 * index, and asserts the outcome exactly by {@code fields.seq}: how many documents, none twice, none
 * missing — through a normal run, an Elasticsearch outage, a SIGKILL of ferry, 429 back-pressure and
 * mapping rejections.
 */
@ExtendWith(ElasticsearchExtension.class)
class ElasticsearchDeliveryIT {

    private final ElasticsearchNode es;
    @TempDir
    Path dir;
    private Path logs;
    private String index;

    ElasticsearchDeliveryIT(ElasticsearchNode es) {
        this.es = es;
    }

    @BeforeEach
    void freshIndex(TestInfo test) throws Exception {
        // A fresh index per test, named after it.
        index = "ferry-it-" + test.getTestMethod().orElseThrow().getName().toLowerCase(java.util.Locale.ROOT);
        es.deleteIndex(index);
    }

    @AfterEach
    void deleteIndex() throws Exception {
        if (!es.isRunning()) {
            es.start(); // a failed outage test must not take the node from the others
        }
        es.deleteIndex(index);
    }

    private Path logs() throws Exception {
        if (logs == null) {
            logs = Files.createDirectories(dir.resolve("logs"));
        }
        return logs;
    }

    private FerryProcess ferry(String tailExtra, String esExtra) throws Exception {
        Path conf = dir.resolve("fluent-bit.conf");
        Files.writeString(conf, EsIts.config(logs(), dir.resolve("ferry.db"), dir.resolve("dead-letter"), es, index,
                tailExtra, esExtra));
        return FerryProcess.start(dir, EsIts.env(es.password()), "-c", conf.toString());
    }

    private void awaitCount(long n, Duration timeout, FerryProcess ferry) throws Exception {
        await(timeout, () -> es.count(index) == n,
                () -> "count " + es.count(index) + " != " + n + "; ferry stderr:\n" + FerryProcess.tail(ferry.stderrText()));
    }

    @Test
    void normalRun() throws Exception {
        ErlmcpLogWriter.append(logs().resolve("application.log"), 0, 20_000);

        try (FerryProcess ferry = ferry("    Exit_On_Eof On\n", "")) {
            assertThat(ferry.waitFor(Duration.ofSeconds(120))).as(ferry.stderrText()).isZero();
            String err = ferry.stderrText();
            assertThat(es.count(index)).isEqualTo(20_000);
            assertExactlyOnce(es.seqValues(index), range(0, 20_000));
            assertThat(es.count(index, "{\"bool\":{\"filter\":[{\"term\":{\"host.keyword\":\"" + EsIts.HOSTNAME + "\"}},"
                    + "{\"term\":{\"cluster.keyword\":\"" + EsIts.CLUSTER + "\"}}]}}")).isEqualTo(20_000);
            assertThat(closedCounter(err, "delivered")).as(err).isEqualTo(20_000);
            assertThat(closedCounter(err, "dead_lettered")).isZero();
            assertThat(err).contains("ferry stopped.").doesNotContain(es.password());
            assertThat(dir.resolve("dead-letter")).doesNotExist();
        }
    }

    /**
     * Bulk requests by the flush interval ({@code [SERVICE] Flush 1}): lines that trickle in, 40 a second for 5 s,
     * go in about one bulk request a second, as Elasticsearch itself counts them (the index's bulk stats: one
     * shard-level bulk operation per request that reaches its one shard). When every read of the file was sent at
     * once, they made about one request per line. And the interval does not hold up the end of a run: with
     * {@code Exit_On_Eof} and {@code Flush 60}, ferry exits as soon as everything is delivered.
     */
    @Test
    void linesThatTrickleInGoInOneBulkRequestPerFlushInterval() throws Exception {
        Path app = logs().resolve("application.log");
        ErlmcpLogWriter.append(app, 0, 1);
        try (FerryProcess ferry = ferry("", "")) {
            awaitCount(1, Duration.ofSeconds(60), ferry);
            long before = bulkOperations();
            for (int seq = 1; seq <= 200; seq++) {
                ErlmcpLogWriter.append(app, seq, 1);
                Thread.sleep(25);
            }
            awaitCount(201, Duration.ofSeconds(30), ferry);
            assertThat(bulkOperations() - before).as("bulk requests for 200 lines over 5 s").isBetween(3L, 9L);
            assertExactlyOnce(es.seqValues(index), range(0, 201));
        }

        ErlmcpLogWriter.append(app, 201, 100);
        Path conf = dir.resolve("fluent-bit.conf");
        Files.writeString(conf, EsIts.config(logs(), dir.resolve("ferry.db"), dir.resolve("dead-letter"), es, index,
                "    Exit_On_Eof On\n", "").replace("    Flush        1\n", "    Flush        60\n"));
        long start = System.nanoTime();
        try (FerryProcess ferry = FerryProcess.start(dir, EsIts.env(es.password()), "-c", conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(120))).as(ferry.stderrText()).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("run time with Flush 60")
                    .isLessThan(Duration.ofSeconds(30));
            assertExactlyOnce(es.seqValues(index), range(0, 301));
            assertThat(ferry.stderrText()).contains("documents_written=0");
        }
    }

    /**
     * At a stop, an output holding records for the flush interval sends them at once, also while the agent is still
     * waiting for another output: here an unreachable es output listed first, whose drain takes all of Grace (5 s).
     * With {@code Flush 30}, the real node's output would otherwise hold the 100 lines until its own turn came, with
     * Grace spent: they were sent in the second its consumer is given to close, or left in the spool for the next
     * start if that second was not enough.
     */
    @Test
    void aStopSendsHeldRecordsWhileAnotherOutputIsStillDraining() throws Exception {
        ErlmcpLogWriter.append(logs().resolve("application.log"), 0, 100);
        Path conf = dir.resolve("fluent-bit.conf");
        String config = EsIts.config(logs(), dir.resolve("ferry.db"), dir.resolve("dead-letter"), es, index, "", "")
                .replace("    Flush        1\n", "    Flush        30\n").replace("    Grace        10\n", "    Grace        5\n");
        int output = config.indexOf("[OUTPUT]");
        Files.writeString(conf, config.substring(0, output) + FerryProcess.unreachableEsOutput("dead") + "\n"
                + config.substring(output));
        try (FerryProcess ferry = FerryProcess.start(dir, EsIts.env(es.password()), "-c", conf.toString())) {
            ferry.awaitLog("Reading file.", Duration.ofSeconds(30));
            Thread.sleep(2_000); // both outputs have caught up with the spool and hold the 100 lines (Flush 30)
            assertThat(es.count(index)).as("held for Flush").isZero();
            ferry.requestStop();
            awaitCount(100, Duration.ofSeconds(3), ferry);
            assertThat(ferry.isAlive()).as("still draining the unreachable output").isTrue();
            assertThat(ferry.waitFor(Duration.ofSeconds(30))).isEqualTo(1); // the dead output's records wait
            assertExactlyOnce(es.seqValues(index), range(0, 100));
        }
    }

    /** The bulk operations the index's one shard has taken, as Elasticsearch counts them. */
    private long bulkOperations() throws Exception {
        Map<?, ?> all = (Map<?, ?>) es.request("GET", "/" + index + "/_stats/bulk", null).expect(200).json().get("_all");
        Map<?, ?> bulk = (Map<?, ?>) ((Map<?, ?>) all.get("primaries")).get("bulk");
        return ((Number) bulk.get("total_operations")).longValue();
    }

    @Test
    void elasticsearchStoppedForThirtySecondsInTheMiddle() throws Exception {
        ErlmcpLogWriter.append(logs().resolve("application.log"), 0, 10_000);

        try (FerryProcess ferry = ferry("", "")) {
            awaitCount(10_000, Duration.ofSeconds(60), ferry);
            // The second half is written as the node goes down: bulks in flight fail or half-succeed.
            ErlmcpLogWriter.append(logs.resolve("application.log"), 10_000, 10_000);
            long down = System.nanoTime();
            es.stop();
            ferry.awaitLog("Elasticsearch cannot be reached; retrying.", Duration.ofSeconds(25));
            long left = Duration.ofSeconds(30).toNanos() - (System.nanoTime() - down);
            if (left > 0) {
                Thread.sleep(left / 1_000_000); // the outage itself, on purpose
            }
            es.start();
            long up = System.nanoTime();
            // Ferry's backoff is capped at 60 s: it may wait that long before it tries again.
            awaitCount(20_000, Duration.ofSeconds(90), ferry);
            System.out.printf("outage: node down for %d s (stop, wait, start), all 20000 indexed %d s after it was up%n",
                    (up - down) / 1_000_000_000, (System.nanoTime() - up) / 1_000_000_000);
            assertThat(ferry.terminate(Duration.ofSeconds(30))).as(ferry.stderrText()).isZero();
            assertExactlyOnce(es.seqValues(index), range(0, 20_000));
            String err = ferry.stderrText();
            assertThat(closedCounter(err, "failed_requests")).as(err).isPositive();
            assertThat(closedCounter(err, "dead_lettered")).isZero();
        }
    }

    @Test
    void ferryKilledInTheMiddleAndRestartedOnTheSameDb() throws Exception {
        int n = 40_000;
        ErlmcpLogWriter.append(logs().resolve("application.log"), 0, n);

        long atKill;
        try (FerryProcess first = ferry("    Exit_On_Eof On\n", "")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((atKill = es.count(index)) == 0) { // no sleep: kill as soon as documents arrive
                assertThat(System.nanoTime()).as("no document within 60 s: %s", first.stderrText()).isLessThan(deadline);
                assertThat(first.isAlive()).as("ferry ended before the kill: %s", first.stderrText()).isTrue();
            }
            first.kill();
            assertThat(first.stderrText()).doesNotContain("ferry stopped.");
        }
        atKill = es.count(index);
        assertThat(atKill).as("documents when ferry was killed").isBetween(1L, n - 1L);

        try (FerryProcess second = ferry("    Exit_On_Eof On\n", "")) {
            assertThat(second.waitFor(Duration.ofSeconds(120))).as(second.stderrText()).isZero();
            String err = second.stderrText();
            assertExactlyOnce(es.seqValues(index), range(0, n));
            // What the second run sent again was already there (same ids): counted, not indexed twice.
            long delivered = closedCounter(err, "delivered");
            assertThat(delivered).as(err).isGreaterThanOrEqualTo(n - atKill);
            System.out.printf("sigkill: documents at kill=%d, second run %s%n", atKill,
                    err.lines().filter(l -> l.contains("Elasticsearch output closed.")).findFirst().orElse("?"));
        }
    }

    /**
     * (f) Spool full: with the disk spool on and a 2 MiB {@code storage.total_limit_size} (the first 1,000
     * lines, about 0.5 MB, cannot fill it), Elasticsearch is stopped while 20,000 more lines (about 8.5 MB)
     * are written. The spool fills, ferry says the inputs are paused (the log files are the buffer), and
     * once the node is back every line arrives exactly once and ferry's summary counts every line read,
     * spooled and delivered: nothing dropped.
     */
    @Test
    void spoolFullPausesTheInputsAndNothingIsLost() throws Exception {
        Path spool = dir.resolve("spool");
        String service = "    storage.path       " + spool + "\n";
        ErlmcpLogWriter.append(logs().resolve("application.log"), 0, 1_000);
        Path conf = dir.resolve("fluent-bit.conf");
        Files.writeString(conf, EsIts.config(logs, dir.resolve("ferry.db"), dir.resolve("dead-letter"), es, index, "", 
                "    storage.total_limit_size 2MiB\n").replace("[SERVICE]\n", "[SERVICE]\n" + service));

        try (FerryProcess ferry = FerryProcess.start(dir, EsIts.env(es.password()), "-c", conf.toString())) {
            awaitCount(1_000, Duration.ofSeconds(60), ferry);
            assertThat(ferry.stderrText()).doesNotContain("The spool is full");
            es.stop();
            ErlmcpLogWriter.append(logs.resolve("application.log"), 1_000, 20_000);
            ferry.awaitLog("The spool is full; the inputs are paused until the outputs catch up.", Duration.ofSeconds(60));
            ferry.awaitLog("Elasticsearch cannot be reached; retrying.", Duration.ofSeconds(30));
            es.start();
            // Ferry's backoff is capped at 60 s: it may wait that long before it tries again.
            awaitCount(21_000, Duration.ofSeconds(150), ferry);
            ferry.awaitLog("The spool has room again; the inputs resume.", Duration.ofSeconds(30));
            assertThat(ferry.terminate(Duration.ofSeconds(30))).as(ferry.stderrText()).isZero();
            String err = ferry.stderrText();
            assertExactlyOnce(es.seqValues(index), range(0, 21_000));
            assertThat(closedCounter(err, "delivered")).as(err).isEqualTo(21_000);
            assertThat(closedCounter(err, "dead_lettered")).isZero();
            assertThat(err).contains("ferry stopped. records_in=21000 spooled=21000 delivered=21000 dead_lettered=0 ")
                    .contains("drained=true");
            System.out.printf("spool full: %s%n", err.lines().filter(l -> l.contains("The spool has room again"))
                    .findFirst().orElse("?"));
        }
    }

    @Test
    void backPressure429IsRetriedUntilEverythingIsIndexed() throws Exception {
        // Lines of about 3.5 KB, so that one ring batch (up to 4096 records) fills several 6 MiB bulks,
        // which the four workers send at once: any two together pass the node's 8 MB indexing pressure
        // limit, and Elasticsearch answers the whole request 429 es_rejected_execution_exception.
        int n = 12_000;
        String detail = ",\"detail\":\"" + "lorem ipsum dolor sit amet ".repeat(115) + "\"";
        Random rnd = new Random(5);
        try (BufferedWriter w = Files.newBufferedWriter(logs().resolve("application.log"), StandardCharsets.UTF_8)) {
            for (long i = 0; i < n; i++) {
                w.write(ErlmcpLogWriter.line(i, rnd).replaceFirst("\"logger\":\"erlmcp\"", "$0" + detail));
                w.write('\n');
            }
        }

        try (FerryProcess ferry = ferry("    Exit_On_Eof On\n", "    Workers            4\n    bulk_max_size      6MiB\n")) {
            assertThat(ferry.waitFor(Duration.ofSeconds(150))).as(ferry.stderrText()).isZero();
            String err = ferry.stderrText();
            assertExactlyOnce(es.seqValues(index), range(0, n));
            assertThat(err).contains("Elasticsearch refused a bulk request; retrying.").contains("status=429")
                    .contains("es_rejected_execution_exception");
            assertThat(closedCounter(err, "failed_requests")).as(err).isPositive();
            assertThat(closedCounter(err, "delivered")).isEqualTo(n);
            assertThat(closedCounter(err, "dead_lettered")).isZero();
            System.out.printf("429: %s%n", err.lines().filter(l -> l.contains("Elasticsearch output closed.")).findFirst().orElse("?"));
        }
    }

    /** Sequence numbers of the lines {@link #writeLinesSomeFailingTheMapping} made fail the mapping, and of the rest. */
    private record MappingSplit(List<Long> good, List<Long> bad) {
    }

    /**
     * Creates the index with {@code fields.status} an integer and writes {@code n} lines, every tenth
     * (seq % 10 == 3) with {@code "status":"abc"}, which Elasticsearch refuses per item with a 400.
     */
    private MappingSplit writeLinesSomeFailingTheMapping(int n) throws Exception {
        es.createIndex(index, "{\"properties\":{\"fields\":{\"properties\":{\"status\":{\"type\":\"integer\"}}}}}");
        List<Long> good = new ArrayList<>();
        List<Long> bad = new ArrayList<>();
        Random rnd = new Random(11);
        try (BufferedWriter w = Files.newBufferedWriter(logs().resolve("application.log"), StandardCharsets.UTF_8)) {
            for (long i = 0; i < n; i++) {
                String line = ErlmcpLogWriter.line(i, rnd);
                if (i % 10 == 3) {
                    line = line.replaceFirst("\"status\":\\d+", "\"status\":\"abc\"");
                    bad.add(i);
                } else {
                    good.add(i);
                }
                w.write(line);
                w.write('\n');
            }
        }
        return new MappingSplit(good, bad);
    }

    /**
     * (e) Mapping rejections: every other document arrives once; the rejected ones are in the dead-letter
     * file with Elasticsearch's reason and, with {@code dead_letter.index}, in that index too: exactly the
     * rejected documents, each once, with its target index, status, reason and the record as sent.
     */
    @Test
    void documentsThatFailTheMappingGoToTheDeadLetterFileAndIndexWithTheReason() throws Exception {
        MappingSplit split = writeLinesSomeFailingTheMapping(2_000);
        List<Long> good = split.good();
        List<Long> bad = split.bad();
        String deadLetterIndex = index + "-dead-letters";
        es.deleteIndex(deadLetterIndex);

        try (FerryProcess ferry = ferry("    Exit_On_Eof On\n", "    dead_letter.index  " + deadLetterIndex + "\n")) {
            assertThat(ferry.waitFor(Duration.ofSeconds(120))).as(ferry.stderrText()).isZero();
            String err = ferry.stderrText();
            assertThat(es.count(index)).isEqualTo(good.size());
            assertExactlyOnce(es.seqValues(index), good);
            assertThat(closedCounter(err, "delivered")).as(err).isEqualTo(good.size());
            assertThat(closedCounter(err, "dead_lettered")).isEqualTo(bad.size());
            assertThat(err).contains("Records were written to the dead-letter file instead of Elasticsearch.")
                    .contains("Elasticsearch dead-letter index closed. output=es.0 index=" + deadLetterIndex + " indexed="
                            + bad.size() + " failed=0");

            Path file = dir.resolve("dead-letter/es.0.ndjson");
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            assertThat(lines).hasSize(bad.size());
            List<Long> deadSeqs = new ArrayList<>();
            for (String line : lines) {
                @SuppressWarnings("unchecked")
                Map<String, Object> letter = (Map<String, Object>) JsonValues.parse(line);
                @SuppressWarnings("unchecked")
                Map<String, Object> record = (Map<String, Object>) letter.get("record");
                deadSeqs.add(assertRejectedForTheMapping(letter, record));
            }
            assertExactlyOnce(deadSeqs, bad);

            List<Long> indexedSeqs = new ArrayList<>();
            for (Map<String, Object> hit : es.documents(deadLetterIndex)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> letter = (Map<String, Object>) hit.get("_source");
                assertThat(letter.get("record")).isInstanceOf(String.class);
                @SuppressWarnings("unchecked")
                Map<String, Object> record = (Map<String, Object>) JsonValues.parse((String) letter.get("record"));
                indexedSeqs.add(assertRejectedForTheMapping(letter, record));
                assertThat(hit.get("_id")).as("the id the document itself had")
                        .isEqualTo(letter.get("origin") + ":" + letter.get("offset") + ":" + letter.get("line_hash"));
            }
            assertExactlyOnce(indexedSeqs, bad);
        } finally {
            es.deleteIndex(deadLetterIndex);
        }
    }

    /** Asserts one dead letter (file line or index document) and returns the seq of its record. */
    private long assertRejectedForTheMapping(Map<String, Object> letter, Map<String, Object> record) {
        assertThat(letter).containsEntry("tag", "erlmcp.app").containsEntry("target", index);
        assertThat(((Number) letter.get("status")).intValue()).isEqualTo(400);
        assertThat((String) letter.get("reason")).startsWith("HTTP 400 document_parsing_exception: ")
                .contains("failed to parse field [fields.status] of type [integer]");
        assertThat((String) letter.get("origin")).isNotBlank();
        assertThat((String) letter.get("line_hash")).matches("[0-9a-f]{8}");
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) record.get("fields");
        assertThat(fields).containsEntry("status", "abc");
        assertThat(record).containsEntry("host", EsIts.HOSTNAME);
        return ((Number) fields.get("seq")).longValue();
    }

    /**
     * (e) A record whose {@code Id_Key} value is longer than Elasticsearch's 512-byte limit makes Elasticsearch
     * refuse the whole bulk request (400 action_request_validation_exception, not an item error). ferry halves
     * the request down to that record: it goes to the dead-letter file with Elasticsearch's reason, and every
     * other record arrives once.
     */
    @Test
    void anIdOverElasticsearchsLimitIsDeadLetteredAndEveryOtherRecordArrives() throws Exception {
        List<Long> good = new ArrayList<>();
        List<Long> bad = new ArrayList<>();
        Random rnd = new Random(5);
        try (BufferedWriter w = Files.newBufferedWriter(logs().resolve("application.log"), StandardCharsets.UTF_8)) {
            for (long i = 0; i < 1_000; i++) {
                String id = i % 100 == 7 ? "x".repeat(590) + "-" + i : "doc-" + i;
                (i % 100 == 7 ? bad : good).add(i);
                w.write("{\"doc_id\":\"" + id + "\"," + ErlmcpLogWriter.line(i, rnd).substring(1));
                w.write('\n');
            }
        }

        try (FerryProcess ferry = ferry("    Exit_On_Eof On\n", "    Id_Key  doc_id\n")) {
            assertThat(ferry.waitFor(Duration.ofSeconds(120))).as(ferry.stderrText()).isZero();
            String err = ferry.stderrText();
            assertThat(es.count(index)).isEqualTo(good.size());
            assertExactlyOnce(es.seqValues(index), good);
            assertThat(closedCounter(err, "dead_lettered")).as(err).isEqualTo(bad.size());
            assertThat(err).contains("ferry stopped. records_in=1000 spooled=1000 delivered=" + good.size() + " dead_lettered="
                    + bad.size() + " ");
            assertThat(err).contains("Elasticsearch refused a bulk request for one of its records (HTTP 400); sending it "
                    + "in two halves, down to that record, which goes to the dead-letter file. output=es.0 records=");
            List<Long> deadSeqs = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("dead-letter/es.0.ndjson"), StandardCharsets.UTF_8)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> letter = (Map<String, Object>) JsonValues.parse(line);
                assertThat(((Number) letter.get("status")).intValue()).isEqualTo(400);
                assertThat((String) letter.get("reason")).startsWith("HTTP 400 action_request_validation_exception: "
                        + "Validation Failed: 1: id [xxx")
                        .containsPattern("-" + "\\d+\\] is too long, must be no longer than 512 bytes but was: 59[24];$");
                @SuppressWarnings("unchecked")
                Map<String, Object> record = (Map<String, Object>) letter.get("record");
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) record.get("fields");
                deadSeqs.add(((Number) fields.get("seq")).longValue());
            }
            assertExactlyOnce(deadSeqs, bad);
        }
    }

    /**
     * (e) When the dead-letter index refuses the letters (here: a write block on it), they stay in the
     * dead-letter file, the refusal is counted and logged, and delivery to the data index goes on.
     */
    @Test
    void deadLettersTheDeadLetterIndexRefusesStayInTheFileAndAreCounted() throws Exception {
        MappingSplit split = writeLinesSomeFailingTheMapping(500);
        String deadLetterIndex = index + "-dead-letters";
        es.deleteIndex(deadLetterIndex);
        es.request("PUT", "/" + deadLetterIndex, "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0,"
                + "\"index.blocks.write\":true}}").expect(200);

        try (FerryProcess ferry = ferry("    Exit_On_Eof On\n", "    dead_letter.index  " + deadLetterIndex + "\n")) {
            assertThat(ferry.waitFor(Duration.ofSeconds(120))).as(ferry.stderrText()).isZero();
            String err = ferry.stderrText();
            assertExactlyOnce(es.seqValues(index), split.good());
            assertThat(closedCounter(err, "dead_lettered")).as(err).isEqualTo(split.bad().size());
            assertThat(err).contains("Cannot index dead letters into the dead-letter index; they are in the dead-letter "
                    + "file only. output=es.0 index=" + deadLetterIndex)
                    .contains("cluster_block_exception")
                    .contains("Elasticsearch dead-letter index closed. output=es.0 index=" + deadLetterIndex
                            + " indexed=0 failed=" + split.bad().size());
            assertThat(Files.readAllLines(dir.resolve("dead-letter/es.0.ndjson"))).hasSize(split.bad().size());
            assertThat(es.count(deadLetterIndex)).isZero();
        } finally {
            es.request("PUT", "/" + deadLetterIndex + "/_settings", "{\"index.blocks.write\":false}");
            es.deleteIndex(deadLetterIndex);
        }
    }

    /**
     * An index that does not exist where the cluster does not create indices on demand
     * ({@code action.auto_create_index false}, as clusters with managed templates set it): Elasticsearch takes
     * the bulk request and refuses each item with 404 index_not_found_exception. That is the cluster's
     * configuration, fixed by its operator like a wrong password, so ferry retries (Retry_Limit False)
     * instead of dead-lettering every record; once the index is created, every line arrives once and
     * nothing is dead-lettered. (The item-level 403 security_exception of a role without the index's
     * privilege is treated alike; it cannot be made here: the integ-test zip has no analysis-common module,
     * so the security index that native roles and users live in cannot be created.)
     */
    @Test
    void itemsRefusedForAMissingIndexAreRetriedUntilTheIndexExists() throws Exception {
        es.request("PUT", "/_cluster/settings", "{\"persistent\":{\"action.auto_create_index\":\"false\"}}").expect(200);
        try {
            int n = 2_000;
            ErlmcpLogWriter.append(logs().resolve("application.log"), 0, n);
            try (FerryProcess ferry = ferry("    Exit_On_Eof On\n", "")) {
                ferry.awaitLog("Elasticsearch refused documents for a reason that may pass; retrying them. output=es.0 ",
                        Duration.ofSeconds(60));
                assertThat(ferry.stderrText()).contains(" error=HTTP 404 index_not_found_exception: no such index [" + index
                        + "] and [action.auto_create_index] is [false]");
                Thread.sleep(3_000); // a few rounds of retries
                assertThat(es.exists(index)).isFalse();
                assertThat(dir.resolve("dead-letter")).doesNotExist();
                es.createIndex(index, null);

                assertThat(ferry.waitFor(Duration.ofSeconds(120))).as(ferry.stderrText()).isZero();
                String err = ferry.stderrText();
                assertExactlyOnce(es.seqValues(index), range(0, n));
                assertThat(closedCounter(err, "delivered")).as(err).isEqualTo(n);
                assertThat(closedCounter(err, "dead_lettered")).isZero();
                assertThat(dir.resolve("dead-letter")).doesNotExist();
            }
        } finally {
            es.request("PUT", "/_cluster/settings", "{\"persistent\":{\"action.auto_create_index\":null}}").expect(200);
        }
    }

    @Test
    void aWrongPasswordIsReportedWithTheUserAndNeverThePassword() throws Exception {
        String wrong = "Wr0ng-fe77y-pass";
        ErlmcpLogWriter.append(logs().resolve("application.log"), 0, 100);
        Path conf = dir.resolve("fluent-bit.conf");
        Files.writeString(conf, EsIts.config(logs, dir.resolve("ferry.db"), dir.resolve("dead-letter"), es, index,
                "    Exit_On_Eof On\n", ""));

        try (FerryProcess ferry = FerryProcess.start(dir, EsIts.env(wrong), "-c", conf.toString())) {
            ferry.awaitLog("Elasticsearch authentication failed for user elastic (HTTP 401)", Duration.ofSeconds(30));
            assertThat(es.exists(index)).isFalse();
            // With Retry_Limit False the 401 is retried until ferry is stopped; then nothing is acknowledged
            // (the lines are read again at the next start, with the right password) and the exit is 1.
            int exit = ferry.terminate(Duration.ofSeconds(30));
            String err = ferry.stderrText();
            assertThat(exit).as(err).isEqualTo(1);
            assertThat(err).contains("drained=false");
            assertThat(closedCounter(err, "delivered")).isZero();
            assertThat(ferry.stdoutText() + err).doesNotContain(wrong).doesNotContain(es.password());
            assertThat(es.exists(index)).isFalse();
            assertThat(dir.resolve("dead-letter")).doesNotExist(); // not given up on: retried until stopped
        }
    }

    /**
     * (f) {@code Generate_ID On} (as conf/fluent-bit.conf sets it) with a parser that takes the time out of the
     * line: the same message logged at 50 different seconds is 50 documents, because the id hashes the document
     * with its {@code @timestamp}, as Fluent Bit's does (es.c); before, the 49 repeats got the first one's id and
     * were answered 409, counted as already there. {@code Index} is a strftime pattern of the record's time.
     */
    @Test
    void twoFilesThatBeginWithTheSameLineKeepEveryLineApart() throws Exception {
        // Both files begin with the same line, so they have the same origin id (the fingerprint of the first
        // line), and their other lines are as long, so every line of one has a line of the other at its offset.
        // Before document ids carried the line hash, the second of each pair was answered 409 and counted as
        // already delivered: 1,001 documents instead of 2,001. Only the first line, the same bytes at the same
        // place in data that names itself the same, is one document.
        String first = "{\"timestamp\":\"2024-01-01T10:00:00.000Z\",\"level\":\"notice\",\"message\":\"node started\",\"fields\":{\"seq\":0}}\n";
        for (String name : List.of("a.log", "b.log")) {
            long base = name.equals("a.log") ? 100_000 : 200_000;
            try (BufferedWriter w = Files.newBufferedWriter(logs().resolve(name), StandardCharsets.UTF_8)) {
                w.write(first);
                for (long seq = base; seq < base + 1_000; seq++) {
                    w.write("{\"timestamp\":\"2024-01-01T10:00:01.000Z\",\"level\":\"info\",\"message\":\"request\","
                            + "\"fields\":{\"seq\":" + seq + "}}\n");
                }
            }
        }
        assertThat(Files.size(logs().resolve("a.log"))).isEqualTo(Files.size(logs().resolve("b.log")));

        try (FerryProcess ferry = ferry("    Exit_On_Eof On\n", "")) {
            assertThat(ferry.waitFor(Duration.ofSeconds(120))).as(ferry.stderrText()).isZero();
            String err = ferry.stderrText();
            assertThat(es.count(index)).as(err).isEqualTo(2_001);
            List<Long> expected = new ArrayList<>(range(100_000, 101_000));
            expected.addAll(range(200_000, 201_000));
            expected.add(0L);
            assertExactlyOnce(es.seqValues(index), expected);
            assertThat(closedCounter(err, "delivered")).as(err).isEqualTo(2_002);
            assertThat(closedCounter(err, "already_present")).as(err).isEqualTo(1);
        }
    }

    @Test
    void theSameMessageAtOtherTimesIsAnotherDocumentWithGenerateId() throws Exception {
        try (BufferedWriter w = Files.newBufferedWriter(logs().resolve("application.log"), StandardCharsets.UTF_8)) {
            for (int s = 0; s < 50; s++) {
                w.write(String.format("2024-01-01T10:00:%02d health check ok%n", s));
            }
        }
        Path conf = dir.resolve("fluent-bit.conf");
        Files.writeString(conf, "[SERVICE]\n    Flush 1\n    Grace 10\n"
                + "\n[PARSER]\n    Name plain\n    Format regex\n    Regex ^(?<time>\\S+) (?<msg>.*)$\n"
                + "    Time_Key time\n    Time_Format %Y-%m-%dT%H:%M:%S\n"
                + "\n[INPUT]\n    Name tail\n    Path " + logs() + "/*.log\n    Read_from_Head On\n    Exit_On_Eof On\n"
                + "    DB " + dir.resolve("ferry.db") + "\n    Parser plain\n"
                + "\n[OUTPUT]\n    Name es\n    Match *\n    Host 127.0.0.1\n    Port " + es.port() + "\n"
                + "    HTTP_User " + ElasticsearchNode.USER + "\n    HTTP_Passwd ${ES_PASSWORD}\n"
                + "    Index " + index + "-%Y.%m\n    Generate_ID On\n    Retry_Limit False\n"
                + "    dead_letter.path " + dir.resolve("dead-letter") + "\n");
        String monthly = index + "-2024.01";
        es.deleteIndex(monthly);
        try (FerryProcess ferry = FerryProcess.start(dir, EsIts.env(es.password()), "-c", conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(120))).as(ferry.stderrText()).isZero();
            String err = ferry.stderrText();
            assertThat(es.count(monthly)).as(err).isEqualTo(50);
            assertThat(closedCounter(err, "already_present")).as(err).isZero();
            assertThat(closedCounter(err, "dead_lettered")).isZero();
        } finally {
            es.deleteIndex(monthly);
        }
    }
}
