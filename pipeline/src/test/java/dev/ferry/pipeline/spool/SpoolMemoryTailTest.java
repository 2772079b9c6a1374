package dev.ferry.pipeline.spool;

import static dev.ferry.pipeline.spool.SpoolTest.add;
import static dev.ferry.pipeline.spool.SpoolTest.drain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.TestLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's write-behind: documents held in memory are read from there, dropped unwritten once every reader
 * committed them, written when the memory is full, a second old, or the spool closes; the input positions of their
 * records are acknowledged only then, in order.
 */
class SpoolMemoryTailTest {

    @TempDir
    Path dir;

    private final SetTimeProvider clock = new SetTimeProvider(1_780_000_000_000L * 1_000_000L);
    private final List<String> acked = new CopyOnWriteArrayList<>();

    private Spool open() {
        return Spool.open(new SpoolConfig(dir, SpoolSync.NORMAL, 0), TestRollCycles.TEST_SECONDLY, clock);
    }

    private Runnable ack(String what) {
        return () -> acked.add(what);
    }

    @Test
    void aDocumentEveryReaderCommitsIsNeverWrittenAndItsPositionsMoveOnlyThen() {
        try (Spool spool = open()) {
            SpoolReader a = spool.reader("a", 0);
            SpoolReader b = spool.reader("b", 0);
            SpoolWriter w = spool.writer();
            for (int i = 0; i < 3; i++) {
                add(w, "{\"i\":" + i + "}");
            }
            assertThat(w.flush(ack("first batch"))).isTrue();
            assertThat(acked).as("neither delivered nor on disk").isEmpty();

            assertThat(drain(a)).containsExactly("{\"i\":0}", "{\"i\":1}", "{\"i\":2}");
            a.commit(2);
            assertThat(acked).as("b has not delivered it").isEmpty();
            assertThat(drain(b)).containsExactly("{\"i\":0}", "{\"i\":1}", "{\"i\":2}");
            b.commit(2);
            assertThat(acked).containsExactly("first batch");
            assertThat(w.tail().written()).isZero();
            assertThat(w.tail().dropped()).isEqualTo(1);
        }
        // The readers' positions are past every document on disk (there is none): the writer goes on from them, so
        // the next record is not taken for one they committed.
        try (Spool spool = open()) {
            SpoolReader a = spool.reader("a", 0);
            assertThat(spool.writer().nextSequence()).isEqualTo(3);
            assertThat(add(spool.writer(), "{\"i\":3}")).isEqualTo(3);
            spool.writer().flush();
            SpoolEntry e = a.next();
            assertThat(e.sequence()).isEqualTo(3);
            assertThat(e.jsonString()).isEqualTo("{\"i\":3}");
        }
    }

