package dev.ferry.outputs.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.outputs.Sections;
import dev.ferry.outputs.TestRecords;
import dev.ferry.pipeline.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOutputTest {

    @TempDir
    Path dir;

    private static FileConfig config(String... keyValues) {
        String[] all = new String[keyValues.length + 2];
        all[0] = "Name";
        all[1] = "file";
        System.arraycopy(keyValues, 0, all, 2, keyValues.length);
        return FileConfig.from(Sections.bind(FileConfig.OPTIONS, all));
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    void writesOneFilePerTagOnFlush() throws IOException {
        try (FileOutput out = new FileOutput(config("Path", dir.toString(), "Format", "plain"))) {
            out.write(TestRecords.json("app.log", TestRecords.TIME, "{\"a\":1}"));
            out.write(TestRecords.json("sys", TestRecords.TIME, "{\"b\":2}"));
            out.write(TestRecords.json("app.log", TestRecords.TIME, "{\"a\":3}"));
            assertThat(dir.resolve("app.log")).doesNotExist();
            out.flush();
            assertThat(read(dir.resolve("app.log"))).isEqualTo("{\"a\":1}\n{\"a\":3}\n");
            assertThat(read(dir.resolve("sys"))).isEqualTo("{\"b\":2}\n");
        }
    }

    @Test
    void fileSendsEveryTagToOneFileAndAppends() throws IOException {
        Files.writeString(dir.resolve("all.log"), "before\n");
        try (FileOutput out = new FileOutput(config("Path", dir.toString(), "File", "all.log"))) {
            out.write(TestRecords.json("a", TestRecords.TIME, "{\"x\":1}"));
            out.flush();
            out.write(TestRecords.json("b", TestRecords.TIME, "{\"x\":2}"));
            out.flush();
        }
        assertThat(read(dir.resolve("all.log"))).isEqualTo("before\n"
                + "a: [1704103200.123456789, {\"x\":1}]\n"
                + "b: [1704103200.123456789, {\"x\":2}]\n");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve("all.log"));
        }
    }

    @Test
    void templateFormatToFile() throws IOException {
        try (FileOutput out = new FileOutput(config("Path", dir.toString(), "File", "t.txt", "Format", "template",
                "Template", "{time} {level}: {message}"))) {
            out.write(TestRecords.fields("t", TestRecords.TIME, "level", "info", "message", "started"));
            out.close();
        }
        assertThat(read(dir.resolve("t.txt"))).isEqualTo("1704103200.123457 info: started\n");
    }

    @Test
    void missingPathIsAStartUpErrorWithoutMkdir() {
        Path missing = dir.resolve("no/such");
        assertThatThrownBy(() -> new FileOutput(config("Path", missing.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] file: Path '" + missing + "' does not exist; create it or set "
                        + "Mkdir on");
        assertThat(missing).doesNotExist();
    }

    @Test
    void pathThatIsAFileIsAStartUpError() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "");
        assertThatThrownBy(() -> new FileOutput(config("Path", file.toString(), "Mkdir", "on")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] file: Path '" + file + "' is not a directory");
    }

    @Test
    void mkdirCreatesPathAndTagSubdirectories() throws IOException {
        Path missing = dir.resolve("logs/out");
        try (FileOutput out = new FileOutput(config("Path", missing.toString(), "Mkdir", "on", "Format", "plain"))) {
            assertThat(missing).isDirectory();
            out.write(TestRecords.json("kube/pod-1", TestRecords.TIME, "{\"a\":1}"));
            out.flush();
        }
        assertThat(read(missing.resolve("kube/pod-1"))).isEqualTo("{\"a\":1}\n");
    }

    @Test
    void tagSubdirectoryWithoutMkdirFailsOnFlushNamingTheFile() throws IOException {
        try (FileOutput out = new FileOutput(config("Path", dir.toString(), "Format", "plain"))) {
            out.write(TestRecords.json("kube/pod-1", TestRecords.TIME, "{\"a\":1}"));
            assertThatThrownBy(out::flush)
                    .isInstanceOf(IOException.class)
                    .hasMessage("cannot open output file '" + dir.resolve("kube/pod-1") + "': directory '"
                            + dir.resolve("kube") + "' does not exist (set Mkdir on to create it)");
            // The ring retries the flush: the record is still there, and written once the directory exists.
            assertThatThrownBy(out::flush).isInstanceOf(IOException.class);
            Files.createDirectory(dir.resolve("kube"));
            out.flush();
            out.flush();
        }
        assertThat(read(dir.resolve("kube/pod-1"))).isEqualTo("{\"a\":1}\n");
    }

    @Test
    void aFailedFlushKeepsTheRecordsAndItsRetryWritesEachOnce() throws IOException {
        Path logs = Files.createDirectory(dir.resolve("logs"));
        try (FileOutput out = new FileOutput(config("Path", logs.toString(), "File", "all.log"))) {
            out.write(TestRecords.json("a", TestRecords.TIME, "{\"n\":1}"));
            out.flush();
            // The directory goes away (an unmounted volume, a cleanup job): the next batch cannot be written.
            Files.delete(logs.resolve("all.log"));
            Files.delete(logs);
            out.write(TestRecords.json("a", TestRecords.TIME, "{\"n\":2}"));
            out.write(TestRecords.json("b", TestRecords.TIME, "{\"n\":3}"));
            assertThatThrownBy(out::flush).isInstanceOf(IOException.class)
                    .hasMessage("cannot open output file '" + logs.resolve("all.log") + "': directory '" + logs
                            + "' does not exist (set Mkdir on to create it)");
            assertThatThrownBy(out::flush).isInstanceOf(IOException.class);
            Files.createDirectory(logs);
            out.flush();
            out.flush();
        }
        assertThat(read(logs.resolve("all.log"))).isEqualTo(""
                + "a: [1704103200.123456789, {\"n\":2}]\n"
                + "b: [1704103200.123456789, {\"n\":3}]\n");
    }

    @Test
    void aWriteThatFailsToSpillLosesNothingAndItsRetryEncodesTheRecordOnce() throws IOException {
        Path logs = Files.createDirectory(dir.resolve("logs"));
        String big = "x".repeat(FileOutput.SPILL_BYTES);
        try (FileOutput out = new FileOutput(config("Path", logs.toString(), "Format", "plain"))) {
            Files.delete(logs);
            out.write(TestRecords.json("t", TestRecords.TIME, "{\"big\":\"" + big + "\"}"));
            var small = TestRecords.json("t", TestRecords.TIME, "{\"n\":2}");
            // The buffer is past SPILL_BYTES: this write must write it out first, and cannot.
            assertThatThrownBy(() -> out.write(small)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> out.write(small)).isInstanceOf(IOException.class);
            Files.createDirectory(logs);
            out.write(small);
            out.flush();
        }
        assertThat(read(logs.resolve("t"))).isEqualTo("{\"big\":\"" + big + "\"}\n{\"n\":2}\n");
    }

    @Test
    void aDeletedFileIsCreatedAgain() throws IOException {
        try (FileOutput out = new FileOutput(config("Path", dir.toString(), "Format", "plain"))) {
            out.write(TestRecords.json("t", TestRecords.TIME, "{\"a\":1}"));
            out.flush();
            Files.delete(dir.resolve("t"));
            out.write(TestRecords.json("t", TestRecords.TIME, "{\"a\":2}"));
            out.flush();
        }
        assertThat(read(dir.resolve("t"))).isEqualTo("{\"a\":2}\n");
    }

    @Test
    void aFileRotatedAwayWithANewOneCreatedInItsPlaceIsWrittenAtItsPath() throws IOException {
        try (FileOutput out = new FileOutput(config("Path", dir.toString(), "Format", "plain"))) {
            out.write(TestRecords.json("t", TestRecords.TIME, "{\"a\":1}"));
            out.flush();
            // logrotate with 'create': rename, then a new empty file at the path.
            Files.move(dir.resolve("t"), dir.resolve("t.1"));
            Files.createFile(dir.resolve("t"));
            out.write(TestRecords.json("t", TestRecords.TIME, "{\"a\":2}"));
            out.flush();
        }
        assertThat(read(dir.resolve("t.1"))).isEqualTo("{\"a\":1}\n");
        assertThat(read(dir.resolve("t"))).isEqualTo("{\"a\":2}\n");
    }

    @Test
    void keepsABoundedNumberOfFilesOpen() throws IOException {
        int tags = FileOutput.MAX_OPEN_FILES + 6;
        try (FileOutput out = new FileOutput(config("Path", dir.toString(), "Format", "plain"))) {
            for (int i = 0; i < tags; i++) {
                out.write(TestRecords.json("t" + i, TestRecords.TIME, "{\"i\":" + i + "}"));
            }
            assertThat(out.openFiles()).hasSize(FileOutput.MAX_OPEN_FILES).doesNotContain(dir.resolve("t0"));
            out.flush();
        }
        for (int i = 0; i < tags; i++) {
            assertThat(read(dir.resolve("t" + i))).isEqualTo("{\"i\":" + i + "}\n");
        }
    }

    @Test
    void aFileThatCannotBeWrittenWhenEvictedKeepsItsRecords() throws IOException {
        Path logs = Files.createDirectory(dir.resolve("logs"));
        int tags = FileOutput.MAX_OPEN_FILES + 1;
        try (FileOutput out = new FileOutput(config("Path", logs.toString(), "Format", "plain"))) {
            for (int i = 0; i < tags - 1; i++) {
                out.write(TestRecords.json("t" + i, TestRecords.TIME, "{\"i\":" + i + "}"));
            }
            Files.delete(logs);
            var last = TestRecords.json("t" + (tags - 1), TestRecords.TIME, "{\"i\":" + (tags - 1) + "}");
            // Making room means writing t0 out, which fails: t0 stays, and the ring retries this write.
            assertThatThrownBy(() -> out.write(last)).isInstanceOf(IOException.class);
            Files.createDirectory(logs);
            out.write(last);
            out.flush();
        }
        for (int i = 0; i < tags; i++) {
            assertThat(read(logs.resolve("t" + i))).isEqualTo("{\"i\":" + i + "}\n");
        }
    }

    @Test
    void tagsBecomeSafeRelativePaths() {
        assertThat(FileOutput.sanitizeTag("kube.var.log.containers.app-1_ns_c.log"))
                .isEqualTo("kube.var.log.containers.app-1_ns_c.log");
        assertThat(FileOutput.sanitizeTag("/a//b/")).isEqualTo("a/b");
        assertThat(FileOutput.sanitizeTag("../../etc/passwd")).isEqualTo("_/_/etc/passwd");
        // One '_' per UTF-8 byte, as Fluent Bit's byte-wise isalnum test: e-acute is 2 bytes, U+65E5 3, U+1F600 4.
        assertThat(FileOutput.sanitizeTag("a b:c*\u00e9")).isEqualTo("a_b_c___");
        assertThat(FileOutput.sanitizeTag("\u65e5-\ud83d\ude00")).isEqualTo("___-____");
        assertThat(FileOutput.sanitizeTag("")).isEqualTo("_");
    }

    @Test
    void badDelimiterIsAnError() {
        assertThatThrownBy(() -> config("Format", "csv", "Delimiter", ";"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:6: [OUTPUT] file: bad value ';' for key 'Delimiter'; allowed: one of \\t, tab, "
                        + "space, comma");
    }

    @Test
    void csvColumnNamesOnIsRefusedBecauseNoHeaderLineIsWritten() {
        assertThatThrownBy(() -> config("Format", "csv", "csv_column_names", "on"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:6: [OUTPUT] file: csv_column_names On is not supported: ferry writes no CSV "
                        + "header line, so a reader expecting one would take the first record for it; remove the "
                        + "key, or use Format ltsv, whose lines name every value");
        assertThat(config("Format", "csv", "csv_column_names", "off").format()).isEqualTo(FileConfig.Format.CSV);
    }

    @Test
    void aRecordAccessorInFileOrPathIsRefusedInsteadOfNamingAFileLiterally() {
        assertThatThrownBy(() -> config("File", "$TAG.log"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] file: '$' in File '$TAG.log' is a record accessor in Fluent Bit "
                        + "(a file per value, such as $TAG or $kubernetes['namespace_name']); ferry does not "
                        + "support it and would write every record to one file named literally so; leave File "
                        + "unset to get a file per tag");
        assertThatThrownBy(() -> config("Path", dir + "/$kubernetes['namespace_name']", "Mkdir", "on"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.conf:5: [OUTPUT] file: '$' in Path '" + dir
                        + "/$kubernetes['namespace_name']' is a record accessor in Fluent Bit")
                .hasMessageEndingWith("; leave Path unset or a fixed directory");
        assertThat(dir.resolve("$kubernetes['namespace_name']")).doesNotExist();
    }

    @Test
    void newerFluentBitKeysAreTakenAtTheirDefaultAndRefusedOtherwiseWithTheReason() {
        assertThat(config("rotate", "off", "enable_strftime", "off", "atomic_chunks", "off").format())
                .isEqualTo(FileConfig.Format.OUT_FILE);
        assertThatThrownBy(() -> config("rotate", "on"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] file: rotate On is not supported: ferry does not rotate its "
                        + "output files; rotate them with logrotate (ferry reopens the path when its file is moved "
                        + "or replaced) and remove the key");
        assertThatThrownBy(() -> config("enable_strftime", "on"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] file: enable_strftime On is not supported: ferry does not "
                        + "expand strftime placeholders and would write to files named literally with '%'; remove "
                        + "the key and use a fixed Path and File");
        assertThatThrownBy(() -> config("atomic_chunks", "on"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] file: atomic_chunks On is not supported: ferry appends lines "
                        + "to one file per tag and publishes no per-chunk files; remove the key");
        assertThatThrownBy(() -> config("Format", "msgpack"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] file: Format msgpack is not supported: it writes Fluent Bit's "
                        + "raw chunk bytes (for its developers' test files), which ferry's records are not; use "
                        + "Format plain for a JSON object per line");
    }

    @Test
    void rotationAndDynamicDestinationTuningKeysWarnThatTheyHaveNoEffect() {
        var options = Sections.bind(FileConfig.OPTIONS, "Name", "file", "rotate_max_size", "10M",
                "fallback_file", "other.log");
        assertThat(options.warnings()).containsExactly(
                "test.conf:5: [OUTPUT] file: key 'rotate_max_size' has no effect in ferry (Fluent Bit uses it only "
                        + "with rotate On, which ferry refuses)",
                "test.conf:6: [OUTPUT] file: key 'fallback_file' has no effect in ferry (Fluent Bit uses it only "
                        + "for destinations with record accessors ($) or strftime placeholders, which ferry "
                        + "refuses)");
    }
}
