package dev.ferry.agent.source.tail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.source.FileKey;
import dev.ferry.agent.source.Fingerprint;
import dev.ferry.agent.source.segment.RotatedSiblings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the tail forgets that a rotated file was read to its end. Real files in a real directory: a
 * sibling that one listing does not see (moved out of the directory for that look, as a listing taken
 * while OTP's std handler renames {@code .35.gz} to {@code .36.gz} down to {@code .0.gz} can miss one)
 * must still be known as read when it shows up again, or its lines are read a second time.
 */
class SiblingTrackerTest {

    @TempDir
    Path dir;
    @TempDir
    Path elsewhere;

    private Path family;
    private byte[] rotatedData;
    private SiblingTracker tracker;

    @BeforeEach
    void setUp() throws IOException {
        family = dir.resolve("app.log");
        Files.writeString(family, "{\"seq\":3}\n");
        rotatedData = "{\"seq\":1}\n{\"seq\":2}\n".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("app.log.0"), rotatedData);
        tracker = new SiblingTracker(RotatedSiblings.defaults(), TailInput.MAX_DONE_ENTRIES);
        tracker.addDone(new PositionDb.Entry("fp-rotated", Fingerprint.of(rotatedData, rotatedData.length),
                FileKey.of(dir.resolve("app.log.0")), rotatedData.length, family.toString(), true));
    }

    @Test
    void aSiblingMissedByOneLookIsStillKnownAsReadWhenItShowsUpAgain() throws IOException {
        look();
        assertThat(tracker.doneWith(rotatedData)).isNotNull();

        Files.move(dir.resolve("app.log.0"), elsewhere.resolve("app.log.0"));
        assertThat(look()).isEmpty();
        Files.move(elsewhere.resolve("app.log.0"), dir.resolve("app.log.1"));
        List<SiblingTracker.Found> found = look();

        assertThat(found).extracting(SiblingTracker.Found::path).containsExactly(dir.resolve("app.log.1"));
        assertThat(tracker.doneWith(found.get(0).head())).isNotNull();
        assertThat(tracker.done()).hasSize(1);
    }

    @Test
    void aLookThatFindsTheSiblingAgainStartsTheCountOver() throws IOException {
        Files.move(dir.resolve("app.log.0"), elsewhere.resolve("app.log.0"));
        look();
        Files.move(elsewhere.resolve("app.log.0"), dir.resolve("app.log.1"));
        look();
        Files.move(dir.resolve("app.log.1"), elsewhere.resolve("app.log.1"));
        look();

        assertThat(tracker.doneWith(rotatedData)).isNotNull();
    }

    @Test
    void aSiblingGoneForTwoLooksInARowIsForgotten() throws IOException {
        Files.delete(dir.resolve("app.log.0"));

        look();
        assertThat(tracker.doneWith(rotatedData)).isNotNull();
        look();
        assertThat(tracker.doneWith(rotatedData)).isNull();
        assertThat(tracker.done()).isEmpty();
    }

    @Test
    void anEntryOfAnotherFamilyIsNotTouched() throws IOException {
        Files.delete(dir.resolve("app.log.0"));
        Path other = dir.resolve("other.log");
        Files.writeString(other, "x\n");

        tracker.pruneDone(other, tracker.list(other));
        tracker.pruneDone(other, tracker.list(other));

        assertThat(tracker.doneWith(rotatedData)).isNotNull();
    }

    /** One complete look at the family's siblings, as the tail takes it. */
    private List<SiblingTracker.Found> look() throws IOException {
        List<SiblingTracker.Found> found = tracker.list(family);
        tracker.pruneDone(family, found);
        return found;
    }
}
