package dev.ferry.agent.source.tail;

import static dev.ferry.agent.source.tail.TailTestSupport.append;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files a Path glob finds, compared with glob(3) as Fluent Bit calls it. */
class FileDiscoveryTest {

    @TempDir
    Path dir;

    @Test
    void aLeadingTildeIsTheHomeDirectory() throws IOException {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("logs"));
        append(home.resolve("logs/t.log"), "x\n");

        FileDiscovery d = new FileDiscovery(List.of("~/logs/*.log"), List.of(), null, home.toString());

        assertThat(d.scan()).containsExactly(home.resolve("logs/t.log"));
    }

    @Test
    void wildcardsDoNotMatchALeadingDotButALiteralDotDoes() throws IOException {
        Files.createDirectories(dir.resolve(".cache"));
        append(dir.resolve("app.log"), "x\n");
        append(dir.resolve(".hidden.log"), "x\n");
        append(dir.resolve(".cache/c.log"), "x\n");

        assertThat(new FileDiscovery(List.of(dir + "/*.log", dir + "/*/c.log"), List.of(), null).scan())
                .containsExactly(dir.resolve("app.log"));
        assertThat(new FileDiscovery(List.of(dir + "/.*.log", dir + "/.cache/*.log"), List.of(), null).scan())
                .containsExactly(dir.resolve(".cache/c.log"), dir.resolve(".hidden.log"));
    }

    @Test
    void aFileFoundByARelativeGlobIsNamedAsGlob3NamesIt() {
        Path cwd = Path.of("").toAbsolutePath();
        FileDiscovery d = new FileDiscovery(List.of("logs/*.log", "./*.txt", "/var/log/*.log"), List.of(), null);

        assertThat(d.asFound(cwd.resolve("logs/app.log"))).isEqualTo("logs/app.log");
        assertThat(d.asFound(cwd.resolve("logs/app.log.1.gz"))).isEqualTo("logs/app.log.1.gz");
        assertThat(d.asFound(cwd.resolve("a.txt"))).isEqualTo("./a.txt");
        assertThat(d.asFound(Path.of("/var/log/syslog.log"))).isEqualTo("/var/log/syslog.log");
    }
}
