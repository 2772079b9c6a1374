package dev.ferry.agent.source.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.ZstdOutputStream;
import dev.ferry.agent.TarMembers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
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
                TarMembers.add(tar, e.getKey(), e.getValue());
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

    // ---- what is refused, what is reported

    /** What a walk did, in order: member name -> data read (and the reader's error), or what was reported. */
    private static final class Recorder implements ArchiveWalker.MemberHandler {
        final List<String> events = new ArrayList<>();
        final Map<String, SegmentFiles.Result> read = new LinkedHashMap<>();
        final List<String> data = new ArrayList<>();
        final List<IOException> errors = new ArrayList<>();

        @Override
        public void member(ArchiveWalker.Member member, SegmentReader reader) {
            SegmentFiles.Result r = SegmentFiles.readAll(reader);
            events.add("member " + member.name() + (r.error() == null ? "" : " error"));
            data.add(new String(r.data(), StandardCharsets.UTF_8));
            read.put(member.name(), r);
        }

        @Override
        public void unreadable(ArchiveWalker.Member member, IOException error) {
            events.add("unreadable " + member.name() + " " + error.getClass().getSimpleName()
                    + (error instanceof UnsupportedSegmentException u ? " " + u.format() : ""));
            errors.add(error);
        }

        @Override
        public void damaged(SegmentCorruptException error) {
            events.add("damaged " + error.reason());
            errors.add(error);
        }
    }

    private static Recorder walkAll(Path source) throws IOException {
        Recorder r = new Recorder();
        ArchiveWalker.open(source).walk(r);
        return r;
    }

    /** A tar of (name, bytes) entries; a null value is a directory, a value starting with "->" a symbolic link, "=>" a hard link. */
    private static byte[] tarOf(List<Map.Entry<String, byte[]>> entries) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bo)) {
            for (Map.Entry<String, byte[]> e : entries) {
                String v = e.getValue() == null ? null : new String(e.getValue(), StandardCharsets.ISO_8859_1);
                TarArchiveEntry te;
                if (v != null && v.startsWith("->")) {
                    te = new TarArchiveEntry(e.getKey(), TarConstants.LF_SYMLINK);
                    te.setLinkName(v.substring(2));
                } else if (v != null && v.startsWith("=>")) {
                    te = new TarArchiveEntry(e.getKey(), TarConstants.LF_LINK);
                    te.setLinkName(v.substring(2));
                } else {
                    te = new TarArchiveEntry(e.getKey());
                    te.setSize(e.getValue().length);
                }
                tar.putArchiveEntry(te);
                if (v != null && !v.startsWith("->") && !v.startsWith("=>")) {
                    tar.write(e.getValue());
                }
                tar.closeArchiveEntry();
            }
        }
        return bo.toByteArray();
    }

    @Test
    void aNameTheTarHoldsTwiceIsHandedOverTwiceInTarOrder() throws IOException {
        byte[] first = bytes(seg(1, 3));
        byte[] second = bytes(seg(4, 2));
        byte[] other = bytes(seg(10, 1));
        Path tar = SegmentFiles.write(dir, "dup.tar", tarOf(List.of(Map.entry("a.log", first),
                Map.entry("b.log", other), Map.entry("a.log", second))));
        ArchiveWalker w = ArchiveWalker.open(tar);
        assertThat(w.families()).extracting(f -> f.members().size()).containsExactly(2, 1);
        Recorder r = new Recorder();
        w.walk(r);
        assertThat(r.events).containsExactly("member a.log", "member a.log", "member b.log");
        assertThat(r.data).containsExactly(seg(1, 3), seg(4, 2), seg(10, 1));
        assertThat(w.families().get(0).members()).extracting(ArchiveWalker.Member::size)
                .containsExactly((long) first.length, (long) second.length);
    }

    @Test
    void aTarCutInsideAMemberHandsOverEverythingBeforeTheCutThenTheMembersErrorNamingTheArchive() throws IOException {
        byte[] a = bytes(seg(1, 20));
        byte[] b = bytes(seg(21, 40));
        byte[] whole = tarOf(List.of(Map.entry("logs/a.log", a), Map.entry("logs/b.log", b)));
        int cut = 512 + ((a.length + 511) / 512) * 512 + 512 + 5000; // 5000 bytes into b.log's data
        for (var e : Map.of("cut.tar", Arrays.copyOf(whole, cut),
                "cut.tgz", Arrays.copyOf(SegmentFiles.gzip(whole), SegmentFiles.gzip(whole).length * 2 / 3)).entrySet()) {
            Path tar = SegmentFiles.write(dir, e.getKey(), e.getValue());
            Recorder r = walkAll(tar);
            assertThat(r.events).as(e.getKey()).containsExactly("member logs/a.log", "member logs/b.log error");
            assertThat(r.data.get(0)).isEqualTo(seg(1, 20));
            String partial = r.data.get(1);
            assertThat(bytes(partial).length).as(e.getKey()).isGreaterThan(0).isLessThan(b.length);
            assertThat(seg(21, 40)).startsWith(partial);
            IOException error = r.read.get("logs/b.log").error();
            assertThat(error).isInstanceOf(SegmentCorruptException.class);
            assertThat(((SegmentCorruptException) error).reason()).isEqualTo(SegmentCorruptException.Reason.TRUNCATED);
            assertThat(error.getMessage()).startsWith("Segment " + tar + "!logs/b.log is truncated (tar): the archive ends or"
                    + " is damaged after " + bytes(partial).length + " bytes of this member as stored (");
        }
        Path early = SegmentFiles.write(dir, "early.tar", Arrays.copyOf(whole, 512 + 1000));
        assertThat(walkAll(early).read.get("logs/a.log").error()).hasMessage("Segment " + early + "!logs/a.log is"
                + " truncated (tar): the archive ends or is damaged after 1000 bytes of this member as stored (Truncated"
                + " TAR archive); nothing after it in the archive can be read. uncompressed_offset=1000"
                + " compressed_offset=unknown");
    }

    @Test
    void aTarDamagedBetweenMembersHandsOverTheMembersBeforeAndReportsTheArchiveOnce() throws IOException {
        byte[] a = bytes(seg(1, 20));
        byte[] whole = tarOf(List.of(Map.entry("a.log", a), Map.entry("b.log", bytes(seg(21, 5)))));
        int header = 512 + ((a.length + 511) / 512) * 512;
        byte[] damaged = whole.clone();
        damaged[header + 148] = 'x'; // b.log's header checksum
        Path tar = SegmentFiles.write(dir, "damaged.tar", damaged);
        Recorder r = walkAll(tar);
        assertThat(r.events).containsExactly("member a.log", "damaged CORRUPT");
        assertThat(r.data).containsExactly(seg(1, 20));
        assertThat(r.errors.get(0).getMessage()).isEqualTo("Segment " + tar + " is corrupt (tar): nothing can be read after"
                + " its member a.log (Corrupted TAR archive.). uncompressed_offset=" + (header + 512)
                + " compressed_offset=unknown");
    }

    @Test
    void tarLinksAreNotMembers() throws IOException {
        Path tar = SegmentFiles.write(dir, "links.tar", tarOf(List.of(Map.entry("d/", new byte[0]),
                Map.entry("d/app.log", bytes(seg(1, 2))), Map.entry("d/current.log", bytes("->app.log")),
                Map.entry("d/same.log", bytes("=>d/app.log")), Map.entry("d/gone.log", bytes("=>d/elsewhere.log")))));
        ArchiveWalker w = ArchiveWalker.open(tar);
        assertThat(w.families()).flatExtracting(ArchiveWalker.Family::members).extracting(ArchiveWalker.Member::name)
                .containsExactly("d/app.log");
        Recorder r = new Recorder();
        w.walk(r);
        assertThat(r.events).containsExactly("member d/app.log");
        assertThat(r.data).containsExactly(seg(1, 2));
    }

    @Test
    void formatsFerryDoesNotReadAndNestedArchivesAreReportedNotHandedOver() throws IOException {
        byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 0, 4, (byte) 0xe6, (byte) 0xd6, 0x2d, 0x6c};
        byte[] bz2 = bytes("BZh91AY&SYxxxxxxxx");
        byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 1, 2};
        byte[] sevenZip = {'7', 'z', (byte) 0xbc, (byte) 0xaf, 0x27, 0x1c, 0, 4, 1, 2};
        byte[] lz4 = {0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, (byte) 0xa7, 0, 0, 0};
        byte[] innerTar = tarOf(List.of(Map.entry("x.log", bytes(seg(1, 1)))));
        Path tar = SegmentFiles.write(dir, "mixed.tar", tarOf(List.of(Map.entry("app.log.1.xz", xz),
                Map.entry("b.log.bz2", bz2), Map.entry("c.zip", zip), Map.entry("d.7z", sevenZip), Map.entry("e.log.lz4", lz4),
                Map.entry("f.tar", innerTar), Map.entry("g.tar.gz", SegmentFiles.gzip(innerTar)),
                Map.entry("h.tar.zst", SegmentFiles.zstd(innerTar, true)),
                Map.entry("i.log.gz", SegmentFiles.gzip(SegmentFiles.gzip(bytes(seg(1, 1))))),
                Map.entry("ok.log", bytes(seg(1, 1))))));
        Recorder r = walkAll(tar);
        assertThat(r.events).containsExactlyInAnyOrder("unreadable app.log.1.xz UnsupportedSegmentException XZ",
                "unreadable b.log.bz2 UnsupportedSegmentException BZIP2", "unreadable c.zip UnsupportedSegmentException ZIP",
                "unreadable d.7z UnsupportedSegmentException SEVEN_ZIP", "unreadable e.log.lz4 UnsupportedSegmentException LZ4",
                "unreadable f.tar UnsupportedSegmentException TAR", "unreadable g.tar.gz UnsupportedSegmentException TAR",
                "unreadable h.tar.zst UnsupportedSegmentException TAR", "unreadable i.log.gz UnsupportedSegmentException GZIP",
                "member ok.log");
        assertThat(r.errors).extracting(Throwable::getMessage).contains(
                "Segment " + tar + "!app.log.1.xz is xz-compressed data, which ferry does not read (it reads plain, gzip and"
                        + " zstd files and tar archives of them); unpack or recompress it and replay the result",
                "Segment " + tar + "!g.tar.gz holds, inside its gzip compression, a tar archive, which ferry does not open"
                        + " inside an archive, a compressed file or a directory; pass the archive itself as a PATH of ferry replay",
                "Segment " + tar + "!f.tar is a tar archive, which ferry does not open inside an archive, a compressed file or a"
                        + " directory; pass the archive itself as a PATH of ferry replay");
        // the same as single files: detected by their bytes, whatever their names
        Path xzFile = SegmentFiles.write(dir, "app.log.1", xz);
        assertThat(walkAll(xzFile).events).containsExactly("unreadable app.log.1 UnsupportedSegmentException XZ");
    }

    @Test
    void inADirectoryADanglingLinkIsReportedAFileReachedTwiceIsReadOnceAndLinkedDirectoriesAreFollowedOnce()
            throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.write(tree.resolve("app.log"), bytes(seg(1, 3)));
        Files.createSymbolicLink(tree.resolve("current.log"), Path.of("app.log"));
        Files.createLink(tree.resolve("hard.log"), tree.resolve("app.log"));
        Files.createSymbolicLink(tree.resolve("dangling.log"), Path.of("/nonexistent/x.log"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.write(outside.resolve("other.log"), bytes(seg(10, 2)));
        Files.createSymbolicLink(tree.resolve("linked"), outside);
        Files.createSymbolicLink(outside.resolve("loop"), Path.of(".."));
        Recorder r = walkAll(tree);
        assertThat(r.events).containsExactly("unreadable dangling.log NoSuchFileException", "member app.log",
                "member linked/other.log");
        assertThat(r.data).containsExactly(seg(1, 3), seg(10, 2));
        assertThat(r.errors.get(0)).isInstanceOf(NoSuchFileException.class).hasMessage(tree.resolve("dangling.log")
                + ": a symbolic link to /nonexistent/x.log, which does not exist");
    }

    @Test
    void anEmptyDirectoryOrATarOfNoFileIsEmpty() throws IOException {
        assertThat(ArchiveWalker.open(Files.createDirectories(dir.resolve("empty"))).empty()).isTrue();
        Path linksOnly = SegmentFiles.write(dir, "links.tar", tarOf(List.of(Map.entry("d/", new byte[0]),
                Map.entry("d/x.log", bytes("->y.log")))));
        assertThat(ArchiveWalker.open(linksOnly).empty()).isTrue();
        Path dangling = Files.createDirectories(dir.resolve("dangling"));
        Files.createSymbolicLink(dangling.resolve("x.log"), Path.of("/nonexistent/x.log"));
        assertThat(ArchiveWalker.open(dangling).empty()).isFalse();
        assertThat(ArchiveWalker.open(SegmentFiles.write(dir, "zero.log", new byte[0])).empty()).isFalse();
    }
}
