package dev.ferry.agent.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * Where a file's bytes live now: its device and inode, as {@code dev:ino} in hexadecimal (for example
 * {@code 803:1a2b3c}).
 *
 * <p>Two paths with the same key are the same file at this moment (hard links, renames, symlinks).
 * Keys are only stable while the file exists: once it is deleted the inode may be given to another
 * file, so a key alone never identifies data across time (see {@link Fingerprint}). Where the
 * {@code unix} attribute view is missing, {@link BasicFileAttributes#fileKey()} is used as it prints,
 * and where that is null too, the path (weaker: a rename then looks like a new file). Immutable.
 *
 * @param value the key as written into the position DB
 */
public record FileKey(String value) {

    private static final String OVERWRITTEN = "overwritten:";

    /** The key of the file {@code path} points to now (symlinks followed). */
    public static FileKey of(Path path) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino");
            Object dev = a.get("dev");
            Object ino = a.get("ino");
            if (dev instanceof Long d && ino instanceof Long i) {
                return new FileKey(Long.toHexString(d) + ":" + Long.toHexString(i));
            }
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // no unix view on this platform: fall through to the portable file key
        }
        Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        return new FileKey(key != null ? key.toString() : "path:" + path.toAbsolutePath());
    }

    /**
     * The key for data that was overwritten in place in the file with this key (copytruncate, an OTP disk_log wrap
     * file reused): no file holds that data under any key any more, so it equals no file's key. Kept in the position
     * DB like any key.
     */
    public FileKey overwritten() {
        return isOverwritten() ? this : new FileKey(OVERWRITTEN + value);
    }

    /** Whether this is the key of data overwritten in place ({@link #overwritten()}). */
    public boolean isOverwritten() {
        return value.startsWith(OVERWRITTEN);
    }

    /** The key of {@code path}, or null if nothing is there (or it cannot be read). */
    public static FileKey ofOrNull(Path path) {
        try {
            return of(path);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return value;
    }

    // equals and hashCode written out: a record's generated ones are bound through method handles at their first
    // call, which spins classes at every start.
    @Override
    public boolean equals(Object o) {
        return o instanceof FileKey k && value.equals(k.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
