package dev.ferry.agent.config;

import dev.ferry.pipeline.config.ConfigException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a configuration file as UTF-8 text, turning every I/O failure into an error that names the path. A
 * leading byte order mark, which Windows editors write, is dropped: kept, it would make the first line an
 * unknown key shown without the invisible mark (Fluent Bit fails on it with "undefined value").
 */
final class ConfigText {

    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private ConfigText() {}

    /**
     * The whole content of {@code file}.
     *
     * @return the text, without a leading byte order mark
     * @throws ConfigException {@code cannot read configuration file PATH: REASON} if it is missing, a
     *     directory, unreadable or not UTF-8
     */
    static String read(Path file) {
        if (Files.isDirectory(file)) {
            throw cannotRead(file, "it is a directory", null);
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.startsWith(BYTE_ORDER_MARK) ? text.substring(1) : text;
        } catch (NoSuchFileException e) {
            throw cannotRead(file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw cannotRead(file, "permission denied", e);
        } catch (MalformedInputException e) {
            throw cannotRead(file, "it is not UTF-8 text", e);
        } catch (IOException e) {
            throw cannotRead(file, String.valueOf(e.getMessage()), e);
        }
    }

    private static ConfigException cannotRead(Path file, String reason, Exception cause) {
        return new ConfigException("cannot read configuration file " + file + ": " + reason, cause);
    }
}
