package dev.ferry.agent.source.tail;

import static dev.ferry.agent.source.tail.TailTestSupport.bind;
import static dev.ferry.agent.source.tail.TailTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.agent.source.segment.RotatedSiblings;
import dev.ferry.pipeline.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TailConfigTest {

    @Test
    void defaultsAreFluentBits() {
        TailConfig c = config("Path", "/var/log/*.log");

        assertThat(c.paths()).containsExactly("/var/log/*.log");
        assertThat(c.excludePaths()).isEmpty();
        assertThat(c.refreshInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.readFromHead()).isFalse();
        assertThat(c.db()).isNull();
        assertThat(c.dbSync()).isEqualTo(TailConfig.DbSync.NORMAL);
        assertThat(c.tag()).isNull();
        assertThat(c.tagOr("tail.0")).isEqualTo("tail.0");
        assertThat(c.bufferChunkSize()).isEqualTo(32 * 1024);
        assertThat(c.bufferMaxSize()).isEqualTo(32 * 1024);
        assertThat(c.skipLongLines()).isFalse();
        assertThat(c.memBufLimit()).isEqualTo(-1);
        assertThat(c.exitOnEof()).isFalse();
        assertThat(c.rotateWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.ignoreOlder()).isNull();
        assertThat(c.skipEmptyLines()).isFalse();
        assertThat(c.key()).isEqualTo("log");
    }

    @Test
    void readsEveryKey() {
        TailConfig c = config("Path", "/a/*.log, /b/*.log", "Exclude_Path", "*.gz,*.zip",
                "Refresh_Interval", "5", "Read_from_Head", "On", "DB", "/tmp/x.db", "DB.sync", "Full",
                "Tag", "app.*", "Path_Key", "file", "Offset_Key", "off", "Buffer_Chunk_Size", "64k",
                "Buffer_Max_Size", "1M", "Skip_Long_Lines", "on", "Mem_Buf_Limit", "5MB", "Parser", "json",
                "Exit_On_Eof", "true", "Rotate_Wait", "500ms", "Ignore_Older", "1h", "Skip_Empty_Lines", "yes");

        assertThat(c.paths()).containsExactly("/a/*.log", "/b/*.log");
        assertThat(c.excludePaths()).containsExactly("*.gz", "*.zip");
        assertThat(c.refreshInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.readFromHead()).isTrue();
        assertThat(c.db()).isEqualTo(Path.of("/tmp/x.db"));
        assertThat(c.dbSync()).isEqualTo(TailConfig.DbSync.FULL);
        assertThat(c.tagOr("tail.0")).isEqualTo("app.*");
        assertThat(c.pathKey()).isEqualTo("file");
        assertThat(c.offsetKey()).isEqualTo("off");
        assertThat(c.bufferChunkSize()).isEqualTo(64 * 1024);
        assertThat(c.bufferMaxSize()).isEqualTo(1024 * 1024);
        assertThat(c.skipLongLines()).isTrue();
        assertThat(c.memBufLimit()).isEqualTo(5L << 20);
        assertThat(c.parser()).isEqualTo("json");
        assertThat(c.exitOnEof()).isTrue();
        assertThat(c.rotateWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.ignoreOlder()).isEqualTo(Duration.ofHours(1));
        assertThat(c.skipEmptyLines()).isTrue();
    }

    @Test
    void bufferMaxSizeFollowsALargerChunkSizeWhenNotSet() {
        assertThat(config("Path", "/x", "Buffer_Chunk_Size", "64k").bufferMaxSize()).isEqualTo(64 * 1024);
    }

    @Test
    void oldMultilineKeysAreAcceptedOffAndMultilineParserIsAKey() {
        var o = bind("Path", "/x", "multiline.parser", "java", "Docker_Mode", "Off", "Multiline", "Off",
                "Parser_Firstline", "first");

        assertThat(o.warnings()).containsExactly("test.conf:7: [INPUT] tail: key 'Parser_Firstline' has no effect in"
                + " ferry (it belongs to the old multiline options, and ferry takes only their Off form; use"
                + " multiline.parser)");
        assertThat(TailConfig.from(o).multilineParsers()).containsExactly("java");
    }

    @Test
    void fluentBitsNewerTailKeysAreAcceptedAtTheirDefaultsAndTuningOnesWithAWarning() {
        var o = bind("Path", "/x", "Read_newly_discovered_files_from_head", "On", "Ignore_Active_Older_Files", "Off",
                "Truncate_Long_Lines", "Off", "Static_Batch_Size", "50M", "Watcher_Interval", "2s",
                "File_Cache_Advise", "On", "Keep_File_Handle", "Off");

        assertThat(o.warnings()).containsExactly(
                "test.conf:7: [INPUT] tail: key 'Static_Batch_Size' has no effect in ferry (ferry reads Buffer_Chunk_Size"
                        + " at a time and pauses on Mem_Buf_Limit)",
                "test.conf:8: [INPUT] tail: key 'Watcher_Interval' has no effect in ferry (ferry checks its files for new"
                        + " data at least every 250 ms, and Path for new files every Refresh_Interval)",
                "test.conf:9: [INPUT] tail: key 'File_Cache_Advise' has no effect in ferry (ferry leaves the page cache"
                        + " to the kernel)",
                "test.conf:10: [INPUT] tail: key 'Keep_File_Handle' has no effect in ferry (ferry keeps each file open"
                        + " while it reads it, and lets it go Rotate_Wait after it left its path)");
        assertThat(TailConfig.from(o).paths()).containsExactly("/x");
    }

    @Test
    void fluentBitsNewerTailKeysThatWouldChangeWhatIsShippedAreRefusedWithTheReason() {
        assertThatThrownBy(() -> config("Path", "/x", "Read_newly_discovered_files_from_head", "Off"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:4: [INPUT] tail: Read_newly_discovered_files_from_head Off is not supported:"
                        + " ferry reads a file found after start from its head, so what was written to it before it"
                        + " was found (a new file after a rotation, a new pod's log) is not lost; remove the key");
        assertThatThrownBy(() -> config("Path", "/x", "Truncate_Long_Lines", "On"))
                .hasMessage("test.conf:4: [INPUT] tail: Truncate_Long_Lines On is not supported: ferry skips a line"
                        + " longer than Buffer_Max_Size whole, counted and logged with its file and offset, and never"
                        + " ships part of one; remove the key, or raise Buffer_Max_Size to ship such lines whole");
        assertThatThrownBy(() -> config("Path", "/x", "Ignore_Active_Older_Files", "On"))
                .hasMessageStartingWith("test.conf:4: [INPUT] tail: Ignore_Active_Older_Files On is not supported:");
        assertThatThrownBy(() -> config("Path", "/x", "Unicode.Encoding", "UTF-16LE"))
                .hasMessage("test.conf:4: [INPUT] tail: Unicode.Encoding is not supported: ferry reads files as UTF-8"
                        + " (bytes that are not valid UTF-8 are replaced with U+FFFD, counted and logged); convert the"
                        + " files to UTF-8 before ferry reads them, or remove the key");
        assertThatThrownBy(() -> config("Path", "/x", "Generic.Encoding", "ShiftJIS"))
                .hasMessageStartingWith("test.conf:4: [INPUT] tail: Generic.Encoding is not supported:");
    }

    @Test
    void multilineParserIsAListAndMayBeRepeatedAsInFluentBit() {
        assertThat(config("Path", "/x", "multiline.parser", "docker, cri", "multiline.parser", "cri, java")
                .multilineParsers()).containsExactly("docker", "cri", "java");
        assertThat(config("Path", "/x").multilineParsers()).isEmpty();
    }

    @Test
    void oldMultilineOnIsAnErrorPointingToMultilineParser() {
        assertThatThrownBy(() -> config("Path", "/x", "Multiline", "On", "Parser_Firstline", "first"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:4: [INPUT] tail: Multiline On (Fluent Bit's old multiline mode, with"
                        + " Parser_Firstline) is not supported: ferry would ship every line as its own record. Use"
                        + " multiline.parser instead: a built-in one (java, go, python, erlang) or a [MULTILINE_PARSER]"
                        + " whose start_state rule matches what Parser_Firstline matched");
    }

    @Test
    void dockerModeOnIsAnErrorPointingToTheDockerMultilineParser() {
        assertThatThrownBy(() -> config("Path", "/x", "Docker_Mode", "On"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:4: [INPUT] tail: Docker_Mode On (Fluent Bit's old Docker mode) is not"
                        + " supported: ferry would ship Docker's split 16 KB lines as separate records. Use"
                        + " multiline.parser docker instead");
    }

    @Test
    void emptyPathIsAnError() {
        assertThatThrownBy(() -> config("Path", " , "))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:3: [INPUT] tail: Path is empty; set one or more comma-separated file globs");
    }

    @Test
    void badPathGlobIsAnError() {
        assertThatThrownBy(() -> config("Path", "/var/log/*.log, /var/log/[app.log"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:3: [INPUT] tail: bad glob '/var/log/[app.log' in Path: Missing ']");
    }

    @Test
    void badExcludePathGlobIsAnError() {
        assertThatThrownBy(() -> config("Path", "/var/log/*.log", "Exclude_Path", "*.gz, [z*.zip"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:4: [INPUT] tail: bad glob '[z*.zip' in Exclude_Path: Missing ']");
    }

    @Test
    void bufferMaxSizeBelowChunkSizeIsAnError() {
        assertThatThrownBy(() -> config("Path", "/x", "Buffer_Chunk_Size", "64k", "Buffer_Max_Size", "16k"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [INPUT] tail: Buffer_Max_Size (16384 bytes) is smaller than"
                        + " Buffer_Chunk_Size (65536 bytes)");
    }

    @Test
    void otherKeyThanLogIsAnError() {
        assertThatThrownBy(() -> config("Path", "/x", "Key", "message"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:4: [INPUT] tail: Key 'message' is not supported yet; unparsed lines are"
                        + " kept under 'log'");
    }

    @Test
    void rotatedPathDefaultsToTheOtpAndLogrotateFormsAndTakesGlobs() {
        assertThat(config("Path", "/x").rotatedPath().patterns()).isEqualTo(RotatedSiblings.DEFAULT_PATTERNS);
        assertThat(config("Path", "/x", "Rotated_Path", "${name}.*, app-*.log.gz").rotatedPath().patterns())
                .containsExactly("${name}.*", "app-*.log.gz");
    }

    @Test
    void rotatedPathWithADirectoryIsAnError() {
        assertThatThrownBy(() -> config("Path", "/x", "Rotated_Path", "old/${name}.*"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:4: [INPUT] tail: Rotated_Path pattern 'old/${name}.*' contains '/': patterns"
                        + " name files in the watched file's directory");
    }

    @Test
    void rotatedPathWithABadGlobIsAnError() {
        assertThatThrownBy(() -> config("Path", "/x", "Rotated_Path", "${name}.[0-9"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:4: [INPUT] tail: Rotated_Path pattern '${name}.[0-9' is not a valid glob:"
                        + " Missing ']");
    }

    @Test
    void rotatedPathWithAnEmptyPatternIsAnError() {
        assertThatThrownBy(() -> config("Path", "/x", "Rotated_Path", "${name}.*,"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:4: [INPUT] tail: Rotated_Path has an empty pattern");
    }

    @Test
    void anotherUsersHomeInPathIsAnError() {
        assertThatThrownBy(() -> config("Path", "~/a.log, ~erl/logs/*.log"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:3: [INPUT] tail: Path '~erl/logs/*.log' names another user's home directory"
                        + " (~user); ferry expands only ~ (the home directory, $HOME): write that directory out");
    }

    @Test
    void missingPathIsAnError() {
        assertThatThrownBy(() -> config("Tag", "x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.conf:1: [INPUT] tail: missing required key 'Path' (");
    }

    @Test
    void tagRegexIsCompiledAndABadOneIsAnError() {
        TailConfig c = config("Path", "/var/log/containers/*.log", "Tag", "kube.<namespace_name>.<pod_name>",
                "Tag_Regex", "(?<pod_name>[^_/]+)_(?<namespace_name>[^_]+)_");
        assertThat(c.tagRegex().names()).containsExactly("pod_name", "namespace_name");
        assertThat(c.tagging("tail.0").of("/var/log/containers/web_shop_x.log")).isEqualTo("kube.shop.web");
        assertThat(config("Path", "/x.log").tagRegex()).isNull();
        assertThatThrownBy(() -> config("Path", "/x.log", "Tag_Regex", "(?<a>x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.conf:4: [INPUT] tail: invalid Tag_Regex: ");
        assertThatThrownBy(() -> config("Path", "/x.log", "Tag", "kube.<a", "Tag_Regex", "(?<a>x)"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:4: [INPUT] tail: Tag 'kube.<a' has a '<' without its '>' at position 5; with "
                        + "Tag_Regex each <name> is replaced by that group of the regex");
    }
}
