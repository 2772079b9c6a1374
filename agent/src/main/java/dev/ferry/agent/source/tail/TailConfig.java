package dev.ferry.agent.source.tail;

import dev.ferry.agent.source.segment.RotatedSiblings;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.regex.RubyRegex;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.PatternSyntaxException;

/**
 * The settings of one {@code [INPUT] tail} section, with Fluent Bit's key names, meanings and defaults.
 *
 * <p>Differences from Fluent Bit, on purpose: a line longer than {@code Buffer_Max_Size} is always
 * skipped up to its newline and counted (Fluent Bit stops reading the file when
 * {@code Skip_Long_Lines} is off); with it off the skip is logged at ERROR, with it on at WARN. When
 * {@code Buffer_Max_Size} is not set it is at least {@code Buffer_Chunk_Size}. {@code multiline.parser}
 * names one or more multiline parsers (a comma list, or the key repeated, as in Fluent Bit); Fluent Bit's
 * older multiline options are refused when they would join lines ({@code Multiline On}, {@code Docker_Mode
 * On}) and accepted otherwise. {@code Rotated_Path} is
 * ferry's own: Fluent Bit does not read rotated or compressed siblings. Immutable.
 *
 * @param name the plugin name ({@code tail})
 * @param paths file globs, absolute, relative to the working directory, or under {@code ~} ({@code Path})
 * @param excludePaths globs of files to leave alone, matched against the whole path as Path found it
 *     (relative when the Path glob is) with {@code *} crossing {@code /} as in {@code fnmatch}
 *     ({@code Exclude_Path})
 * @param refreshInterval how often the globs are scanned again for new files
 * @param readFromHead whether files present at the very first start are read from their head
 * @param db the position DB file, or null to keep positions in memory only
 * @param dbSync when the DB is flushed to the disk
 * @param tag the tag as configured ({@code *} is expanded per file), or null when not set; the plan then
 *     sets Fluent Bit's default, {@code tail.N} (never the {@code Alias})
 * @param pathKey key for the file path in records, or null
 * @param offsetKey key for the line offset in records, or null
 * @param bufferChunkSize bytes of the first read buffer of a file
 * @param bufferMaxSize the longest line accepted, in bytes (without its newline)
 * @param skipLongLines whether a long line is skipped quietly (WARN) rather than loudly (ERROR)
 * @param memBufLimit bytes published and not yet acknowledged above which reading pauses; -1 for none
 * @param parser the parser name for the assembler to resolve, or null
 * @param exitOnEof whether the agent stops once every file is read and acknowledged
 * @param rotateWait how long a file that left its path is still read after its last data
 * @param ignoreOlder files last modified longer ago are not picked up; null for no limit ({@code 0} or unset)
 * @param skipEmptyLines whether empty lines are dropped
 * @param key the key of the unparsed line; only {@code log} is supported
 * @param multilineParsers the multiline parsers' names in order, without repeats; empty for none
 * @param rotatedPath which files in a watched file's directory are its rotated siblings
 *     ({@code Rotated_Path}), where its older data is looked for
 * @param tagRegex the {@code Tag_Regex} whose named groups fill {@code <name>} in the tag, or null
 *     (see {@link TailTag})
 */
