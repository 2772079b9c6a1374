package dev.ferry.agent.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintTest {

    @TempDir
    Path dir;

    private static Fingerprint read(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p)) {
            return Fingerprint.read(ch);
        }
    }

    private static byte[] head(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p)) {
            return Fingerprint.head(ch);
        }
    }

    @Test
    void growsWithASmallFileUpTo1KiBAndKeepsMatchingAsItGrows() throws IOException {
        Path f = dir.resolve("a.log");
        Files.writeString(f, "first line\n");
        Fingerprint small = read(f);
        Files.writeString(f, "x".repeat(2000), StandardOpenOption.APPEND);
        Fingerprint full = read(f);

        assertThat(small.length()).isEqualTo(11);
        assertThat(small.complete()).isFalse();
        assertThat(full.length()).isEqualTo(1024);
        assertThat(full.complete()).isTrue();
        assertThat(small.matches(head(f))).isTrue();
        assertThat(full.matches(head(f))).isTrue();
    }

    @Test
    void stopsMatchingWhenTheFileIsRewrittenOrShorter() throws IOException {
        Path f = dir.resolve("a.log");
        Files.writeString(f, "first line\nsecond line\n");
        Fingerprint before = read(f);

        Files.writeString(f, "other line\nsecond line\n");
        assertThat(before.matches(head(f))).isFalse();
        Files.writeString(f, "first");
        assertThat(before.matches(head(f))).isFalse();
    }

    @Test
    void printsAndParsesAsHexDashLength() {
        Fingerprint f = Fingerprint.of("hello\n".getBytes(StandardCharsets.UTF_8), 6);

        assertThat(f.toString()).matches("[0-9a-f]{16}-6");
        assertThat(Fingerprint.parse(f.toString())).isEqualTo(f);
        assertThat(new FileIdentity(new FileKey("1:2"), f).id()).isEqualTo("fp-" + f);
    }

    /** Their equals and hashCode are written out (see the records); as map and set keys they go by value. */
    @Test
    void fingerprintsAndFileKeysAreKeysByValue() {
        Fingerprint f = Fingerprint.of("hello\n".getBytes(StandardCharsets.UTF_8), 6);

        assertThat(Map.of(f, "a")).containsKey(Fingerprint.parse(f.toString()));
        assertThat(new Fingerprint(f.hash(), 5)).isNotEqualTo(f);
        assertThat(new Fingerprint(f.hash() + 1, 6)).isNotEqualTo(f);
        assertThat(Set.of(new FileKey("803:1a"))).contains(new FileKey("803:1a")).doesNotContain(new FileKey("803:1b"));
    }

    @Test
    void theSameDataHasTheSameFingerprintWhereverItIs() throws IOException {
        Files.writeString(dir.resolve("a.log"), "same data\n");
        Files.writeString(dir.resolve("b.log"), "same data\n");

        assertThat(read(dir.resolve("a.log"))).isEqualTo(read(dir.resolve("b.log")));
    }

    @Test
    void theFileKeyFollowsTheFileAcrossARename() throws IOException {
        Path a = dir.resolve("a.log");
        Files.writeString(a, "x\n");
        Files.writeString(dir.resolve("other.log"), "x\n");
        FileKey before = FileKey.of(a);

        Files.move(a, dir.resolve("b.log"));

        assertThat(FileKey.of(dir.resolve("b.log"))).isEqualTo(before);
        assertThat(FileKey.of(dir.resolve("other.log"))).isNotEqualTo(before);
        assertThat(FileKey.ofOrNull(a)).isNull();
    }
}