    @Test
    void aDocumentNoReaderCommitsIsWrittenOnceASecondOldAndOnlyThenAcknowledged() throws Exception {
        try (Spool spool = open()) {
            SpoolReader r = spool.reader("es", 0);
            SpoolWriter w = spool.writer();
            add(w, "{\"i\":0}");
            long flushed = System.nanoTime();
            w.flush(ack("batch"));
            long deadline = flushed + TimeUnit.SECONDS.toNanos(10);
            while (acked.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(acked).containsExactly("batch");
            assertThat(System.nanoTime() - flushed).isGreaterThanOrEqualTo(SpoolMemoryTail.MAX_AGE_NANOS);
            assertThat(w.tail().written()).isEqualTo(1);
            assertThat(w.tail().held()).isZero();
            assertThat(drain(r)).as("read from disk, once").containsExactly("{\"i\":0}");
        }
    }

    @Test
    void overItsCapacityTheOldestDocumentsAreWrittenAndAcknowledgedInOrder() {
        try (Spool spool = open()) {
            SpoolReader r = spool.reader("es", 0);
            SpoolWriter w = spool.writer();
            w.holdInMemory(2 * 1024); // two small documents' buffers (1 KiB each)
            for (int i = 0; i < 4; i++) {
                add(w, "{\"i\":" + i + "}");
                w.flush(ack("batch " + i));
            }
            assertThat(acked).containsExactly("batch 0", "batch 1");
            assertThat(w.tail().written()).isEqualTo(2);
            assertThat(w.tail().held()).isEqualTo(2);
            assertThat(drain(r)).as("two from disk, then two from memory").containsExactly("{\"i\":0}", "{\"i\":1}",
                    "{\"i\":2}", "{\"i\":3}");
            r.commit(3);
            assertThat(acked).containsExactly("batch 0", "batch 1", "batch 2", "batch 3");
        }
    }

    @Test
    void positionsOfABatchThatAddedNoDocumentWaitForTheDocumentsHeld() {
        try (Spool spool = open()) {
            SpoolReader r = spool.reader("es", 0);
            SpoolWriter w = spool.writer();
            add(w, "{\"i\":0}");
            w.flush(ack("with a document"));
            w.flush(ack("unrouted records after it"));
            assertThat(acked).isEmpty();
            r.next();
            r.commit(0);
            assertThat(acked).containsExactly("with a document", "unrouted records after it");
            w.flush(ack("nothing held"));
            assertThat(acked).containsExactly("with a document", "unrouted records after it", "nothing held");
        }
    }

    @Test
    void aReaderPassesOnDiskWhatItReadFromMemoryAndARewindReadsItAgain() {
        try (Spool spool = open()) {
            SpoolReader r = spool.reader("es", 0);
            SpoolWriter w = spool.writer();
            w.holdInMemory(1024); // one small document's buffer
            add(w, "{\"i\":0}");
            w.flush();
            assertThat(r.next().jsonString()).as("from memory").isEqualTo("{\"i\":0}");
            add(w, "{\"i\":1}");
            w.flush(); // the first document is written now
            add(w, "{\"i\":2}");
            w.flush(); // and the second
            assertThat(w.tail().written()).isEqualTo(2);
            assertThat(drain(r)).as("the first passed on disk by its head").containsExactly("{\"i\":1}", "{\"i\":2}");
            r.rewind();
            assertThat(drain(r)).containsExactly("{\"i\":0}", "{\"i\":1}", "{\"i\":2}");
        }
    }

    @Test
    void documentsDeliveredFromMemoryTakeNoPartOfTheDiskCap() {
        try (Spool spool = Spool.open(new SpoolConfig(dir, SpoolSync.NORMAL, 4096), TestRollCycles.TEST_SECONDLY, clock)) {
            SpoolReader r = spool.reader("es", 0);
            SpoolWriter w = spool.writer();
            long last = -1;
            for (int i = 0; i < 1000; i++) { // about 50 KB of records through a spool capped at 4 KiB
                add(w, "{\"i\":" + i + "}");
                if (i % 10 == 9) {
                    w.flush();
                    assertThat(w.hasRoom()).as("at %d", i).isTrue();
                    for (SpoolEntry e = r.next(); e != null; e = r.next()) {
                        last = e.sequence();
                    }
                    r.commit(last);
                }
            }
            assertThat(last).isEqualTo(999);
            assertThat(spool.diskBytes()).isZero();
            assertThat(w.tail().written()).isZero();
            add(w, "{\"big\":\"" + "x".repeat(5000) + "\"}");
            assertThat(w.hasRoom()).as("held, it may still have to be written").isFalse();
        }
    }

    @Test
    void whatIsHeldWhenTheDiskIsFullAtCloseIsNotAcknowledgedAndTheWarningSaysItIsReadAgain() throws Exception {
        try (Spool spool = open()) { // made while the disk had room
            spool.reader("es", 0);
        }
        long beyondFree = Files.getFileStore(dir).getUsableSpace() + (1L << 40);
        String log = TestLogs.of(() -> {
            try (Spool spool = Spool.open(new SpoolConfig(dir, SpoolSync.NORMAL, 0, SpoolCompression.ZSTD, beyondFree),
                    TestRollCycles.TEST_SECONDLY, clock)) {
                spool.reader("es", 0);
                add(spool.writer(), "{\"i\":0}");
                spool.writer().flush(ack("held at close"));
            }
        });
        assertThat(acked).as("not delivered, not on disk: its file is read again").isEmpty();
        assertThat(log).contains("WARN dev.ferry.pipeline.spool.SpoolWriter - The spool's last documents were not written: its "
                + "disk is down to storage.min_free. Their records are read again from their files at the next start. path="
                + dir + " documents_held=1\n");
    }

    @Test
    void closingWritesWhatIsHeldAndAcknowledgesIt() {
        try (Spool spool = open()) {
            spool.reader("es", 0);
            add(spool.writer(), "{\"i\":0}");
            spool.writer().flush(ack("held at close"));
            assertThat(acked).isEmpty();
        }
        assertThat(acked).containsExactly("held at close");
        try (Spool spool = open()) {
            assertThat(drain(spool.reader("es", 0))).containsExactly("{\"i\":0}");
        }
    }
}
