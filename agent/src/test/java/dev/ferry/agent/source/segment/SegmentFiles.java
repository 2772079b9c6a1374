package dev.ferry.agent.source.segment;

import com.github.luben.zstd.ZstdOutputStream;
import dev.ferry.agent.ErlmcpLogWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/** Test data: erlmcp lines, and gzip/zstd made in Java or with the system tools. */
final class SegmentFiles {

    private SegmentFiles() {
    }

    /** {@code count} erlmcp lines, each with its newline, starting at sequence {@code first}. */
    static byte[] lines(long first, int count) {
        Random rnd = new Random(first);
        StringBuilder sb = new StringBuilder(count * 430);
        for (long i = first; i < first + count; i++) {
            sb.append(ErlmcpLogWriter.line(i, rnd)).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bo.toByteArray();
    }

    static byte[] zstd(byte[] data, boolean checksum) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(bo, 3)) {
            z.setChecksum(checksum);
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bo.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            bo.writeBytes(p);
        }
        return bo.toByteArray();
    }

    static Path write(Path dir, String name, byte[] data) throws IOException {
        return Files.write(dir.resolve(name), data);
    }

    /** Whether a system tool is on the PATH. */
    static boolean hasTool(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command in {@code dir}; fails the test if it does not exit 0 within 60 s. */
    static void run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("exit " + p.exitValue() + ": " + command);
        }
    }

    /** Everything a reader returns until the end or the first exception (which is returned, or null). */
    static Result readAll(SegmentReader r) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        byte[] buf = new byte[7919];
        try {
            for (int n; (n = r.read(buf, 0, buf.length)) >= 0; ) {
                bo.write(buf, 0, n);
            }
            return new Result(bo.toByteArray(), null);
        } catch (IOException e) {
            return new Result(bo.toByteArray(), e);
        }
    }

    record Result(byte[] data, IOException error) {
    }
}
