package dev.ferry.agent.source.tail;

import static dev.ferry.agent.source.tail.TailTestSupport.append;
import static dev.ferry.agent.source.tail.TailTestSupport.await;
import static dev.ferry.agent.source.tail.TailTestSupport.config;
import static dev.ferry.agent.source.tail.TailTestSupport.numbered;
import static dev.ferry.agent.source.tail.TailTestSupport.numberedList;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.ring.LineDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts with a position DB: what is acknowledged is not read again, nothing else is skipped. */
class TailRestartTest {

    @TempDir
    Path dir;

    private final List<TailInput> inputs = new ArrayList<>();

    @AfterEach
    void closeInputs() {
        inputs.forEach(TailInput::close);
    }

    private TailInput start(RecordingPublisher pub, String... extra) {
        List<String> kv = new ArrayList<>(List.of("Path", dir.resolve("*.log").toString(),
                "DB", dir.resolve("pos.db").toString(), "Exit_On_Eof", "On"));
        kv.addAll(List.of(extra));
        TailInput in = new TailInput(config(kv.toArray(String[]::new)), "tail.0", new LineDecoder(null, null, null));
        inputs.add(in);
        in.start(pub);
        return in;
    }

    @Test
    void aRestartResumesAfterTheLastAcknowledgedLine() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, numbered("line", 1, 10));
        RecordingPublisher first = new RecordingPublisher(false);
        TailInput in = start(first, "Read_from_Head", "On");
        await("ten lines", () -> first.size() == 10);
        first.ackFirst(4);
        in.close();
        append(f, numbered("line", 11, 15));

        RecordingPublisher second = new RecordingPublisher(true);
        TailInput again = start(second);

        assertThat(again.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(second.texts()).containsExactlyElementsOf(numberedList("line", 5, 15));
        assertThat(second.lines().get(0).origin().id()).isEqualTo(first.lines().get(0).origin().id());
    }

    @Test
    void aFileRenamedWhileStoppedResumesUnderItsNewName() throws IOException {
        append(dir.resolve("a.log"), numbered("line", 1, 10));
        RecordingPublisher first = new RecordingPublisher(false);
        TailInput in = start(first, "Read_from_Head", "On");
        await("ten lines", () -> first.size() == 10);
        first.ackFirst(6);
        in.close();
        Files.move(dir.resolve("a.log"), dir.resolve("b.log"));
        append(dir.resolve("b.log"), numbered("line", 11, 12));

        RecordingPublisher second = new RecordingPublisher(true);
        TailInput again = start(second, "Read_from_Head", "On");

        assertThat(again.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(second.texts()).containsExactlyElementsOf(numberedList("line", 7, 12));
        assertThat(second.lines().get(0).origin().path()).isEqualTo(dir.resolve("b.log").toString());
    }

    @Test
    void theStartPositionOfAFileReadFromItsEndIsSavedBeforeAnyLine() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, numbered("old", 1, 5));
        RecordingPublisher first = new RecordingPublisher(true);
        TailInput in = start(first);
        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        in.close();
        append(f, numbered("new", 1, 2));

        RecordingPublisher second = new RecordingPublisher(true);
        TailInput again = start(second);

        assertThat(again.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(second.texts()).containsExactlyElementsOf(numberedList("new", 1, 2));
    }

    @Test
    void aFileThatAppearedWhileStoppedIsReadFromItsHead() throws IOException {
        append(dir.resolve("a.log"), "a-1\n");
        RecordingPublisher first = new RecordingPublisher(true);
        TailInput in = start(first, "Read_from_Head", "On");
        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        in.close();
        append(dir.resolve("b.log"), "b-1\nb-2\n");

        RecordingPublisher second = new RecordingPublisher(true);
        TailInput again = start(second);

        assertThat(again.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(second.texts()).containsExactly("b-1", "b-2");
    }

    @Test
    void aFileIdleAcrossARestartUnderIgnoreOlderResumesAtItsSavedOffsetWhenWrittenAgain() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, numbered("old", 1, 3));
        RecordingPublisher first = new RecordingPublisher(true);
        TailInput in = start(first, "Read_from_Head", "On");
        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        in.close();
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));

        RecordingPublisher second = new RecordingPublisher(true);
        TailInput idle = start(second, "Read_from_Head", "On", "Ignore_Older", "1h", "Refresh_Interval", "100ms");
        assertThat(idle.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        append(f, "new-1\n");
        await("the line written after the restart", () -> second.texts().contains("new-1"));
        idle.close();
        append(f, "new-2\n");

        RecordingPublisher third = new RecordingPublisher(true);
        TailInput again = start(third, "Read_from_Head", "On", "Ignore_Older", "1h");
        assertThat(again.drained()).succeedsWithin(10, TimeUnit.SECONDS);

        assertThat(second.texts()).containsExactly("new-1");
        assertThat(second.lines().get(0).origin().id()).isEqualTo(first.lines().get(0).origin().id());
        assertThat(idle.counters().positionsNotFound()).isZero();
        assertThat(third.texts()).containsExactly("new-2");
    }

    @Test
    void anUnreadableDbIsMovedAsideAndFilesAreReadFromTheirHead() throws IOException {
        append(dir.resolve("a.log"), "a-1\n");
        Files.writeString(dir.resolve("pos.db"), "ferry-tail-positions 1\ngarbage\n");
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub);

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactly("a-1");
        assertThat(dir.resolve("pos.db.corrupt")).hasContent("ferry-tail-positions 1\ngarbage");
    }
}
