package dev.ferry.agent.source.tail;

import static dev.ferry.agent.source.tail.TailTestSupport.append;
import static dev.ferry.agent.source.tail.TailTestSupport.numbered;
import static dev.ferry.agent.source.tail.TailTestSupport.numberedList;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.source.FileIdentity;
import dev.ferry.agent.source.FileKey;
import dev.ferry.agent.source.Fingerprint;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file rewritten in place (an OTP disk_log wrap file reused, a copytruncate) between the look that finds
 * it still the same and the read that follows: the bytes that read returns are the new data's, from the
 * middle of it. They must not be published under the old data's offsets: they would be a fragment of a
 * line, then lines published twice (once more when the new data is read from its start). The race is made
 * certain here by a {@link TailData} that rewrites the file just before it reads; OtpRotationIT met it
 * with a real disk_log, once in many runs.
 */
class TailReplacedDuringReadTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final TailInputs inputs = new TailInputs("Read_from_Head", "On", "Refresh_Interval", "60");

    /**
     * The file's own bytes, but the file is rewritten with {@code replacement} just before (or just after) the read
     * it is armed for.
     */
    private static final class RewrittenAroundRead implements TailData {
        private final ChannelTailData data;
        private final Path file;
        private final boolean after;
        private String replacement;

        RewrittenAroundRead(FileChannel channel, Path file, boolean after) {
            this.data = new ChannelTailData(channel, file.toString());
            this.file = file;
            this.after = after;
        }

        void armWith(String text) {
            replacement = text;
        }

        @Override
        public long size() throws IOException {
            return data.size();
        }

        @Override
        public int read(byte[] b, int off, int len, long position) throws IOException {
            if (!after) {
                rewrite();
            }
            int n = data.read(b, off, len, position);
            if (after) {
                rewrite();
            }
            return n;
        }

        private void rewrite() throws IOException {
            if (replacement != null) {
                // As disk_log reuses a file: truncated, then written again, all past the offset being read.
                Files.writeString(file, replacement, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
                replacement = null;
            }
        }

        @Override
        public byte[] head() throws IOException {
            return data.head();
        }

        @Override
        public boolean startsWith(byte[] prefix) throws IOException {
            return data.startsWith(prefix);
        }

        @Override
        public boolean growing() {
            return true;
        }

        @Override
        public void close() {
            data.close();
        }
    }

    @Test
    void bytesReadAfterTheDataWasRewrittenAreNotPublished() throws Exception {
        Path file = dir.resolve("app.log");
        append(file, numbered("old", 1, 10)); // 10 lines of 10 bytes
        RecordingPublisher pub = new RecordingPublisher(true);
        // The input's own thread watches a folder with nothing in it; this test drives one file's reading.
        TailInput input = inputs.start(pub, "Path", dir.resolve("nothing-here/*.log").toString());
        RewrittenAroundRead data =
                new RewrittenAroundRead(FileChannel.open(file, StandardOpenOption.READ), file, false);
        byte[] head = data.head();
        TailedFile f = new TailedFile(input, file, file, false, data,
                new FileIdentity(FileKey.of(file), Fingerprint.of(head, head.length)), null, "t", 0, 32 * 1024,
                32 * 1024);
        try {
            assertThat(f.poll(System.nanoTime())).isTrue();
            assertThat(pub.texts()).containsExactlyElementsOf(numberedList("old", 1, 10));

            append(file, numbered("old", 11, 12));
            // The look before the read sees the old data; the read then finds 30 lines of 14 bytes: offset 100 is
            // in the middle of the 8th.
            data.armWith(numbered("renewed", 1, 30));
            f.poll(System.nanoTime());

            assertThat(pub.texts()).as("nothing of the new data under the old data's offsets")
                    .containsExactlyElementsOf(numberedList("old", 1, 10));
            assertThat(f.replaced()).as("the rewrite is seen").isTrue();
        } finally {
            data.close();
        }
    }

    @Test
    void aFileFoundEmptyAndRewrittenJustAfterItsFirstReadIsSeenAsRewritten() throws Exception {
        // Found empty (no fingerprint yet, as disk_log leaves a file it is about to reuse), then written; the first
        // read gets those lines, and the file is rewritten before the look after the read. The look must not take
        // the new data's head for this data's (the next read would go on in the middle of it): the bytes read are
        // not what the head holds, so the data counts as rewritten and the input starts it again (where the lines
        // read come from the copy, or are counted lost: RotationHandler).
        Path file = dir.resolve("app.log");
        Files.createFile(file);
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput input = inputs.start(pub, "Path", dir.resolve("nothing-here/*.log").toString());
        RewrittenAroundRead data =
                new RewrittenAroundRead(FileChannel.open(file, StandardOpenOption.READ), file, true);
        TailedFile f = new TailedFile(input, file, file, false, data,
                new FileIdentity(FileKey.of(file), Fingerprint.EMPTY), null, "t", 0, 32 * 1024, 32 * 1024);
        try {
            append(file, numbered("old", 1, 10));
            data.armWith(numbered("renewed", 1, 30));
            f.poll(System.nanoTime());
            f.poll(System.nanoTime());

            assertThat(pub.texts()).as("nothing of the new data, and no fragment of it")
                    .allMatch(l -> l.startsWith("old-"));
            assertThat(f.replaced()).as("the rewrite is seen").isTrue();
        } finally {
            data.close();
        }
    }
}
