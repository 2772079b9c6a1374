package dev.ferry.agent.source.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveWalkerTest {

    @TempDir
    Path dir;

    /** name -> stored bytes, in the (shuffled) order they go into the archive. */
    private final Map<String, byte[]> stored = new LinkedHashMap<>();
    /** family -> uncompressed data oldest first, as expected from a walk. */
    private String appExpected;
    private String otherExpected;

    @BeforeEach
    void makeLogs() {
        String g3 = seg(1, 40);
        String g2 = seg(41, 40);
        String g1 = seg(81, 40);
        String g0 = seg(121, 40);
        String active = seg(161, 10);
        appExpected = g3 + g2 + g1 + g0 + active;
        stored.put("logs/app.log", bytes(active));
        stored.put("logs/app.log.1.gz", SegmentFiles.gzip(bytes(g1)));
        stored.put("logs/app.log.3.zst", SegmentFiles.zstd(bytes(g3), true));
        stored.put("logs/app.log.0", bytes(g0));
        stored.put("logs/app.log.2.gz", SegmentFiles.gzip(bytes(g2)));
        String o1 = seg(500, 5);
        String o2 = seg(505, 5);
        otherExpected = o1 + o2;
        stored.put("other.log", bytes(o2));
        stored.put("other.log-2024-01-01.gz", SegmentFiles.gzip(bytes(o1)));
    }

    private static String seg(long first, int count) {
        return new String(SegmentFiles.lines(first, count), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Map<String, String> walk(ArchiveWalker w, List<String> order) throws IOException {
        Map<String, String> byFamily = new LinkedHashMap<>();
        w.walk((m, r) -> {
            order.add(m.name());
            SegmentFiles.Result res = SegmentFiles.readAll(r);
            assertThat(res.error()).isNull();
            String key = RotationName.parse(m.fileName()).base();
            byFamily.merge(key, new String(res.data(), StandardCharsets.UTF_8), String::concat);
        });
        return byFamily;
    }

    private void assertWalk(ArchiveWalker w, String prefix) throws IOException {
        assertThat(w.families()).extracting(ArchiveWalker.Family::base).containsExactly("other.log", "app.log");
        List<String> order = new ArrayList<>();
        Map<String, String> data = walk(w, order);
        assertThat(order).containsExactly(prefix + "other.log-2024-01-01.gz", prefix + "other.log",
                prefix + "logs/app.log.3.zst", prefix + "logs/app.log.2.gz", prefix + "logs/app.log.1.gz",
                prefix + "logs/app.log.0", prefix + "logs/app.log");
        assertThat(data.get("app.log")).isEqualTo(appExpected);
        assertThat(data.get("other.log")).isEqualTo(otherExpected);
    }

    private Path writeTree(Path root) throws IOException {
        long t = 1_700_000_000_000L;
        for (Map.Entry<String, byte[]> e : stored.entrySet()) {
            Path p = root.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
            Files.setLastModifiedTime(p, FileTime.fromMillis(t += 1000));
        }
        return root;
    }

    private byte[] tar() throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bo)) {
            for (Map.Entry<String, byte[]> e : stored.entrySet()) {
                TarArchiveEntry te = new TarArchiveEntry(e.getKey());
                te.setSize(e.getValue().length);
                tar.putArchiveEntry(te);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bo.toByteArray();
    }

    @Test
    void directoryIsWalkedFamilyByFamilyOldestFirst() throws IOException {
        ArchiveWalker w = ArchiveWalker.open(writeTree(dir.resolve("tree")));
        assertThat(w.kind()).isEqualTo(ArchiveWalker.SourceKind.DIRECTORY);
        assertWalk(w, "");
    }

    @Test
    void tarInAnyCompressionIsWalkedInFamilyOrderWhateverItsOwnOrder() throws IOException {
        byte[] tar = tar();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(gz)) {
            o.write(tar);
        }
        ByteArrayOutputStream zst = new ByteArrayOutputStream();
        try (OutputStream o = new ZstdOutputStream(zst)) {
            o.write(tar);
        }
        for (var e : Map.of("logs.tar", tar, "logs.tgz", gz.toByteArray(), "logs.tar.zst", zst.toByteArray()).entrySet()) {
            ArchiveWalker w = ArchiveWalker.open(SegmentFiles.write(dir, e.getKey(), e.getValue()));
            assertThat(w.kind()).as(e.getKey()).isEqualTo(ArchiveWalker.SourceKind.TAR);
            assertWalk(w, "");
            assertThat(w.families().get(1).members()).extracting(ArchiveWalker.Member::size)
                    .containsExactly((long) stored.get("logs/app.log.3.zst").length,
                            (long) stored.get("logs/app.log.2.gz").length, (long) stored.get("logs/app.log.1.gz").length,
                            (long) stored.get("logs/app.log.0").length, (long) stored.get("logs/app.log").length);
        }
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("ferry-replay-"))).isEmpty();
        }
    }

    @Test
    void systemTarArchivesAreWalked() throws Exception {
        assumeTrue(SegmentFiles.hasTool("tar") && SegmentFiles.hasTool("zstd"), "tar and zstd tools");
        writeTree(dir.resolve("tree"));
        SegmentFiles.run(dir, List.of("sh", "-c", "tar czf logs.tar.gz -C tree . && tar cf - -C tree . | zstd -q > logs.tar.zst"));
        for (String name : List.of("logs.tar.gz", "logs.tar.zst")) {
            ArchiveWalker w = ArchiveWalker.open(dir.resolve(name));
            assertThat(w.kind()).isEqualTo(ArchiveWalker.SourceKind.TAR);
            assertWalk(w, "");
        }
    }

    @Test
    void singleCompressedFileIsOneFamily() throws IOException {
        Path p = SegmentFiles.write(dir, "app.log.1.gz", stored.get("logs/app.log.1.gz"));
        ArchiveWalker w = ArchiveWalker.open(p);
        assertThat(w.kind()).isEqualTo(ArchiveWalker.SourceKind.FILE);
        assertThat(w.families()).singleElement().satisfies(f -> assertThat(f.base()).isEqualTo("app.log"));
        List<String> order = new ArrayList<>();
        assertThat(walk(w, order).get("app.log")).isEqualTo(seg(81, 40));
    }

    @Test
    void diskLogWrapFamilyFollowsItsIndexAndInternalFilesAreReported() throws IOException {
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree);
        for (String dirName : List.of("wrap", "internal")) {
            try (var s = Files.list(Path.of("src/test/resources/segment/otp", dirName))) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Files.copy(p, tree.resolve(p.getFileName()));
                }
            }
        }
        ArchiveWalker w = ArchiveWalker.open(tree);
        assertThat(w.families()).extracting(f -> f.members().stream().map(ArchiveWalker.Member::name).toList())
                .containsExactly(List.of("internal.log.1"),
                        List.of("wrap.log.4", "wrap.log.1", "wrap.log.2", "wrap.log.3"));
        List<String> unreadable = new ArrayList<>();
        List<String> read = new ArrayList<>();
        w.walk(new ArchiveWalker.MemberHandler() {
            @Override
            public void member(ArchiveWalker.Member member, SegmentReader reader) {
                read.add(member.name());
            }

            @Override
            public void unreadable(ArchiveWalker.Member member, IOException error) {
                assertThat(error).isInstanceOf(UnsupportedSegmentException.class);
                unreadable.add(member.name());
            }
        });
        assertThat(unreadable).containsExactly("internal.log.1");
        assertThat(read).containsExactly("wrap.log.4", "wrap.log.1", "wrap.log.2", "wrap.log.3");
    }
}
