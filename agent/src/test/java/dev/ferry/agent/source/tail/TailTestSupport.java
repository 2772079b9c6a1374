package dev.ferry.agent.source.tail;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.config.SourceLocation;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;

/** Builders and waits shared by the tail tests. */
final class TailTestSupport {

    private TailTestSupport() {
    }

    /** A {@code [INPUT] tail} section from key/value pairs, one line per entry starting at line 2. */
    static ConfigSection section(String... keyValues) {
        List<ConfigEntry> entries = new ArrayList<>();
        entries.add(new ConfigEntry("Name", "tail", new SourceLocation("test.conf", 2)));
        for (int i = 0; i < keyValues.length; i += 2) {
            entries.add(new ConfigEntry(keyValues[i], keyValues[i + 1], new SourceLocation("test.conf", 3 + i / 2)));
        }
        return new ConfigSection("INPUT", new SourceLocation("test.conf", 1), entries);
    }

    static Options bind(String... keyValues) {
        return TailConfig.OPTIONS.bind(section(keyValues));
    }

    static TailConfig config(String... keyValues) {
        return TailConfig.from(bind(keyValues));
    }

    static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Compresses {@code plain} into {@code plain + "." + ext} ({@code gz} or {@code zst}) and deletes
     * {@code plain}, as OTP's compress_on_rotate and logrotate's compress do; returns the segment.
     */
    static Path compress(Path plain, String ext) throws IOException {
        Path out = plain.resolveSibling(plain.getFileName() + "." + ext);
        writeCompressed(out, Files.readAllBytes(plain));
        Files.delete(plain);
        return out;
    }

    /** Writes {@code data} compressed by the file's suffix ({@code .gz} or {@code .zst}). */
    static void writeCompressed(Path file, byte[] data) throws IOException {
        try (OutputStream o = file.toString().endsWith(".gz")
                ? new GZIPOutputStream(Files.newOutputStream(file))
                : new ZstdOutputStream(Files.newOutputStream(file), 3)) {
            o.write(data);
        }
    }

    /** {@code prefix-<from>} .. {@code prefix-<to>}, each ending in a newline. */
    static String numbered(String prefix, int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i <= to; i++) {
            b.append(prefix).append('-').append(String.format("%05d", i)).append('\n');
        }
        return b.toString();
    }

    static List<String> numberedList(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(prefix + "-" + String.format("%05d", i));
        }
        return out;
    }

    /** Polls {@code condition} every 10 ms until it holds; fails after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    static void await(String what, BooleanSupplier condition) {
        await(what, Duration.ofSeconds(10), condition);
    }
}
