package dev.ferry.agent.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helper: writes configuration files line by line into a test's temporary directory. */
final class ConfigFiles {

    private ConfigFiles() {}

    /** Writes {@code lines} (joined with newlines) to {@code dir/name}, creating parent directories. */
    static Path write(Path dir, String name, String... lines) {
        Path file = dir.resolve(name);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
