package dev.ferry.outputs;

import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.JsonText;
import dev.ferry.pipeline.record.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A local file of the records an output gave up on (dead letters), so that none is dropped silently.
 * Output-agnostic.
 *
 * <p>File format: NDJSON (UTF-8), one line per record, appended; the file is never rotated or
 * truncated by ferry. Each line is one object with these members, in this order:
 *
 * <pre>
 * {"time":"2024-01-01T10:00:00.123Z",   when it was given up (UTC, ISO-8601 as Instant prints it)
 *  "tag":"erlmcp.app",                   the record's tag
 *  "origin":"fp-6fc6ca04320260b8-1024",  the stable id of the data it was read from, or null
 *  "offset":4096,                         the offset of its line in that data, or -1
 *  "line_hash":"5c1f09a2",               the CRC-32C of its line as read, as in its document id, or null
 *  "target":"logs-2024.01.01",           where it was going (index, stream)
 *  "status":400,                          the destination's status for it, 0 if none
 *  "reason":"mapper_parsing_exception: failed to parse field [n]",
 *  "record":{...}}                        the document as sent, unchanged
 * </pre>
 *
 * (shown on several lines here; in the file each entry is one line). The record is inserted as the
 * JSON it was sent as, so {@code jq -c .record} recovers a bulk-ready document.
 *
 * <p>Thread-safe: {@link #append} is synchronized, each call writes its lines with one
 * {@code write} to a file opened in append mode and forces nothing to disk (like the file output).
 * The file and its directory are created on the first dead letter. An append is all or nothing: when a
 * write fails part way (a full disk writes what fits, then fails), the file is cut back to where the
 * append began, so it holds no torn line, and the caller, which keeps the letters and appends them again
 * later, writes none of them twice.
 */
public final class DeadLetterStore implements AutoCloseable {

    private final Path file;
    private final ByteSink line = new ByteSink(4096);
    private FileChannel channel;

    /** @param file the NDJSON file to append to (created with its directory on first use) */
    public DeadLetterStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Appends one line per dead letter. */
    public synchronized void append(Iterable<DeadLetter> letters) throws IOException {
        line.reset();
        for (DeadLetter d : letters) {
            encode(d, line);
        }
        if (line.length() == 0) {
            return;
        }
        if (channel == null) {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        long start = channel.size();
        ByteBuffer b = ByteBuffer.wrap(line.array(), 0, line.length());
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            try {
                channel.truncate(start);
            } catch (IOException cut) {
                e.addSuppressed(cut);
            }
            throw e;
        }
    }

    /** Writes one dead letter as a line of the file format (see the type's javadoc). */
    public static void encode(DeadLetter d, ByteSink out) {
        out.write('{');
        writeMembers(d, out);
        out.writeAscii(",\"record\":");
        out.write(d.recordJson());
        out.writeAscii("}\n");
    }

    /**
     * Writes the members of the file format before {@code record} ({@code "time":...} to {@code
     * "reason":...}), without braces; the dead-letter index documents share them.
     */
    public static void writeMembers(DeadLetter d, ByteSink out) {
        out.writeAscii("\"time\":\"");
        out.writeAscii(Instant.ofEpochMilli(d.timeMillis()).toString());
        out.writeAscii("\",\"tag\":");
        JsonText.writeString(out, d.tag() == null ? "" : d.tag());
        out.writeAscii(",\"origin\":");
        if (d.originId() == null) {
            out.writeAscii("null");
        } else {
            JsonText.writeString(out, d.originId());
        }
        out.writeAscii(",\"offset\":");
        out.writeAscii(Long.toString(d.offset()));
        out.writeAscii(",\"line_hash\":");
        if (d.lineHash() == LogRecord.NO_LINE_HASH) {
            out.writeAscii("null");
        } else {
            out.write('"');
            RecordOrigins.writeLineHash(d.lineHash(), out);
            out.write('"');
        }
        out.writeAscii(",\"target\":");
        JsonText.writeString(out, d.target() == null ? "" : d.target());
        out.writeAscii(",\"status\":");
        out.writeAscii(Integer.toString(d.status()));
        out.writeAscii(",\"reason\":");
        JsonText.writeString(out, d.reason() == null ? "" : d.reason());
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
