package dev.ferry.agent.source.tail;

import dev.ferry.agent.source.FileKey;
import dev.ferry.agent.source.Fingerprint;
import dev.ferry.pipeline.io.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The tail input's position DB ({@code DB} key): for each file, the offset up to which its lines were
 * acknowledged, keyed by the file's identity.
 *
 * <h2>On-disk format (version 2)</h2>
 * A UTF-8 text file. The first line is exactly {@value #HEADER}; then one line per file, six fields
 * separated by a tab:
 * <pre>
 *  id          fingerprint              file key    offset  state    path
 *  fp-3f0c...-1024  3f0c9a7e12b45d60-1024  803:1a2b3c  48213   reading  /var/log/app.log
 *  fp-77a1...-1024  77a1c0de00112233-1024  803:1a2b40  5242880 done     /var/log/app.log
 * </pre>
 * <ul>
 *   <li>{@code id}: the {@code RecordOrigin.id()} fixed when the file's first line was handed on, or
 *       {@code -} if none was yet;</li>
 *   <li>{@code fingerprint}: {@code <16 hex digits>-<length>}, SHA-256 prefix of the file's first
 *       {@code length} bytes (see {@link Fingerprint}); this is what a file is matched by on start;</li>
 *   <li>{@code file key}: device and inode ({@link FileKey}) when last seen, which breaks ties between
 *       files whose leading bytes are equal; {@code overwritten:} and the key, for a {@code done} entry of data
 *       overwritten in place before it was read to its end ({@link FileKey#overwritten()});</li>
 *   <li>{@code offset}: decimal byte offset in the UNCOMPRESSED data (the same whether the data is
 *       read from the plain file or from its {@code .gz}/{@code .zst} segment); every line before it
 *       was acknowledged;</li>
 *   <li>{@code state}: {@code reading}, or {@code done} for data read to its end and acknowledged
 *       that may still lie in a rotated sibling: it is never read again, whatever name or compression
 *       it has then;</li>
 *   <li>{@code path}: the watched file (the path {@code Path} matched) whose data this is: the file
 *       itself, or for data in a rotated segment the file it was rotated from. Its rotated siblings
 *       are where the data is looked for when it is no longer at that path.</li>
 * </ul>
 * A {@code done} entry is dropped once no sibling of its path holds its data any more (rotated out of
 * the family, deleted), and there are at most {@value TailInput#MAX_DONE_ENTRIES} of them: the oldest
 * go first. Version 1 files (five fields, no state) are read as all {@code reading}.
 * In the fields, {@code \} is written {@code \\}, tab {@code \t}, newline {@code \n}, carriage return
 * {@code \r}. Lines are in no particular order.
 *
 * <h2>Crash safety</h2>
 * Each write replaces the DB through {@code <DB>.tmp} ({@link AtomicFile}), so a reader sees either the
 * old or the new content, never a mix, whatever moment the process dies at. With {@code DB.sync full}
 * (or {@code extra}) the write is fsynced, so it survives a power loss; {@code normal} does that only
 * when the input closes; {@code off} never.
 *
 * <p>Not thread-safe: used by the input's thread (and by {@code close()} after that thread ended).
 */
final class PositionDb {

    /** The first line of every DB file. */
    static final String HEADER = "ferry-tail-positions 2";

    /** The first line of a version 1 file, which is still read. */
    static final String HEADER_V1 = "ferry-tail-positions 1";

    /**
     * One file's saved position. {@code id} is null when not fixed yet; {@code done} when the data was
     * read to its end and acknowledged.
     */
    record Entry(String id, Fingerprint fingerprint, FileKey key, long offset, String path, boolean done) {
    }

    /** A DB file that is not in ferry's format at all (for example Fluent Bit's SQLite DB). */
    static final class ForeignFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        ForeignFormatException(String message) {
            super(message);
        }
    }

    /** A ferry DB file with a line that cannot be read. */
    static final class CorruptException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptException(String message) {
            super(message);
        }
    }

    private final Path file;
    private final TailConfig.DbSync sync;

    PositionDb(Path file, TailConfig.DbSync sync) {
        this.file = file.toAbsolutePath();
        this.sync = sync;
    }

    Path file() {
        return file;
    }

    /**
     * The entry for data with these leading bytes: among those whose fingerprint {@code head} matches,
     * the one with the same file key first, then the longest fingerprint, then the furthest offset (a
     * file and its copy both match); null if none.
     */
    static Entry bestMatch(Collection<Entry> entries, byte[] head, FileKey key) {
        Entry best = null;
        for (Entry e : entries) {
            if (e.fingerprint().matches(head) && (best == null || score(e, key) > score(best, key))) {
                best = e;
            }
        }
        return best;
    }

    private static long score(Entry e, FileKey key) {
        long rank = (e.key().equals(key) ? 1L << 11 : 0) + e.fingerprint().length();
        return rank << 40 | Math.min(e.offset(), (1L << 40) - 1);
    }

    /**
     * Why {@code file} is not a ferry position DB (Fluent Bit's SQLite DB, another file), from its first
     * line only; null if it is one, does not exist, is empty or cannot be read (loading it tells more).
     * {@code ferry check} asks this, so that it refuses what {@code ferry run} would.
     */
    static String foreignReason(Path file) {
        byte[] start = new byte[64];
        int n = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; n < start.length && (r = in.read(start, n, start.length - n)) > 0; ) {
                n += r;
            }
        } catch (IOException e) {
            return null;
        }
        String text = new String(start, 0, n, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String first = newline < 0 ? text : text.substring(0, newline);
        return n == 0 || first.equals(HEADER) || first.equals(HEADER_V1) ? null : foreignReason(text);
    }

    private static String foreignReason(String start) {
        return start.startsWith("SQLite format 3")
                ? "it is a SQLite database (Fluent Bit's format), which ferry does not read"
                : "its first line is not '" + HEADER + "'";
    }

    /** The error for a DB file in another format, the same from {@code ferry check} and {@code ferry run}. */
    static String foreignMessage(Path file, String reason) {
        return "DB file " + file.toAbsolutePath() + " is not a ferry position DB: " + reason + "; point DB at a new"
                + " file (ferry then starts as on a first start: at the end of the files, or at their head with"
                + " Read_from_Head On)";
    }

    /** The saved entries, or null if the DB file does not exist yet. */
    List<Entry> load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        boolean v1 = lines[0].equals(HEADER_V1);
        if (!lines[0].equals(HEADER) && !v1) {
            if (bytes.length == 0) {
                throw new CorruptException("it is empty");
            }
            throw new ForeignFormatException(foreignReason(text));
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            String[] f = lines[i].split("\t", -1);
            try {
                int fields = v1 ? 5 : 6;
                if (f.length != fields) {
                    throw new IllegalArgumentException("expected " + fields + " tab-separated fields, found " + f.length);
                }
                String id = f[0].equals("-") ? null : unescape(f[0]);
                boolean done = !v1 && switch (f[4]) {
                    case "done" -> true;
                    case "reading" -> false;
                    default -> throw new IllegalArgumentException("state '" + f[4] + "' is not reading or done");
                };
                out.add(new Entry(id, Fingerprint.parse(f[1]), new FileKey(unescape(f[2])),
                        Long.parseLong(f[3]), unescape(f[fields - 1]), done));
            } catch (IllegalArgumentException e) {
                throw new CorruptException("line " + (i + 1) + " cannot be read: " + e.getMessage());
            }
        }
        return out;
    }

    /** Replaces the DB with {@code entries} atomically; {@code closing} applies {@code DB.sync normal}. */
    void write(Collection<Entry> entries, boolean closing) throws IOException {
        StringBuilder sb = new StringBuilder(64 + entries.size() * 96).append(HEADER).append('\n');
        for (Entry e : entries) {
            sb.append(e.id() == null ? "-" : escape(e.id())).append('\t')
                    .append(e.fingerprint()).append('\t')
                    .append(escape(e.key().value())).append('\t')
                    .append(e.offset()).append('\t')
                    .append(e.done() ? "done" : "reading").append('\t')
                    .append(escape(e.path())).append('\n');
        }
        boolean fsync = sync.syncEachWrite() || (closing && sync == TailConfig.DbSync.NORMAL);
        AtomicFile.write(file, sb.toString().getBytes(StandardCharsets.UTF_8), fsync);
    }

    private static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                default -> null;
            };
            if (r != null && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b != null) {
                if (r != null) {
                    b.append(r);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (++i == s.length()) {
                throw new IllegalArgumentException("a field ends with a lone backslash");
            }
            char n = s.charAt(i);
            b.append(switch (n) {
                case '\\' -> '\\';
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                default -> throw new IllegalArgumentException("unknown escape \\" + n);
            });
        }
        return b.toString();
    }
}
