package dev.ferry.agent.source.replay;

import dev.ferry.agent.source.FileIdentity;
import dev.ferry.agent.source.Fingerprint;
import dev.ferry.agent.source.Input;
import dev.ferry.agent.source.LineBuffer;
import dev.ferry.agent.source.MultilineBatchSink;
import dev.ferry.agent.source.NewlineScanner;
import dev.ferry.agent.source.segment.ArchiveWalker;
import dev.ferry.agent.source.segment.RotationName;
import dev.ferry.agent.source.segment.SegmentCorruptException;
import dev.ferry.agent.source.segment.SegmentReader;
import dev.ferry.agent.source.segment.UnsupportedSegmentException;
import dev.ferry.agent.source.tail.TailConfig;
import dev.ferry.agent.source.tail.TailTag;
import dev.ferry.parsers.multiline.MultilineAssembler;
import dev.ferry.parsers.multiline.MultilineParserList;
import dev.ferry.pipeline.record.RecordOrigin;
import dev.ferry.pipeline.ring.LineBatch;
import dev.ferry.pipeline.ring.LineDecoder;
import dev.ferry.pipeline.ring.LinePublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input of {@code ferry replay}: reads captured log archives (directories, single {@code .log},
 * {@code .gz}, {@code .zst} files, {@code .tar}, {@code .tar.gz}, {@code .tgz}, {@code .tar.zst}) through the
 * configuration's tail settings ({@code Tag}, {@code Parser}, {@code multiline.parser},
 * {@code Skip_Empty_Lines}), each file family oldest segment first, and ends when everything it read has
 * been acknowledged.
 *
 * <p>Records carry the same origin ids ({@link FileIdentity#originId}) and uncompressed offsets a live
 * tail gives the same files, so outputs with deterministic ids (Elasticsearch) add no duplicate when an
 * archive overlaps what was shipped live, or is replayed twice. Record times are the logs' own (the
 * parser's); the read time stands in only where a line has none.
 *
 * <p>Lines are cut by the tail's own {@link LineBuffer}, so the same bytes give the same lines, skips and
 * offsets: {@code \r} before a newline (and at the end of a last line without one) stripped,
 * {@code Buffer_Chunk_Size}/{@code Buffer_Max_Size} and long lines skipped whole up to their newline,
 * counted, the first per file logged. Tags are the tail's: {@code Tag} expanded ({@link TailTag}) with the
 * path of the family's active file, for a rotated segment too ({@code var/log/app.log.1.gz} in a tar is
 * tagged as {@code /var/log/app.log}); the records' path is the member's own. A file's last line without
 * newline is shipped, unless the segment ends in a cut: then it is a fragment, counted and logged, not shipped.
 *
 * <p>One reading thread; {@link #counters()} and progress are readable from any thread. A corrupt or
 * truncated segment or tar archive: what can be read is shipped, the error is logged with the file and
 * offset and counted ({@code corrupt_segments}), and the replay goes on with the next file. A PATH or a
 * file that cannot be read, a file in a format ferry does not read (xz, zip, a tar inside an archive...)
 * and a PATH with no log file in it are logged and counted ({@code unreadable_files}); the other files
 * and PATHs are still replayed. A file or directory given twice (as two PATHs, or as a PATH and inside a
 * directory PATH) is replayed once.
 */
public final class ReplayInput implements Input {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayInput.class);

    private final List<Path> sources;
    private final TailConfig config;
    private final TailTag tagging;
    private final String name;
    private final LineDecoder decoder;
    private final MultilineParserList multiline;
    private final ReplayProgress progress;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final ReplayCounters counters = new ReplayCounters();
    private final LineBatch batch = new LineBatch(512);
    /** Files replayed, and tar and directory PATHs walked, by device and inode. */
    private final Map<Object, Replayed> replayedFiles = new HashMap<>();
    private final MultilineBatchSink multilineSink = new MultilineBatchSink(this::publishAndClear);
    private LinePublisher publisher;
    private volatile boolean running = true;
    private volatile boolean walked;
    private Thread thread;

    /**
     * @param sources what to replay, in order
     * @param config the tail settings the archive's files are read with
     * @param multiline the multiline parsers, or null
     */
    public ReplayInput(List<Path> sources, TailConfig config, String name, LineDecoder decoder,
                       MultilineParserList multiline, ReplayProgress progress) {
        this.sources = List.copyOf(sources);
        this.config = config;
        this.tagging = config.tagging(name);
        this.name = name;
        this.decoder = decoder;
        this.multiline = multiline;
        this.progress = progress;
    }

    @Override
    public String name() {
        return name;
    }

    public ReplayCounters counters() {
        return counters;
    }

    @Override
    public void start(LinePublisher publisher) {
        this.publisher = publisher;
        thread = new Thread(this::run, "ferry-replay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean endsAtEof() {
        return true;
    }

    @Override
    public CompletableFuture<Void> drained() {
        return drained;
    }

    @Override
    public void stopReading() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        progress.finish();
    }

    private void run() {
        try {
            List<Path> listed = new ArrayList<>();
            List<ArchiveWalker> walkers = new ArrayList<>();
            long total = 0;
            for (Path source : sources) {
                ArchiveWalker w;
                try {
                    w = ArchiveWalker.open(source);
                } catch (IOException e) {
                    counters.failedFiles.increment();
                    LOG.error("A PATH cannot be read; it is skipped and the other PATHs are replayed. source={} error={}",
                            source, e.toString());
                    continue;
                }
                if (w.empty()) {
                    counters.failedFiles.increment();
                    LOG.error("A PATH holds no log file; nothing is replayed from it. source={} kind={}", source,
                            w.kind().name().toLowerCase(Locale.ROOT));
                    continue;
                }
                if (w.kind() != ArchiveWalker.SourceKind.FILE && givenBefore(source, source)) {
                    continue; // a FILE is checked when its turn comes: it may be in a directory given before it
                }
                listed.add(source);
                walkers.add(w);
                for (ArchiveWalker.Family f : w.families()) {
                    for (ArchiveWalker.Member m : f.members()) {
                        total += m.size();
                    }
                }
            }
            progress.start(total);
            for (int i = 0; i < walkers.size() && running; i++) {
                Path source = listed.get(i);
                try {
                    walk(source, walkers.get(i));
                } catch (IOException e) {
                    if (running) {
                        counters.failedFiles.increment();
                        LOG.error("Replay of a PATH stopped: it cannot be read further; the other PATHs are replayed."
                                + " source={} error={}", source, e.toString());
                    }
                }
            }
        } finally {
            walked = true;
            checkDrained();
        }
    }

    /**
     * Whether the file or directory at {@code p} (same device and inode) was replayed already, given as another
     * PATH or found in a directory PATH, as with {@code logs/ logs/app.log} or a PATH given twice: it is replayed
     * once, and the second is logged. Records it otherwise; one whose attributes cannot be read is not recorded
     * and goes on, so that reading it reports what is wrong with it.
     */
    private boolean givenBefore(Path source, Path p) {
        Object key;
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            key = a.fileKey() != null ? a.fileKey() : p.toRealPath();
        } catch (IOException e) {
            return false;
        }
        Replayed first = replayedFiles.putIfAbsent(key, new Replayed(source, p));
        if (first == null) {
            return false;
        }
        LOG.info("A file or directory was given more than once (as a PATH, or inside a directory PATH); it is replayed"
                + " once. source={} path={} replayed_from_source={} replayed_as={}", source, p, first.source(), first.path());
        return true;
    }

    private void walk(Path source, ArchiveWalker walker) throws IOException {
        walker.walk(new ArchiveWalker.MemberHandler() {
            @Override
            public void member(ArchiveWalker.Member member, SegmentReader reader) throws IOException {
                if (!running) {
                    return;
                }
                Path file = walker.fileOf(member);
                if (file != null && givenBefore(source, file)) {
                    progress.memberDone(member.size());
                    return;
                }
                progress.memberStarted(reader.name());
                try {
                    replay(source, member, reader);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("replay interrupted", e);
                } finally {
                    progress.memberDone(member.size());
                }
            }

            @Override
            public void unreadable(ArchiveWalker.Member member, IOException error) {
                if (!running) {
                    return;
                }
                counters.failedFiles.increment();
                progress.memberDone(member.size());
                if (error instanceof UnsupportedSegmentException u) {
                    LOG.error("A file is in a format ferry does not read; none of it is shipped. source={} file={}"
                            + " format={} error={}", source, member.name(), u.format().label(), error.getMessage());
                } else {
                    LOG.error("A file cannot be read; it is skipped. source={} file={} error={}", source, member.name(),
                            error.toString());
                }
            }

            @Override
            public void damaged(SegmentCorruptException error) {
                counters.corruptSegments.increment();
                LOG.error("Archive is truncated or damaged; the files before the damage were replayed, nothing after it"
                        + " can be read. source={} error={}", source, error.getMessage());
            }
        });
    }

    private void replay(Path source, ArchiveWalker.Member member, SegmentReader reader)
            throws IOException, InterruptedException {
        String path = "/" + member.name();
        String tag = tagging.of(activePath(member));
        if (tag == null) {
            counters.failedFiles.increment();
            LOG.error("Tag_Regex is not found in a file's path, so its records would have no tag; it is skipped, as the "
                    + "tail does not read such a file. source={} file={} tag_regex={}", source, member.name(),
                    tagging.regex().source());
            return;
        }
        // Its log lines (a long line skipped, a cut line dropped) name the file as given, or archive!member.
        LineBuffer lines = new LineBuffer(reader.name(), config.skipLongLines(), config.bufferChunkSize(),
                config.bufferMaxSize(), 0);
        // The origin id comes from the data's first bytes, as the tail takes it from the file's head:
        // kept aside, as a long line skipped at the start leaves them in no buffer.
        byte[] head = new byte[Fingerprint.MAX_BYTES];
        int headLength = 0;
        ReplayOrigin origin = null;
        MultilineAssembler assembler = multiline == null ? null : MultilineAssembler.create(multiline);
        boolean cut = false;
        counters.files.increment();
        while (running) {
            if (lines.makeRoom() >= 0) {
                counters.longLinesSkipped.increment(); // logged by the buffer, the first per file
            }
            int n;
            try {
                n = reader.read(lines.array(), lines.end(), lines.free());
            } catch (SegmentCorruptException e) {
                counters.corruptSegments.increment();
                LOG.error("Segment is corrupt or truncated; what could be read is shipped. source={} file={} "
                                + "uncompressed_offset={} error={}", source, member.name(), reader.position(), e.getMessage());
                cut = true;
                n = -1;
            }
            boolean eof = n < 0;
            if (n > 0) {
                if (headLength < head.length) {
                    int k = Math.min(n, head.length - headLength);
                    System.arraycopy(lines.array(), lines.end(), head, headLength, k);
                    headLength += k;
                }
                lines.filled(n);
                counters.bytesRead.add(n);
                progress.advance(reader.compressedPosition() >= 0 ? reader.compressedPosition() : reader.position());
            }
            if (origin == null && (eof || headLength == head.length || NewlineScanner.indexOf(head, 0, headLength) >= 0)) {
                origin = new ReplayOrigin(path, reader.name(), FileIdentity.originId(head, headLength));
            }
            if (origin == null) {
                continue;
            }
            batch.begin(lines.array(), tag, decoder, origin, System.currentTimeMillis() * 1_000_000L);
            while (lines.nextLine()) {
                if (lines.lineLength() == 0 && config.skipEmptyLines()) {
                    continue;
                }
                add(assembler, lines.array(), lines.lineStart(), lines.lineLength(), lines.lineOffset(),
                        lines.lineNextOffset());
            }
            if (eof) {
                finish(source, member, lines, cut, assembler);
                break;
            }
            flush();
        }
    }

    /**
     * The end of a member: its unfinished last line goes out as the tail's {@code publishRemainder} sends it
     * (a trailing {@code \r} stripped), unless the data ended in a cut: then it is a fragment of a line, and
     * under the offset the whole line has it would stand in for it (an Elasticsearch id taken, a later
     * replay of a good copy refused as a duplicate). It is counted and logged instead, as the tail does.
     */
    private void finish(Path source, ArchiveWalker.Member member, LineBuffer lines, boolean cut,
                        MultilineAssembler assembler) throws InterruptedException {
        if (cut) {
            if (lines.dropCutRemainder() > 0) {
                counters.cutLinesDropped.increment();
            }
        } else if (lines.takeRemainder()) {
            add(assembler, lines.array(), lines.lineStart(), lines.lineLength(), lines.lineOffset(),
                    lines.lineNextOffset());
        }
        if (assembler != null) {
            assembler.flush(System.nanoTime(), true, multilineSink.into(batch));
            multilineSink.rethrowInterrupt();
            long splits = assembler.counters().oversize();
            if (splits > 0) {
                counters.multilineRecordsSplit.add(splits);
                LOG.warn("Multiline records of a file reached max_record_size and were split: their next lines went on"
                        + " in new records, so such an event arrives as several; nothing is lost. Raise max_record_size"
                        + " of the multiline parser to keep them whole. source={} file={} max_record_size={}"
                        + " records_split={}", source, member.name(), multiline.maxRecordSizes(), splits);
            }
        }
        flush();
    }

    /**
     * The path a live tail tags a member's records with: that of its family's active file (a rotated
     * segment is tagged with the path it was rotated from, {@code app.log.1.gz} as {@code app.log}).
     */
    static String activePath(ArchiveWalker.Member member) {
        String dir = member.name().substring(0, member.name().length() - member.fileName().length());
        return "/" + dir + RotationName.parse(member.fileName()).base();
    }

    private void add(MultilineAssembler assembler, byte[] buf, int from, int len, long off, long next)
            throws InterruptedException {
        if (assembler != null) {
            assembler.accept(buf, from, len, off, next, System.nanoTime(), multilineSink.into(batch));
            multilineSink.rethrowInterrupt();
            return;
        }
        if (batch.add(from, len, off, next)) {
            flush();
        }
    }

    private void flush() throws InterruptedException {
        publishAndClear(batch);
    }

    /** Hands a batch to the ring, counting what goes out, and empties it. */
    private void publishAndClear(LineBatch b) throws InterruptedException {
        if (b.isEmpty()) {
            return;
        }
        ReplayOrigin origin = (ReplayOrigin) b.origin();
        long next = b.lastNextOffset();
        long delta = next - origin.published;
        origin.published = next;
        published.addAndGet(delta);
        counters.records.add(b.size());
        publisher.publish(b);
        b.clear();
    }

    private void checkDrained() {
        if (walked && acknowledged.get() >= published.get()) {
            drained.complete(null);
        }
    }

    /** Where a file or PATH kept in {@link #replayedFiles} was first met: its PATH, and its path. */
    private record Replayed(Path source, Path path) {
    }

    /** A replayed file: acknowledgements only count towards the end of the replay (no positions are kept). */
    private final class ReplayOrigin implements RecordOrigin {
        private final String path;
        private final String location;
        private final String id;
        long published;
        private long acked;

        ReplayOrigin(String path, String location, String id) {
            this.path = path;
            this.location = location;
            this.id = id;
        }

        @Override
        public String path() {
            return path;
        }

        /** The file as given, or {@code archive!member}: with several PATHs, the member path alone is ambiguous. */
        @Override
        public String location() {
            return location;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void acknowledge(long nextOffset) {
            if (nextOffset > acked) {
                acknowledged.addAndGet(nextOffset - acked);
                acked = nextOffset;
                checkDrained();
            }
        }
    }
}
