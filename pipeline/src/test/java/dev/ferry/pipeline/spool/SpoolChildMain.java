package dev.ferry.pipeline.spool;

import static dev.ferry.pipeline.spool.WriteThrough.writeThrough;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The child JVM of the spool's process tests (no JUnit on purpose: Chronicle's analytics stays quiet when
 * it sees JUnit). Modes:
 * <ul>
 *   <li>{@code append DIR N}: appends N entries, closes the spool, prints {@code done}.
 *   <li>{@code stream DIR}: sync full; appends {"seq":i} forever and prints {@code appended i} after each
 *       append returned; a reader thread commits every 37 entries and prints {@code committed i}.
 *   <li>{@code partial DIR N}: appends N entries, then leaves a document half written (header not complete)
 *       and prints {@code partial}, and waits to be killed.
 *   <li>{@code read DIR}: reads every entry as the reader {@code out} and prints {@code read N}, or
 *       {@code error: MESSAGE} if the spool refuses to open or to read.
 *   <li>{@code nosync DIR N}: {@link Spool#withoutNativeSync}, then appends N entries with sync normal, reads them
 *       back and prints {@code read N} and {@code posix CLASS} (the POSIX binding Chronicle has), then tries to open
 *       the spool with sync full and prints {@code refused: MESSAGE}.
 * </ul>
 */
public final class SpoolChildMain {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        switch (mode) {
            case "append" -> append(dir, Integer.parseInt(args[2]));
            case "stream" -> stream(dir);
            case "partial" -> partial(dir, Integer.parseInt(args[2]));
            case "read" -> read(dir);
            case "nosync" -> noSync(dir, Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException(mode);
        }
    }

    private static void append(Path dir, int n) {
        try (Spool spool = writeThrough(Spool.open(new SpoolConfig(dir, SpoolSync.NORMAL, 0)))) {
            spool.reader("out", 0);
            for (int i = 0; i < n; i++) {
                entry(spool.writer(), i);
            }
            spool.writer().flush();
        }
        System.out.println("done");
    }

    private static void noSync(Path dir, int n) {
        Spool.withoutNativeSync();
        try (Spool spool = writeThrough(Spool.open(new SpoolConfig(dir, SpoolSync.NORMAL, 0)))) {
            SpoolReader reader = spool.reader("out", 0);
            for (int i = 0; i < n; i++) {
                entry(spool.writer(), i);
            }
            spool.writer().flush();
            int read = 0;
            while (reader.next() != null) {
                read++;
            }
            System.out.println("read " + read);
        }
        System.out.println("posix " + net.openhft.posix.PosixAPI.posix().getClass().getSimpleName());
        try {
            Spool.open(new SpoolConfig(dir, SpoolSync.FULL, 0)).close();
        } catch (IllegalStateException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }

    private static void read(Path dir) {
        try (Spool spool = writeThrough(Spool.open(new SpoolConfig(dir, SpoolSync.NORMAL, 0)))) {
            SpoolReader reader = spool.reader("out", 0);
            int n = 0;
            while (reader.next() != null) {
                n++;
            }
            System.out.println("read " + n);
        } catch (IllegalStateException e) {
            System.out.println("error: " + e.getMessage());
        }
    }

    private static void stream(Path dir) {
        Spool spool = writeThrough(Spool.open(new SpoolConfig(dir, SpoolSync.FULL, 0)));
        SpoolReader reader = spool.reader("out", 0);
        Thread t = new Thread(() -> {
            while (true) {
                SpoolEntry e = reader.next();
                if (e == null) {
                    LockSupport.parkNanos(100_000);
                } else if (e.sequence() % 37 == 36) {
                    reader.commit(e.sequence());
                    System.out.println("committed " + e.sequence());
                    System.out.flush();
                }
            }
        }, "reader");
        t.setDaemon(true);
        t.start();
        // Documents of 1 to 5 records; a record counts as appended once the flush that wrote it returned.
        for (long i = 0; ; i++) {
            long seq = entry(spool.writer(), i);
            if (i % 5 == (i / 5) % 5) {
                spool.writer().flush();
                System.out.println("appended " + seq);
                System.out.flush();
            }
        }
    }

    private static void partial(Path dir, int n) {
        try (Spool spool = writeThrough(Spool.open(new SpoolConfig(dir, SpoolSync.FULL, 0)))) {
            spool.reader("out", 0);
            for (int i = 0; i < n; i++) {
                entry(spool.writer(), i);
            }
            spool.writer().flush();
        }
        SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(dir.toFile()).build();
        ExcerptAppender appender = queue.createAppender();
        DocumentContext dc = appender.writingDocument();
        dc.wire().bytes().writeByte((byte) SpoolEntryFormat.VERSION).writeByte((byte) 0).writeLong(n);
        appender.sync();
        System.out.println("partial");
        while (true) {
            LockSupport.park();
        }
    }

    private static long entry(SpoolWriter w, long i) {
        byte[] json = ("{\"seq\":" + i + ",\"pad\":\"" + "x".repeat(300) + "\"}").getBytes(StandardCharsets.UTF_8);
        return w.append(json, 0, json.length, "crash", i, false, "fp-crash-0", i * 400, i * 400 + 400);
    }
}
