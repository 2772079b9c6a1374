package dev.ferry.agent.elasticsearch;

import static dev.ferry.agent.elasticsearch.EsIts.assertExactlyOnce;
import static dev.ferry.agent.elasticsearch.EsIts.closedCounter;
import static dev.ferry.agent.elasticsearch.EsIts.range;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdOutputStream;
import dev.ferry.agent.ErlmcpLogWriter;
import dev.ferry.agent.FerryProcess;
import dev.ferry.agent.TarMembers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry replay} of real archives to a real Elasticsearch 8.19 ({@link ElasticsearchNode}), through
 * the real jar: a {@code .tar.zst} and a {@code .tar.gz} of rotated file families with exact counts by
 * {@code fields.seq}; the same archive replayed twice; and an archive overlapping what a live tail run
 * already shipped. Document ids are {@code origin:offset} (the origin is the fingerprint of the data's
 * first bytes, the same inside a {@code .gz} as in the plain file), so neither adds a duplicate.
 * Each test uses a fresh index and checks ferry's exit code and its replay summary.
 */
@ExtendWith(ElasticsearchExtension.class)
class ReplayToElasticsearchIT {

    /** Two rotated families: application.log (.2.gz, .1.gz, live) and error.log (.1.zst, live). */
    private static final int FAMILY_LINES = 14_000;

    private final ElasticsearchNode es;
    @TempDir
    Path dir;
    private String index;

    ReplayToElasticsearchIT(ElasticsearchNode es) {
        this.es = es;
    }

    @BeforeEach
    void freshIndex(TestInfo test) throws Exception {
        index = "ferry-it-replay-" + test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
        es.deleteIndex(index);
    }

    @AfterEach
    void deleteIndex() throws Exception {
        es.deleteIndex(index);
    }

    @Test
    void aTarZstOfRotatedFamiliesIsReplayedWithExactCounts() throws Exception {
        Path archive = archive(rotatedFamilies(), "logs.tar.zst");
        String err = replay(archive, FAMILY_LINES);
        assertThat(closedCounter(err, "delivered")).as(err).isEqualTo(FAMILY_LINES);
        assertThat(closedCounter(err, "already_present")).isZero();
        assertExactlyOnce(es.seqValues(index), range(0, FAMILY_LINES));
        assertThat(es.count(index, "{\"term\":{\"cluster.keyword\":\"" + EsIts.CLUSTER + "\"}}")).isEqualTo(FAMILY_LINES);
    }

    @Test
    void aTarGzReplayedTwiceAddsNoDuplicate() throws Exception {
        Path archive = archive(rotatedFamilies(), "logs.tar.gz");
        String first = replay(archive, FAMILY_LINES);
        assertThat(closedCounter(first, "already_present")).as(first).isZero();
        assertExactlyOnce(es.seqValues(index), range(0, FAMILY_LINES));

        String second = replay(archive, FAMILY_LINES);
        // Every document of the second replay has an id Elasticsearch already holds: 409, counted, not indexed.
        assertThat(closedCounter(second, "already_present")).as(second).isEqualTo(FAMILY_LINES);
        assertThat(closedCounter(second, "dead_lettered")).isZero();
        assertExactlyOnce(es.seqValues(index), range(0, FAMILY_LINES));
    }