public record TailConfig(
        String name, List<String> paths, List<String> excludePaths, Duration refreshInterval,
        boolean readFromHead, Path db, DbSync dbSync, String tag, String pathKey, String offsetKey,
        int bufferChunkSize, int bufferMaxSize, boolean skipLongLines, long memBufLimit, String parser,
        boolean exitOnEof, Duration rotateWait, Duration ignoreOlder, boolean skipEmptyLines, String key,
        List<String> multilineParsers, RotatedSiblings rotatedPath, RubyRegex tagRegex) {

    /** When the position DB is flushed to the disk (Fluent Bit's {@code DB.sync} values). */
    public enum DbSync {
        /** Never fsync: survives a process crash, not a power loss. */
        OFF,
        /** Fsync when the input closes; periodic writes are only renamed into place. */
        NORMAL,
        /** Fsync the file and its directory on every write. */
        FULL,
        /** As {@link #FULL}. */
        EXTRA;

        /** Whether every write is flushed to the disk. */
        public boolean syncEachWrite() {
            return this == FULL || this == EXTRA;
        }
    }

    /** The same settings with position DB {@code file} ({@code --state-dir} gives a DB to an input that has none). */
    public TailConfig withDb(Path file) {
        return new TailConfig(name, paths, excludePaths, refreshInterval, readFromHead, file, dbSync, tag, pathKey,
                offsetKey, bufferChunkSize, bufferMaxSize, skipLongLines, memBufLimit, parser, exitOnEof, rotateWait,
                ignoreOlder, skipEmptyLines, key, multilineParsers, rotatedPath, tagRegex);
    }

    private static final String POLLING = "ferry checks its files for new data at least every 250 ms, and Path"
            + " for new files every Refresh_Interval";
    private static final String BATCHES = "ferry reads Buffer_Chunk_Size at a time and pauses on Mem_Buf_Limit";

    private static final String MULTILINE_WHY = "it belongs to the old multiline options, and ferry takes only their Off"
            + " form; use multiline.parser";

    /** Every key of {@code [INPUT] tail}. */
    public static final OptionTable OPTIONS = new OptionTable("INPUT", "tail", List.of(
            OptionSpec.string("Name", "the plugin name, tail").asRequired(),
            OptionSpec.string("Path", "comma-separated globs of the files to read; a glob may be in"
                    + " directory parts too, e.g. /var/log/*/app*.log").asRequired(),
            OptionSpec.string("Exclude_Path", "comma-separated globs of files not to read, matched against"
                    + " the whole path (* also matches /), e.g. *.gz,*.zip"),
            OptionSpec.duration("Refresh_Interval", "60", "how often Path is scanned for new files"),
            OptionSpec.bool("Read_from_Head", false, "read files found at the very first start from"
                    + " their head instead of their end (files found later are always read from the head)"),
            OptionSpec.bool("Read_newly_discovered_files_from_head", true, "Fluent Bit's: read files found after"
                    + " the first scan from their head; only On (its default) is taken: ferry always does"),
            OptionSpec.string("DB", "file where read positions are kept across restarts"),
            OptionSpec.choice("DB.sync", "normal", List.of("normal", "full", "off", "extra"),
                    "when the DB is flushed to the disk: off never, normal on close, full and extra on"
                    + " every write"),
            OptionSpec.ignoredOption("DB.locking", "ferry's DB is a plain file owned by one input"),
            OptionSpec.ignoredOption("DB.journal_mode", "ferry's DB is a plain file replaced atomically"),
            OptionSpec.ignoredOption("DB.compare_filename", "ferry knows a file by the fingerprint of its first"
                    + " bytes and its device and inode, which already tells a reused inode from the file it held"),
            OptionSpec.string("Tag", "the tag of the records; a * is replaced by the file's path with /"
                    + " turned into . (with Tag_Regex: each <name> by that group of Tag_Regex)"),
            OptionSpec.string("Tag_Regex", "a regex (Ruby syntax) searched for in each file's path; its named "
                    + "groups fill <name> in Tag (_ for a group that matched nothing); a file whose path it is not "
                    + "found in is not read"),
            OptionSpec.string("Path_Key", "key under which the file path is added to records"),
            OptionSpec.string("Offset_Key", "key under which the line's byte offset is added to records"),
            OptionSpec.size("Buffer_Chunk_Size", "32k", "first size of a file's read buffer"),
            OptionSpec.size("Buffer_Max_Size", "32k", "the longest line accepted; longer lines are skipped"),
            OptionSpec.bool("Skip_Long_Lines", false, "skip lines longer than Buffer_Max_Size with a"
                    + " warning (off: they are skipped too, logged as an error)"),
            OptionSpec.size("Mem_Buf_Limit", null, "pause reading while this many bytes are published"
                    + " and not yet acknowledged"),
            OptionSpec.string("Parser", "the parser applied to each line"),
            OptionSpec.bool("Exit_On_Eof", false, "stop the agent once every file is read to its end"
                    + " and everything read is delivered"),
            OptionSpec.duration("Rotate_Wait", "5", "how long a rotated or deleted file is still read"
                    + " after its last data"),
            OptionSpec.duration("Ignore_Older", null, "do not pick up files last modified longer ago;"
                    + " 0 (Fluent Bit's default) means no limit"),
            OptionSpec.ignoredOption("Inotify_Watcher", "ferry polls files for changes"),
            OptionSpec.ignoredOption("Watcher_Interval", POLLING),
            OptionSpec.ignoredOption("Fstat_Interval", POLLING),
            OptionSpec.ignoredOption("Progress_Check_Interval", POLLING),
            OptionSpec.ignoredOption("Progress_Check_Interval_Nsec", POLLING),
            OptionSpec.ignoredOption("Static_Batch_Size", BATCHES),
            OptionSpec.ignoredOption("Event_Batch_Size", BATCHES),
            OptionSpec.ignoredOption("File_Cache_Advise", "ferry leaves the page cache to the kernel"),
            OptionSpec.ignoredOption("Keep_File_Handle", "ferry keeps each file open while it reads it, and lets it go"
                    + " Rotate_Wait after it left its path"),
            OptionSpec.bool("Ignore_Active_Older_Files", false, "Fluent Bit's: also stop reading a file already being"
                    + " read once it is older than Ignore_Older; only Off is taken"),
            OptionSpec.bool("Truncate_Long_Lines", false, "Fluent Bit's: ship the first Buffer_Max_Size bytes of a"
                    + " long line; only Off is taken (ferry skips long lines and counts them)"),
            OptionSpec.string("Unicode.Encoding", "Fluent Bit's UTF-16 input conversion; not supported"),
            OptionSpec.string("Generic.Encoding", "Fluent Bit's legacy-encoding input conversion; not supported"),
            OptionSpec.bool("Skip_Empty_Lines", false, "drop empty lines"),
            OptionSpec.string("Rotated_Path", "comma-separated name globs, in the watched file's directory,"
                    + " of its rotated siblings, where data rotated away (and compressed: .gz, .zst) is read"
                    + " from; ${name} is the watched file's name. Default: the OTP and logrotate forms"
                    + " ${name}.N[.gz|.zst] and ${name}-DATE[.gz|.zst]; e.g. ${name}.*, app-*.log.gz"),
            OptionSpec.string("Key", "the key of the unparsed line").withDefault("log"),
            OptionSpec.string("multiline.parser", "the multiline parsers that join lines of one file into records "
                    + "(built-in java, go, ruby, python, erlang, cri, docker, or a [MULTILINE_PARSER] Name), comma-separated; "
                    + "each line goes to the first that takes it").asRepeatable(),
            OptionSpec.string("multiline.key_content", "not a key of tail: Fluent Bit's multiline filter has it"),
            OptionSpec.bool("Multiline", false, "Fluent Bit's old multiline mode; only Off is taken: use"
                    + " multiline.parser"),
            OptionSpec.ignoredOption("Multiline_Flush", MULTILINE_WHY),
            OptionSpec.ignoredOption("Parser_Firstline", MULTILINE_WHY),
            OptionSpec.bool("Docker_Mode", false, "Fluent Bit's old Docker mode; only Off is taken: use"
                    + " multiline.parser docker"),
            OptionSpec.ignoredOption("Docker_Mode_Flush", MULTILINE_WHY),
            OptionSpec.ignoredOption("Docker_Mode_Parser", MULTILINE_WHY)));
    // Threaded and storage.type are keys every input shares: TopologyPlan.COMMON_INPUT declares them.

    /** Builds the typed settings from a bound section; throws a located ConfigException if invalid. */
    public static TailConfig from(Options o) {
        List<String> paths = o.list("Path");
        if (paths.isEmpty()) {
            throw o.error("Path", "Path is empty; set one or more comma-separated file globs");
        }
        checkGlobs(o, "Path", paths);
        List<String> excludes = o.list("Exclude_Path");
        checkGlobs(o, "Exclude_Path", excludes);
        long chunk = o.size("Buffer_Chunk_Size");
        long max = o.size("Buffer_Max_Size");
        if (!o.isSet("Buffer_Max_Size")) {
            max = Math.max(max, chunk);
        } else if (max < chunk) {
            throw o.error("Buffer_Max_Size", "Buffer_Max_Size (" + max + " bytes) is smaller than"
                    + " Buffer_Chunk_Size (" + chunk + " bytes)");
        }
        if (chunk < 1) {
            throw o.error("Buffer_Chunk_Size", "Buffer_Chunk_Size must be at least 1 byte");
        }
        if (max > Integer.MAX_VALUE - 16) {
            throw o.error("Buffer_Max_Size", "Buffer_Max_Size (" + max + " bytes) is larger than 2GiB");
        }
        String key = o.string("Key");
        if (!"log".equals(key)) {
            throw o.error("Key", "Key '" + key + "' is not supported yet; unparsed lines are kept under 'log'");
        }
        // Every physical line would become its own record: stack traces split. Refused rather than ignored.
        o.refuseOn("Multiline", "Multiline On (Fluent Bit's old multiline mode, with Parser_Firstline) is not"
                + " supported: ferry would ship every line as its own record. Use multiline.parser instead: a"
                + " built-in one (java, go, python, erlang) or a [MULTILINE_PARSER] whose start_state rule matches"
                + " what Parser_Firstline matched");
        o.refuseOn("Docker_Mode", "Docker_Mode On (Fluent Bit's old Docker mode) is not supported: ferry would"
                + " ship Docker's split 16 KB lines as separate records. Use multiline.parser docker instead");
        if (!o.bool("Read_newly_discovered_files_from_head")) {
            throw o.error("Read_newly_discovered_files_from_head", "Read_newly_discovered_files_from_head Off is not"
                    + " supported: ferry reads a file found after start from its head, so what was written to it"
                    + " before it was found (a new file after a rotation, a new pod's log) is not lost; remove the key");
        }
        o.refuseOn("Ignore_Active_Older_Files", "Ignore_Active_Older_Files On is not supported: ferry never"
                + " stops reading a file it has begun, so nothing written to it is left unread; remove the key"
                + " (Ignore_Older still keeps old files from being picked up)");
        o.refuseOn("Truncate_Long_Lines", "Truncate_Long_Lines On is not supported: ferry skips a line longer"
                + " than Buffer_Max_Size whole, counted and logged with its file and offset, and never ships part"
                + " of one; remove the key, or raise Buffer_Max_Size to ship such lines whole");
        for (String encoding : List.of("Unicode.Encoding", "Generic.Encoding")) {
            if (o.isSet(encoding)) {
                throw o.error(encoding, encoding + " is not supported: ferry reads files as UTF-8 (bytes that are not"
                        + " valid UTF-8 are replaced with U+FFFD, counted and logged); convert the files to UTF-8"
                        + " before ferry reads them, or remove the key");
            }
        }
        String db = o.string("DB");
        if (db != null && !db.isEmpty()) {
            String foreign = PositionDb.foreignReason(Path.of(db));
            if (foreign != null) {
                throw o.error("DB", PositionDb.foreignMessage(Path.of(db), foreign));
            }
        }
        if (o.isSet("multiline.key_content")) {
            throw o.error("multiline.key_content", "multiline.key_content is not a key of the tail input (Fluent Bit "
                    + "refuses it there too): it belongs to Fluent Bit's multiline filter, which ferry does not have. "
                    + "tail's multiline.parser joins the lines as read; for container logs use multiline.parser "
                    + "docker, cri, which takes the text from their log field. Remove the key");
        }
        List<String> multiline = List.copyOf(new LinkedHashSet<>(o.list("multiline.parser")));
        return new TailConfig(
                o.string("Name"), List.copyOf(paths), List.copyOf(excludes), o.duration("Refresh_Interval"),
                o.bool("Read_from_Head"), db == null || db.isEmpty() ? null : Path.of(db),
                DbSync.valueOf(o.string("DB.sync").toUpperCase(Locale.ROOT)), blankToNull(o.string("Tag")),
                blankToNull(o.string("Path_Key")), blankToNull(o.string("Offset_Key")), (int) chunk, (int) max,
                o.bool("Skip_Long_Lines"), o.size("Mem_Buf_Limit"), blankToNull(o.string("Parser")),
                o.bool("Exit_On_Eof"), o.duration("Rotate_Wait"), ignoreOlder(o),
                o.bool("Skip_Empty_Lines"), key, multiline, rotatedPath(o),
                tagRegex(o));
    }

    /** The compiled Tag_Regex, or null; a bad regex, or a Tag with an unclosed {@code <}, is an error. */
    private static RubyRegex tagRegex(Options o) {
        String source = blankToNull(o.string("Tag_Regex"));
        if (source == null) {
            return null;
        }
        RubyRegex regex;
        try {
            regex = RubyRegex.compile(source);
        } catch (PatternSyntaxException e) {
            throw o.error("Tag_Regex", "invalid Tag_Regex: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "") + " in '" + source + "'");
        }
        String tag = o.string("Tag");
        int bad = tag == null ? -1 : TailTag.unclosedBracket(tag);
        if (bad >= 0) {
            throw o.error("Tag", "Tag '" + tag + "' has a '<' without its '>' at position " + bad + "; with Tag_Regex "
                    + "each <name> is replaced by that group of the regex");
        }
        return regex;
    }

    /** {@code Ignore_Older}, or null for no limit: unset or 0, as in Fluent Bit ({@code ignore_older > 0}). */
    private static Duration ignoreOlder(Options o) {
        Duration d = o.duration("Ignore_Older");
        return d == null || d.isZero() ? null : d;
    }

    private static RotatedSiblings rotatedPath(Options o) {
        String value = o.string("Rotated_Path");
        if (value == null) {
            return RotatedSiblings.defaults();
        }
        try {
            return RotatedSiblings.parse(value);
        } catch (IllegalArgumentException e) {
            throw o.error("Rotated_Path", e.getMessage());
        }
    }

    /** The same settings with tag {@code tag} (the plan gives an input without {@code Tag} Fluent Bit's {@code tail.N}). */
    public TailConfig withTag(String tag) {
        return new TailConfig(name, paths, excludePaths, refreshInterval, readFromHead, db, dbSync, tag, pathKey,
                offsetKey, bufferChunkSize, bufferMaxSize, skipLongLines, memBufLimit, parser, exitOnEof, rotateWait,
                ignoreOlder, skipEmptyLines, key, multilineParsers, rotatedPath, tagRegex);
    }

    /** The tag to use: the configured (or planned) one, else {@code fallback} (an input built without a plan). */
    public String tagOr(String fallback) {
        return tag != null ? tag : fallback;
    }

    /** How the tag of each file's records is made ({@link #tagOr} and {@code Tag_Regex}). */
    public TailTag tagging(String instanceName) {
        return new TailTag(tagOr(instanceName), tagRegex);
    }

    private static void checkGlobs(Options o, String key, List<String> globs) {
        for (String g : globs) {
            if (key.equals("Path") && g.startsWith("~") && !g.equals("~") && !g.startsWith("~/")) {
                throw o.error(key, "Path '" + g + "' names another user's home directory (~user); ferry expands only"
                        + " ~ (the home directory, $HOME): write that directory out");
            }
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + g);
            } catch (IllegalArgumentException e) {
                String why = e instanceof PatternSyntaxException p ? p.getDescription() : e.getMessage();
                throw o.error(key, "bad glob '" + g + "' in " + key + ": " + why);
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
