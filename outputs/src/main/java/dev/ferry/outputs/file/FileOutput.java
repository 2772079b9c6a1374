package dev.ferry.outputs.file;

import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Output;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code file} output: appends each record's line to {@code Path/File}, or to {@code Path/<tag>}
 * when {@code File} is not set (the tag made safe as a relative path, as Fluent Bit does).
 *
 * <p>Called from the ring's output thread only. Lines are encoded into one buffer per target file and
 * written with a single {@link FileChannel} append per file on {@link #flush()}; there is no fsync, so
 * "with the destination" means with the operating system. At most {@value #MAX_OPEN_FILES} files are
 * kept open; the least recently used one is written out and closed to make room. Before writing, a
 * file that was moved or deleted (rotated away) is opened afresh at its path, also when a new file
 * already stands there (logrotate's {@code create}): the open file and the path's file are compared by
 * their file key (device and inode), as Fluent Bit, which opens the path at every flush, writes there.
 *
 * <p>Start-up: the constructor checks {@code Path}. When it is missing and {@code Mkdir} is off it
 * throws a {@link ConfigException} naming the configuration line; with {@code Mkdir} on it creates it.
 *
 * <p>Failure: an {@link IOException} while opening or writing (a full disk, a missing directory, no
 * permission) propagates from {@link #write} or {@link #flush}, and the bytes that could not be written
 * stay buffered for their file: the ring retries the call (the inputs wait meanwhile), and the retry writes
 * exactly the missing bytes, so a record is neither lost nor written twice. Other files are still written.
 * A failing {@link #write} has not buffered its record yet (it first writes out what is pending), so its
 * retry encodes the record once.
 */
public final class FileOutput implements Output {

    /** How many files are kept open at once. */
    static final int MAX_OPEN_FILES = 64;

    /** Buffered bytes for one file above which {@link #write} already writes them out. */
    static final int SPILL_BYTES = 256 * 1024;

    private static final Logger log = LoggerFactory.getLogger(FileOutput.class);

    private final FileConfig config;
    private final FileEncoder encoder;
    private final Path fixedTarget;
    private final LinkedHashMap<Path, Target> targets = new LinkedHashMap<>(16, 0.75f, true);
    private String lastTag;
    private Target lastTarget;

    /**
     * Prepares the output; see the type's start-up contract.
     *
     * @throws ConfigException if {@code Path} is missing (and {@code Mkdir} off), not a directory, or
     *     cannot be created
     */
    public FileOutput(FileConfig config) {
        this.config = config;
        this.encoder = new FileEncoder(config);
        prepareDirectory(config);
        this.fixedTarget = config.file() == null ? null : resolve(config.file());
    }

    /**
     * Checks that {@code Path} is a directory, creating it when {@code Mkdir} is on.
     *
     * @throws ConfigException with the configuration line if it is not usable
     */
    static void prepareDirectory(FileConfig config) {
        config.requireUsableDirectory();
        Path dir = config.path();
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            log.info("Created the file output's directory path={}", dir);
        } catch (IOException e) {
            throw new ConfigException(config.where() + ": cannot create Path '" + dir + "': " + e, e);
        }
    }

    @Override
    public void write(LogRecord record) throws IOException {
        Target t = target(record.tag());
        if (t.buffer.length() >= SPILL_BYTES) {
            t.drain(); // before encoding: if it fails, the retried write encodes the record once
        }
        encoder.encode(record, t.buffer);
    }

    @Override
    public void flush() throws IOException {
        IOException failure = null;
        for (Target t : targets.values()) {
            try {
                t.drain();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        try {
            flush();
        } catch (IOException e) {
            failure = e;
        }
        for (Target t : targets.values()) {
            try {
                t.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        targets.clear();
        lastTag = null;
        lastTarget = null;
        if (failure != null) {
            throw failure;
        }
    }

    /** The files currently open, for tests. */
    List<Path> openFiles() {
        return new ArrayList<>(targets.keySet());
    }

    private Target target(String tag) throws IOException {
        if (lastTarget != null && tag.equals(lastTag)) {
            return lastTarget;
        }
        Path file = fixedTarget != null ? fixedTarget : resolve(sanitizeTag(tag));
        Target t = targets.get(file);
        if (t == null) {
            evictIfFull();
            t = new Target(file);
            targets.put(file, t);
        }
        lastTag = tag;
        lastTarget = t;
        return t;
    }

    private void evictIfFull() throws IOException {
        if (targets.size() < MAX_OPEN_FILES) {
            return;
        }
        Target eldest = targets.values().iterator().next();
        eldest.drain(); // if it fails, the file stays with its bytes and the retried write tries again
        targets.remove(eldest.file);
        eldest.close();
    }

    private Path resolve(String name) {
        return config.path() == null ? Path.of(name) : config.path().resolve(name);
    }

    /**
     * Makes a tag a safe relative path, as Fluent Bit does: {@code /} and {@code \} separate
     * directories (empty parts dropped), {@code .} and {@code ..} parts become {@code _}, and any
     * byte other than ASCII letters, digits, {@code -}, {@code _} and {@code .} becomes {@code _}: Fluent
     * Bit (plugins/out_file/file.c, sanitize_tag_name) tests each byte with {@code isalnum}, so a
     * non-ASCII character becomes one {@code _} per UTF-8 byte ({@code é} gives {@code __}), and the file
     * gets the name Fluent Bit gives it.
     */
    static String sanitizeTag(String tag) {
        StringBuilder out = new StringBuilder(tag.length());
        for (String part : tag.split("[/\\\\]")) {
            if (part.isEmpty()) {
                continue;
            }
            if (out.length() > 0) {
                out.append('/');
            }
            if (part.equals(".") || part.equals("..")) {
                out.append('_');
                continue;
            }
            for (int i = 0; i < part.length(); ) {
                int c = part.codePointAt(i);
                i += Character.charCount(c);
                boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '_' || c == '.';
                if (safe) {
                    out.append((char) c);
                } else {
                    int utf8Bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
                    out.append("____", 0, utf8Bytes);
                }
            }
        }
        return out.length() == 0 ? "_" : out.toString();
    }

    /** One output file: its buffered lines and its open channel (opened on first write). */
    private final class Target {

        final Path file;
        final ByteSink buffer = new ByteSink(8 * 1024);
        FileChannel channel;
        /** The file key (device and inode) of the file {@link #channel} writes, or null if unknown. */
        Object openedKey;

        Target(Path file) {
            this.file = file;
        }

        void drain() throws IOException {
            if (buffer.length() == 0) {
                return;
            }
            if (channel == null || !stillAtPath()) {
                reopen();
            }
            buffer.drainTo(channel);
        }

        /** Whether the file at the path is the one the channel writes (not moved, deleted or replaced). */
        private boolean stillAtPath() {
            Object key = fileKey();
            return key != null && (openedKey == null || key.equals(openedKey));
        }

        /** The path's file key; null if it is missing, and the empty string where the platform has none. */
        private Object fileKey() {
            try {
                Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
                return key == null ? "" : key;
            } catch (IOException e) {
                return null;
            }
        }

        private void reopen() throws IOException {
            if (channel != null) {
                log.info("Reopening a file output's file that was moved, deleted or replaced path={}", file);
                close();
            }
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                if (!config.mkdir()) {
                    throw new IOException("cannot open output file '" + file + "': directory '" + parent
                            + "' does not exist (set Mkdir on to create it)");
                }
                Files.createDirectories(parent);
            }
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new IOException("cannot open output file '" + file + "': " + e, e);
            }
            Object key = fileKey();
            openedKey = "".equals(key) ? null : key;
            log.debug("Opened a file output's file path={}", file);
        }

        void close() throws IOException {
            if (channel != null) {
                FileChannel c = channel;
                channel = null;
                c.close();
            }
        }
    }
}
