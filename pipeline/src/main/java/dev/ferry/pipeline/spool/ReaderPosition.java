package dev.ferry.pipeline.spool;

import dev.ferry.pipeline.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A reader's committed position, kept in {@code <spool>/readers/<name>.position}.
 *
 * <p>File format (ASCII text, replaced whole by {@link AtomicFile}, so a crash leaves either the old or
 * the new position, never a mix):
 * <pre>
 * ferry-spool-position 2
 * index=&lt;Chronicle index of the document holding the last committed entry, -1 if none&gt;
 * sequence=&lt;entries committed: the sequence of the next entry to deliver&gt;
 * bytes=&lt;sum of the sizes of the committed entries: the "bytes before" of the next entry&gt;
 * </pre>
 * With {@link SpoolSync#FULL} the write is {@code fsync}ed ({@link AtomicFile#write}).
 *
 * <p>Why not Chronicle's named tailers: they store their index in {@code metadata.cq4t} as it is
 * read, while ferry must persist only what an output has a final answer for; and their table store is
 * not synced. A position file written at commit time says exactly that.
 *
 * <p>A reader resumes by moving to the document at {@code index} and skipping the entries whose sequence
 * is below {@code sequence}, so a commit in the middle of a document is exact.
 *
 * @param index Chronicle index of the document holding the last committed entry, or -1 when none
 * @param sequence sequence of the first entry not committed
 * @param bytes bytes-before of the first entry not committed
 */
record ReaderPosition(long index, long sequence, long bytes) {

    private static final String MAGIC = "ferry-spool-position 2";

    /** Reads the position, or returns null if the file does not exist. */
    static ReaderPosition read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spool position " + file, e);
        }
        String[] lines = text.split("\n");
        if (lines.length < 4 || !lines[0].equals(MAGIC)) {
            throw new IllegalStateException("spool position " + file + " is not a '" + MAGIC + "' file");
        }
        return new ReaderPosition(value(file, lines[1], "index="), value(file, lines[2], "sequence="),
                value(file, lines[3], "bytes="));
    }

    private static long value(Path file, String line, String key) {
        if (!line.startsWith(key)) {
            throw new IllegalStateException("spool position " + file + " lacks " + key);
        }
        return Long.parseLong(line.substring(key.length()).trim());
    }

    /** Replaces the file atomically with this position. */
    void write(Path file, boolean fsync) {
        byte[] text = (MAGIC + "\nindex=" + index + "\nsequence=" + sequence + "\nbytes=" + bytes + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        try {
            AtomicFile.write(file, text, fsync);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write spool position " + file, e);
        }
    }
}
