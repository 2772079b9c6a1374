package dev.ferry.pipeline.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Spool#withoutNativeSync}, in a child JVM without JUnit (Chronicle binds its native POSIX calls at start-up
 * only outside JUnit, and the switch is for the whole process): a spool with sync normal works without jnr-ffi ever
 * loading, and one with sync full is refused rather than opened without msync.
 */
class SpoolNativeSyncTest {

    @TempDir
    Path dir;

    @Test
    void aProcessWithoutNativeSyncSpoolsWithoutJnrAndRefusesSyncFull() throws Exception {
        ChildJvm child = ChildJvm.start(List.of("-Dchronicle.analytics.disable=true", "-Xlog:class+load=info:stdout"),
                e -> !Path.of(e).getFileName().toString().contains("junit"), SpoolChildMain.class, "nosync",
                dir.toString(), "100");
        try {
            assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("child exits").isTrue();
        } finally {
            child.close();
        }
        assertThat(child.exitValue()).as("stderr: %s", child.stderr()).isZero();
        assertThat(child.lines()).contains("read 100", "posix NoOpPosixAPI", "refused: cannot open the spool in " + dir
                + " with storage.sync full: this process turned Chronicle's native msync off (Spool.withoutNativeSync)");
        assertThat(child.lines()).as("classes loaded").isNotEmpty()
                .anyMatch(l -> l.contains("net.openhft.chronicle.queue.impl.single.SingleChronicleQueue "))
                .noneMatch(l -> l.contains(" jnr.ffi.") || l.contains(" com.kenai.jffi."));
    }
}