    @Test
    void anArchiveOverlappingALiveRunAddsOnlyWhatWasMissing() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("live"));
        Path log = logs.resolve("application.log");
        ErlmcpLogWriter.append(log, 0, 6_000);
        Path conf = config(logs);
        try (FerryProcess live = FerryProcess.start(dir, EsIts.env(es.password()), "-c", conf.toString())) {
            assertThat(live.waitFor(Duration.ofSeconds(120))).as(live.stderrText()).isZero();
            assertThat(closedCounter(live.stderrText(), "delivered")).isEqualTo(6_000);
        }
        assertExactlyOnce(es.seqValues(index), range(0, 6_000));

        // Then the file rotates as OTP's logger_std_h does it (renamed to .0, gzipped to .0.gz) and the
        // live file gets 3,000 more lines; the folder is archived and replayed.
        Path rotated = logs.resolve("application.log.0.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(rotated))) {
            out.write(Files.readAllBytes(log));
        }
        Files.delete(log);
        ErlmcpLogWriter.append(log, 6_000, 3_000);
        Path archive = archive(logs, "capture.tar.zst");
        String err = replay(archive, 9_000);
        assertThat(closedCounter(err, "already_present")).as(err).isEqualTo(6_000);
        assertThat(closedCounter(err, "delivered")).isEqualTo(9_000);
        assertExactlyOnce(es.seqValues(index), range(0, 9_000));
    }

    /** Runs {@code ferry replay}; asserts exit 0 and the summary; returns ferry's stderr. */
    private String replay(Path archive, int records) throws Exception {
        Path conf = config(dir.resolve("not-tailed"));
        try (FerryProcess ferry = FerryProcess.start(dir, EsIts.env(es.password()), "replay", "-c", conf.toString(),
                archive.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(180))).as(ferry.stderrText()).isZero();
            String err = ferry.stderrText();
            assertThat(err).contains("replay summary: files=").contains(" records_read=" + records
                    + " delivered=" + records + " dead_lettered=0 parse_errors_kept_whole=0 invalid_utf8_repaired=0"
                    + " dropped_by_filters=0 unrouted=0"
                    + " stage_errors=0 corrupt_segments=0 cut_lines_dropped=0 unreadable_files=0 long_lines_skipped=0 multiline_records_split=0 time=").contains("result=complete")
                    .doesNotContain(es.password());
            assertThat(dir.resolve("dead-letter")).doesNotExist();
            return err;
        }
    }

    /** The es ITs' configuration (tail settings: JSON parser, tag; modify; es with basic auth); Exit_On_Eof for live runs. */
    private Path config(Path logs) throws IOException {
        Path conf = dir.resolve("replay.conf");
        Files.writeString(conf, EsIts.config(logs, dir.resolve("ferry.db"), dir.resolve("dead-letter"), es, index,
                "    Exit_On_Eof On\n", ""));
        return conf;
    }

    /**
     * application.log.2.gz (seq 0..3999), application.log.1.gz (4000..7999), application.log (8000..9999),
     * error.log.1.zst (10000..12499), error.log (12500..13999).
     */
    private Path rotatedFamilies() throws IOException {
        Path logs = Files.createDirectories(dir.resolve("captured/var/log/erlmcp"));
        compressed(logs.resolve("application.log.2.gz"), 0, 4_000);
        compressed(logs.resolve("application.log.1.gz"), 4_000, 4_000);
        ErlmcpLogWriter.append(logs.resolve("application.log"), 8_000, 2_000);
        compressed(logs.resolve("error.log.1.zst"), 10_000, 2_500);
        ErlmcpLogWriter.append(logs.resolve("error.log"), 12_500, 1_500);
        return dir.resolve("captured");
    }

    private void compressed(Path target, long firstSeq, long count) throws IOException {
        Path plain = dir.resolve("plain.tmp");
        Files.deleteIfExists(plain);
        ErlmcpLogWriter.append(plain, firstSeq, count);
        OutputStream file = Files.newOutputStream(target);
        try (OutputStream out = target.toString().endsWith(".zst") ? new ZstdOutputStream(file) : new GZIPOutputStream(file)) {
            out.write(Files.readAllBytes(plain));
        }
        Files.delete(plain);
    }

    /** A tar of every file under {@code root}, compressed by the archive name's suffix (.tar.zst, .tar.gz). */
    private Path archive(Path root, String name) throws IOException {
        Path archive = dir.resolve(name);
        OutputStream file = Files.newOutputStream(archive);
        OutputStream compressed = name.endsWith(".zst") ? new ZstdOutputStream(file) : new GZIPOutputStream(file);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed);
                Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                TarMembers.add(tar, root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return archive;
    }
}
