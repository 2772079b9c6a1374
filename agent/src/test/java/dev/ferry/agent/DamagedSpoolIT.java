package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ferry.jar} with a damaged document in the middle of its spool (bit rot, a bad disk):
 * the output passes it, keeps its bytes aside, says how many records it lost and which, delivers every
 * other record exactly once, and exits 1 because not everything was delivered; a restart does not meet
 * the damage again. Before, the output's thread died on it, and every restart died on it again.
 */
class DamagedSpoolIT {

    @TempDir
    Path dir;

    @Test
    void aDamagedSpoolDocumentCostsOnlyItsOwnRecordsCountedAndLoggedAndARestartGoesOn() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        ErlmcpLogWriter.append(logs.resolve("app.log"), 0, 3000);
        String input = "[INPUT]\n    Name tail\n    Path " + logs + "/*.log\n    Parser json\n    Read_from_Head On\n"
                + "    Exit_On_Eof On\n    DB " + dir.resolve("state/tail.db") + "\n\n";
        // First run: the output (Alias ship) cannot deliver, so every line stays in the spool.
        Path unreachable = dir.resolve("unreachable.conf");
        Files.writeString(unreachable, input + FerryProcess.unreachableEsOutput("ship"));
        assertThat(FerryProcess.runUntilInputsEnd(dir, unreachable)).contains("records_in=3000 spooled=3000 delivered=0 ");

        Path spool = dir.resolve("state/ferry-spool");
        Damage damage = corruptThirdDocument(spool);
        assertThat(damage.records).as("records in the damaged document").isBetween(1, 2999);

        Path working = dir.resolve("working.conf");
        Files.writeString(working, input + "[OUTPUT]\n    Name file\n    Alias ship\n    Match *\n    Path " + out
                + "\n    File out\n    Format plain\n");
        String err;
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", working.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as("not everything was delivered: %s", ferry.stderrText()).isEqualTo(1);
            err = ferry.stderrText();
        }
        long first = damage.firstSequence;
        long last = first + damage.records - 1;
        String index = Long.toHexString(damage.index);
        Path kept = spool.resolve("damaged").resolve("0x" + index + ".doc");
        assertThat(err).contains("[ERROR] SpoolReader - A damaged spool document was passed: its records "
                        + "that were not read yet are not delivered to this output. reader=ship index=0x" + index
                        + " reason=\"its zstd frame is damaged (Restored data doesn't match checksum)\" head=\"its head says "
                        + damage.records + " records from sequence " + first + "\" kept=" + kept + " spool=")
                .contains("[ERROR] SpoolReader - Records lost to damaged spool documents: they are not "
                        + "delivered to this output. reader=ship lost=" + damage.records + " sequences=" + first + "-" + last
                        + " damaged=0x" + index + " next=0x")
                .contains("ferry stopped. records_in=0 spooled=0 delivered=" + (3000 - damage.records) + " dead_lettered=0 ")
                .contains(" lost_in_spool=" + damage.records + " drained=false")
                .doesNotContain("Output stopped");
        assertThat(kept).hasBinaryContent(damage.bytes);
        List<Long> expected = LongStream.range(0, 3000).filter(s -> s < first || s > last).boxed().toList();
        assertThat(FerryProcess.seqs(out.resolve("out"))).as("every record but the damaged document's, once, in order")
                .containsExactlyElementsOf(expected);

        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", working.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
            assertThat(ferry.stderrText()).as("the restart resumes after the damage").doesNotContain("damaged spool document")
                    .contains(" lost_in_spool=0 drained=true");
        }
        assertThat(FerryProcess.seqs(out.resolve("out"))).containsExactlyElementsOf(expected);
    }

    /** The damaged document: its Chronicle index, its bytes after the damage, and what its head says. */
    private record Damage(long index, byte[] bytes, long firstSequence, int records) {
    }

    /**
     * Flips bits in the last byte of the spool's third document (a zstd frame's checksum), in its cycle
     * file, as a bad disk would. The head (format in SpoolEntryFormat) stays readable.
     */
    private static Damage corruptThirdDocument(Path spool) throws Exception {
        long position;
        long index;
        byte[] bytes;
        Path file;
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.single(spool.toFile()).readOnly(true).build();
                ExcerptTailer t = q.createTailer()) {
            for (int i = 0; i < 2; i++) {
                try (DocumentContext dc = t.readingDocument()) {
                    assertThat(dc.isPresent()).isTrue();
                }
            }
            try (DocumentContext dc = t.readingDocument()) {
                assertThat(dc.isPresent()).isTrue();
                Bytes<?> in = dc.wire().bytes();
                index = dc.index();
                bytes = new byte[(int) in.readRemaining()];
                position = in.readPosition() + bytes.length - 1;
                in.read(bytes);
                file = t.currentFile().toPath();
            }
        }
        assertThat(bytes[1]).as("the document is zstd-compressed").isEqualTo((byte) 1);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            f.write(bytes[bytes.length - 1] ^ 0x5A);
        }
        bytes[bytes.length - 1] ^= 0x5A;
        ByteBuffer head = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return new Damage(index, bytes, head.getLong(6), head.getInt(2));
    }
}
