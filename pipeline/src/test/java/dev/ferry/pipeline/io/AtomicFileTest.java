package dev.ferry.pipeline.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @TempDir
    Path dir;

    @Test
    void replacesTheFileWholeAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("state");
        for (boolean fsync : new boolean[] {false, true}) {
            AtomicFile.write(f, "a much longer first version\n".getBytes(StandardCharsets.UTF_8), fsync);
            AtomicFile.write(f, "second\n".getBytes(StandardCharsets.UTF_8), fsync);
            assertThat(Files.readString(f)).isEqualTo("second\n");
            assertThat(AtomicFile.temporaryFor(f)).doesNotExist();
        }
    }

    @Test
    void aTemporaryFileLeftByACrashIsOverwritten() throws IOException {
        Path f = dir.resolve("state");
        Files.writeString(AtomicFile.temporaryFor(f), "half-written by a process that died");
        AtomicFile.write(f, "new\n".getBytes(StandardCharsets.UTF_8), true);
        assertThat(Files.readString(f)).isEqualTo("new\n");
        assertThat(dir.resolve("state.tmp")).doesNotExist();
    }

    @Test
    void aFolderThatIsGoneIsAnErrorNamingTheFile() {
        Path f = dir.resolve("gone").resolve("state");
        assertThatThrownBy(() -> AtomicFile.write(f, new byte[] {1}, false))
                .isInstanceOf(IOException.class).hasMessageContaining("state.tmp");
    }
}
