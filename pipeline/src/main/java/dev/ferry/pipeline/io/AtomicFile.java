package dev.ferry.pipeline.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file atomically: the bytes go to {@code <file>.tmp}, which is renamed over the file,
 * so a reader (or a restart after a crash) sees either the old or the new contents.
 *
 * <p>With {@code fsync} the temporary file is {@code fsync}ed before the rename and the directory after
 * it, so the new contents survive a power loss once {@link #write} returns. A failed directory
 * {@code fsync} is ignored: some file systems cannot sync a directory, the file itself is synced, and the
 * worst a lost rename can do is bring back the previous contents (for positions: lines sent again, which
 * ferry's document ids absorb, never lines lost). A failed write or file {@code fsync} is thrown.
 *
 * <p>Stateless. Two threads must not write the same file at once (they would share the temporary file).
 */
public final class AtomicFile {

    private AtomicFile() {
    }

    /** The temporary file {@link #write} uses for {@code file}. */
    public static Path temporaryFor(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    /**
     * Replaces {@code file} with {@code bytes}.
     *
     * @throws IOException if the temporary file cannot be written or synced, or the rename fails
     */
    public static void write(Path file, byte[] bytes, boolean fsync) throws IOException {
        Path tmp = temporaryFor(file);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (fsync) {
                ch.force(true);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (fsync) {
            try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException e) {
                // See the class comment: the file is synced; a lost rename brings back the old contents.
            }
        }
    }
}
