package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data sharing archive as users get it: {@code packaging/cds-archive.sh} writes {@code ferry.jsa} next
 * to a jar by running the real jar through the launcher, the launcher maps it (ferry's own classes then come
 * from the archive, not the jar), and an archive that no longer fits the jar is skipped without a word, the
 * start going on as without one. Which file a class came from is the JVM's own report
 * ({@code -Xlog:class+load}, passed in {@code JAVA_TOOL_OPTIONS} so the launcher's options stay as they are).
 * How much start-up it saves is measured with bench/e2e.sh, not here.
 */
class CdsArchiveIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String FROM_ARCHIVE = "dev.ferry.agent.Main source: shared objects file";

    @TempDir
    Path dir;

    @Test
    void theScriptWritesAnArchiveTheLauncherUsesAndAStaleOneIsSkippedSilently() throws Exception {
        Path jar = dir.resolve("ferry.jar");
        Files.copy(FerryProcess.jar(), jar);

        Result written = run(List.of("bash", ROOT.resolve("packaging/cds-archive.sh").toString(), jar.toString()), Map.of());
        assertThat(written.code).as(written.output).isZero();
        assertThat(written.output).contains("cds-archive: wrote " + dir.resolve("ferry.jsa"));
        assertThat(dir.resolve("ferry.jsa")).isNotEmptyFile();

        Result used = version(jar, Map.of());
        assertThat(used.code).as(used.output).isZero();
        assertThat(used.output).contains(FROM_ARCHIVE).contains("ferry ");

        Result off = version(jar, Map.of("FERRY_CDS", "off"));
        assertThat(off.output).doesNotContain(FROM_ARCHIVE).contains("dev.ferry.agent.Main source: file:" + jar);

        // A rebuilt jar (another time stamp) no longer fits the archive: the JVM skips it and says nothing.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        Result stale = version(jar, Map.of());
        assertThat(stale.code).as(stale.output).isZero();
        assertThat(stale.output).doesNotContain(FROM_ARCHIVE).doesNotContain("[warning]").doesNotContain("[error]")
                .contains("dev.ferry.agent.Main source: file:" + jar).contains("ferry ");
    }

    @Test
    void withoutAnArchiveTheScriptSaysWhyAndDoesNotFailTheBuild() throws Exception {
        Path jar = dir.resolve("broken.jar");
        Files.writeString(jar, "not a jar");

        Result r = run(List.of("bash", ROOT.resolve("packaging/cds-archive.sh").toString(), jar.toString()), Map.of());

        assertThat(r.code).isZero();
        assertThat(r.output).contains("cds-archive: WARNING: no class-data sharing archive for " + jar
                + "; ferry starts without one (slower).");
        assertThat(dir.resolve("broken.jsa")).doesNotExist();
    }

    private Result version(Path jar, Map<String, String> env) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("FERRY_JAR", jar.toString());
        all.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info");
        return run(List.of(ROOT.resolve("ferry").toString(), "--version"), all);
    }

    private Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().remove("FERRY_JAVA_OPTS");
        pb.environment().remove("FERRY_CDS");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not end within 120 s:\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private record Result(int code, String output) {
    }
}
