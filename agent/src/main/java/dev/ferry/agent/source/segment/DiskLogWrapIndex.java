package dev.ferry.agent.source.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The index of an Erlang/OTP {@code disk_log} wrap log, as {@code logger_disk_log_h} (type
 * {@code wrap}) leaves it next to its files {@code NAME.1 .. NAME.N}: which file is written now, and
 * so in which order the files hold the log.
 *
 * <h2>The files (OTP {@code disk_log_1.erl}, versions 1 and 2 read here)</h2>
 * <pre>
 *  NAME.idx  version 2: 00 | 00 00 00 00 | Version=02 | CurFileNo (4, big-endian) | ItemsInFile1 (8) | ItemsInFile2 (8) ...
 *            version 1: 00 | CurFileNo (4) | ItemsInFile1 (4) ...
 *            version 0: CurFileNo (1) | ItemsInFile1 (4) ...
 *  NAME.siz  version 2: 02 | MaxBytes (8, big-endian) | MaxFiles (4);  version 1: MaxBytes (4) | MaxFiles (4)
 * </pre>
 * disk_log writes {@code CurFileNo} (in place, at offset 6) each time it moves to the next file, and
 * the item count of the file it left. Files are used in the ring {@code 1, 2, .., MaxFiles, 1, ..}:
 * moving on TRUNCATES the next file and reuses it, so a path does not keep its data (the fingerprint
 * changes; the tail must treat it as a new file). The oldest data is in the first existing file after
 * the current one around the ring, the newest in the current one, which is still being written.
 *
 * <p>{@code logger_disk_log_h} always opens its log with {@code {format, external}}: the files hold the
 * formatter's output as it is, plain text that ferry reads like any log file. Only a disk_log opened
 * by an application with {@code {format, internal}} holds Erlang terms ({@link SegmentFormat#DISK_LOG}),
 * which ferry refuses. Immutable.
 *
 * @param currentFile the file written now, 1-based
 * @param maxFiles how many files the ring has: from {@code .siz}, or the count of entries in
 *     {@code .idx} when there is no size file
 * @param maxBytes the size limit of each file from {@code .siz}, or -1
 * @param itemCounts items per file as disk_log last recorded them, index 0 for file 1 (the current
 *     file's count is only written when disk_log moves past it)
 */
public record DiskLogWrapIndex(int currentFile, int maxFiles, long maxBytes, long[] itemCounts) {

    /**
     * Reads {@code <log>.idx} and {@code <log>.siz} for the wrap log whose files are {@code <log>.N}.
     *
     * @return the index, or null if there is no {@code .idx} file
     * @throws IOException if the index cannot be read or is not in a known format
     */
    public static DiskLogWrapIndex read(Path log) throws IOException {
        byte[] idx;
        try {
            idx = Files.readAllBytes(log.resolveSibling(log.getFileName() + ".idx"));
        } catch (NoSuchFileException e) {
            return null;
        }
        byte[] siz;
        try {
            siz = Files.readAllBytes(log.resolveSibling(log.getFileName() + ".siz"));
        } catch (NoSuchFileException e) {
            siz = null;
        }
        return parse(log + ".idx", idx, siz);
    }

    /** Parses the contents of the two files; {@code siz} may be null. */
    public static DiskLogWrapIndex parse(String name, byte[] idx, byte[] siz) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(idx);
        int cur;
        int countBytes;
        if (idx.length >= 10 && idx[0] == 0 && b.getInt(1) == 0) {
            if (idx[5] != 2) {
                throw new IOException("disk_log index " + name + " has version " + idx[5] + ", expected 2");
            }
            cur = b.getInt(6);
            b.position(10);
            countBytes = 8;
        } else if (idx.length >= 5 && idx[0] == 0) {
            cur = b.getInt(1);
            b.position(5);
            countBytes = 4;
        } else if (idx.length >= 1 && idx[0] != 0) {
            cur = idx[0] & 0xff;
            b.position(1);
            countBytes = 4;
        } else {
            throw new IOException("disk_log index " + name + " is empty or not a disk_log index");
        }
        if (cur < 1) {
            throw new IOException("disk_log index " + name + " names current file " + cur + ", expected 1 or more");
        }
        List<Long> counts = new ArrayList<>();
        while (b.remaining() >= countBytes) {
            counts.add(countBytes == 8 ? b.getLong() : b.getInt() & 0xffffffffL);
        }
        long maxBytes = -1;
        int maxFiles = 0;
        if (siz != null && siz.length == 13 && siz[0] == 2) {
            ByteBuffer s = ByteBuffer.wrap(siz);
            maxBytes = s.getLong(1);
            maxFiles = s.getInt(9);
        } else if (siz != null && siz.length == 8) {
            ByteBuffer s = ByteBuffer.wrap(siz);
            maxBytes = s.getInt(0) & 0xffffffffL;
            maxFiles = s.getInt(4);
        }
        if (maxFiles <= 0) {
            maxFiles = Math.max(cur, counts.size());
        }
        return new DiskLogWrapIndex(cur, maxFiles, maxBytes, counts.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * The file numbers in the order they hold the log, oldest first, the current file last: from the
     * one after the current around the ring. Includes numbers whose file may not exist (yet).
     */
    public List<Integer> oldestFirst() {
        int max = Math.max(maxFiles, currentFile);
        List<Integer> out = new ArrayList<>(max);
        for (int i = 1; i <= max; i++) {
            out.add((currentFile - 1 + i) % max + 1);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiskLogWrapIndex d && d.currentFile == currentFile && d.maxFiles == maxFiles
                && d.maxBytes == maxBytes && Arrays.equals(d.itemCounts, itemCounts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * currentFile + maxFiles) + Arrays.hashCode(itemCounts);
    }

    @Override
    public String toString() {
        return "DiskLogWrapIndex[currentFile=" + currentFile + ", maxFiles=" + maxFiles + ", maxBytes=" + maxBytes
                + ", itemCounts=" + Arrays.toString(itemCounts) + "]";
    }
}
