package dev.ferry.pipeline.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool as the agent uses it: one appending thread pausing on {@code awaitRoom}, two reader threads
 * committing in batches, cycles rolling (a clock that advances with every read) and being deleted while
 * all of them run, and the spool closed from yet another thread.
 */
class SpoolThreadsTest {

    private static final int ENTRIES = 10_000;

    @TempDir
    Path dir;

    /**
     * Held in memory (the default), over a small memory tail (documents read from memory, then written and passed on
     * disk by their heads, or read from disk), and written at once (cycle files roll and are deleted).
     */
    @ParameterizedTest
    @ValueSource(longs = {-1, 4096, 0})
    void everyReaderGetsEveryEntryOnceInOrderWhileCyclesRollAndGo(long heldInMemory) throws Exception {
        SetTimeProvider clock = new SetTimeProvider(1_780_000_000_000L * 1_000_000L)
                .autoIncrement(1, TimeUnit.MILLISECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (Spool spool = Spool.open(new SpoolConfig(dir, SpoolSync.NORMAL, 0), TestRollCycles.TEST_SECONDLY,
                clock)) {
            if (heldInMemory >= 0) {
                spool.writer().holdInMemory(heldInMemory);
            }
            SpoolReader fast = spool.reader("fast", 0);
            SpoolReader slow = spool.reader("slow", 64 * 1024);
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                long paused = 0;
                for (int i = 0; i < ENTRIES; i++) {
                    try {
                        if (!spool.writer().hasRoom()) {
                            spool.writer().flush();
                            paused++;
                            assertThat(spool.writer().awaitRoom(30, TimeUnit.SECONDS)).isTrue();
                        }
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    byte[] json = ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                    spool.writer().append(json, 0, json.length, "t", i, false, "fp-" + (i % 3), i, i + 1);
                    if (i % 7 == 6) {
                        spool.writer().flush(); // documents of 7 records: commits land inside them
                    }
                }
                spool.writer().flush();
                return paused;
            }, pool);
            CompletableFuture<Long> a = CompletableFuture.supplyAsync(() -> consume(fast, 10), pool);
            CompletableFuture<Long> b = CompletableFuture.supplyAsync(() -> consume(slow, 500), pool);

            long paused = writer.get(60, TimeUnit.SECONDS);
            assertThat(a.get(60, TimeUnit.SECONDS)).isEqualTo(ENTRIES);
            assertThat(b.get(60, TimeUnit.SECONDS)).isEqualTo(ENTRIES);
            assertThat(paused).as("the slow reader's 64 KiB limit paused the writer").isPositive();
            if (heldInMemory == 0) {
                assertThat(spool.deletedFiles()).isPositive();
            }
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s.filter(p -> p.toString().endsWith(".cq4")).count()).isLessThanOrEqualTo(2);
            }
            assertThat(slow.pendingEntries()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    // Reads until ENTRIES arrived, checking order, committing every batch entries (and at the end).
    private static long consume(SpoolReader r, int batch) {
        long expected = 0;
        long last = -1;
        try {
            while (expected < ENTRIES) {
                SpoolEntry e = r.next();
                if (e == null) {
                    LockSupport.parkNanos(50_000);
                    continue;
                }
                assertThat(e.sequence()).isEqualTo(expected);
                assertThat(e.jsonString()).isEqualTo("{\"i\":" + expected + "}");
                assertThat(e.originId()).isEqualTo("fp-" + (expected % 3));
                expected++;
                last = e.sequence();
                if (expected % batch == 0) {
                    r.commit(last);
                }
            }
            r.commit(last);
            return expected;
        } finally {
            r.close();
        }
    }
}
