package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: ferry's commands and Fluent Bit's forms, exit codes and messages. */
class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int ferry(String... args) {
        return Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void fluentBitFormsMapOntoRunAndCheck() {
        assertThat(Main.fluentBitForm(new String[] {"-c", "f.conf"})).containsExactly("run", "-c", "f.conf");
        assertThat(Main.fluentBitForm(new String[] {"-c", "f.conf", "--dry-run"})).containsExactly("check", "-c", "f.conf");
        assertThat(Main.fluentBitForm(new String[] {"-i", "tail", "-p", "path=/x", "-o", "stdout"}))
                .containsExactly("run", "--", "-i", "tail", "-p", "path=/x", "-o", "stdout");
        assertThat(Main.fluentBitForm(new String[] {"--version"})).containsExactly("--version");
        assertThat(Main.fluentBitForm(new String[] {"check", "-c", "x"})).containsExactly("check", "-c", "x");
    }

    @Test
    void checkWithQuickFlagsPrintsTheTopology() {
        int code = ferry("--dry-run", "-i", "tail", "-p", "path=/var/log/erlmcp/*.log", "-p", "parser=json", "-t", "erlmcp.*",
                "-F", "modify", "-p", "add=host h1", "-m", "erlmcp.*", "-o", "stdout", "-p", "format=json_lines");
        assertThat(code).as(err()).isZero();
        assertThat(out()).contains("configuration command line is valid")
                .contains("tail.0 (tag erlmcp.var.log.erlmcp.x.log) -> filters [modify.0] -> outputs [stdout.0]");
    }

    @Test
    void unknownPluginIsAnErrorListingTheAvailableOnes() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tial\n    Path /x\n[OUTPUT]\n    Name stdout\n    Match *\n");
        assertThat(ferry("check", "-c", conf.toString())).isEqualTo(2);
        assertThat(err()).isEqualTo("ferry: " + conf + ":2: [INPUT] tial: unknown input plugin 'tial'; available: tail\n");
    }

    @Test
    void unknownParserIsAnErrorAtTheParserKey() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /x\n    Parser jsn\n[OUTPUT]\n    Name null\n    Match *\n");
        assertThat(ferry("check", "-c", conf.toString())).isEqualTo(2);
        assertThat(err()).startsWith("ferry: " + conf + ":4: [INPUT] tail: unknown parser 'jsn' in key 'Parser'; known parsers: json, ");
    }

    @Test
    void aConfigurationWithoutOutputsIsRefused() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /x\n");
        assertThat(ferry("check", "-c", conf.toString())).isEqualTo(2);
        assertThat(err()).isEqualTo("ferry: " + conf + ": the configuration has no [OUTPUT] section; ferry would have nowhere to send records\n");
    }

    @Test
    void checkAndRunTakeTheKubernetesFilterOutsideKubernetesAndPassRecordsWhoseTagNamesNoPod() throws Exception {
        // Outside Kubernetes: no CA file, no token file. Fluent Bit starts and passes the records; so does ferry.
        Files.writeString(dir.resolve("app.log"), "{\"seq\":1}\n{\"seq\":2}\n");
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + dir + "/*.log\n    Parser json\n    Tag erlmcp.*\n"
                + "    Read_from_Head On\n    Exit_On_Eof On\n"
                + "[FILTER]\n    Name kubernetes\n    Match *\n    Kube_CA_File " + dir.resolve("no-ca.crt") + "\n"
                + "    Kube_Token_File " + dir.resolve("no-token") + "\n    Merge_Log On\n"
                + "[OUTPUT]\n    Name file\n    Match *\n    Path " + dir + "\n    File out.txt\n    Format plain\n");
        assertThat(ferry("check", "-c", conf.toString())).as(err()).isZero();
        assertThat(out()).contains("kubernetes.0");
        assertThat(ferry("run", "-c", conf.toString())).as(err()).isZero();
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("{\"seq\":1}\n{\"seq\":2}\n");
    }

    @Test
    void anInputWithAnAliasAndNoTagIsTaggedTailNAsInFluentBit() throws Exception {
        Files.writeString(dir.resolve("app.log"), "one\ntwo\n");
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + dir + "/app.log\n    Alias erlmcp_app\n"
                + "    Read_from_Head On\n    Exit_On_Eof On\n"
                + "[OUTPUT]\n    Name file\n    Match tail.*\n    Path " + dir + "\n    File out.txt\n    Format plain\n");
        assertThat(ferry("check", "-c", conf.toString())).as(err()).isZero();
        assertThat(out()).contains("  erlmcp_app (tag tail.0) -> filters [] -> outputs [file.0]\n");
        assertThat(ferry("run", "-c", conf.toString())).as(err()).isZero();
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("{\"log\":\"one\"}\n{\"log\":\"two\"}\n");
    }

    @Test
    void replayLeavesTheLiveAgentsSpoolAlone() throws Exception {
        // The live agent's configuration: its DB puts the spool in state/ferry-spool, where a running (or stopped)
        // agent keeps the records it still owes and its outputs' places.
        Path state = Files.createDirectories(dir.resolve("state"));
        Path archived = Files.writeString(dir.resolve("archived.log"), "one\ntwo\n");
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /var/log/app/*.log\n    DB " + state.resolve("tail.db")
                + "\n[OUTPUT]\n    Name file\n    Match *\n    Path " + dir + "\n    File out.txt\n    Format plain\n");
        int[] exit = new int[1];
        String logs = dev.ferry.pipeline.TestLogs.of(() -> exit[0] = ferry("replay", "-c", conf.toString(), archived.toString()));
        assertThat(exit[0]).as(err()).isZero();
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("{\"log\":\"one\"}\n{\"log\":\"two\"}\n");
        assertThat(state.resolve("ferry-spool")).doesNotExist();
        assertThat(logs).contains("ferry replay does not use the configuration's disk spool, which belongs to the live"
                + " agent; records wait in memory between the ring and the outputs. spool=" + state.resolve("ferry-spool"));
        assertThat(logs).contains(" records_read=2 delivered=2 ");
    }

    @Test
    void replayOfAPatternNothingMatchesIsACommandLineErrorAndADanglingLinkIsReportedWhileTheOthersAreReplayed()
            throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /var/log/app/*.log\n"
                + "[OUTPUT]\n    Name file\n    Match *\n    Path " + dir + "\n    File out.txt\n    Format plain\n");
        assertThat(ferry("replay", "-c", conf.toString(), dir + "/old/*.gz")).isEqualTo(2);
        assertThat(err()).contains("ferry: replay: " + dir + "/old/*.gz does not exist (a pattern no file matches: the"
                + " shell passed it on as it is)");

        Path link = Files.createSymbolicLink(dir.resolve("current.log"), dir.resolve("gone.log"));
        Path archived = Files.writeString(dir.resolve("archived.log"), "one\n");
        int[] exit = new int[1];
        String logs = dev.ferry.pipeline.TestLogs.of(() -> exit[0] = ferry("replay", "-c", conf.toString(), link.toString(),
                archived.toString()));
        assertThat(exit[0]).isEqualTo(1);
        assertThat(logs).contains("A PATH cannot be read; it is skipped and the other PATHs are replayed. source=" + link)
                .contains(" unreadable_files=1 ").contains("result=INCOMPLETE: some data could not be read");
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("{\"log\":\"one\"}\n");
    }

    @Test
    void replayNamesTheFileAsGivenWhenItRepairsInvalidUtf8() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("capture"));
        Files.write(logs.resolve("latin.log"), "ok\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /var/log/app/*.log\n    Path_Key path\n"
                + "[OUTPUT]\n    Name file\n    Match *\n    Path " + dir + "\n    File out.txt\n    Format plain\n");
        int[] exit = new int[1];
        String logs2 = dev.ferry.pipeline.TestLogs.of(() -> exit[0] = ferry("replay", "-c", conf.toString(), logs.toString()));
        assertThat(exit[0]).as(err()).isZero();
        assertThat(logs2).contains("(the file still holds the original bytes). file=" + logs.resolve("latin.log")
                + " offset=3 bytes_replaced=1 invalid_utf8_repaired=1");
        // The records' path stays the member's own.
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("{\"log\":\"ok\",\"path\":\"/latin.log\"}\n"
                + "{\"log\":\"caf\ufffd\",\"path\":\"/latin.log\"}\n");
    }

    @Test
    void replayHelpGivesTheExitCodes() {
        assertThat(ferry("replay", "--help")).isZero();
        assertThat(out().replaceAll("\\s+", " ")).contains("--input=NAME").contains("Exit codes: 0 every file was read whole"
                + " and every record delivered; 1 some data could not be read, was not handed on, or was dead-lettered"
                + " (the summary's result= says which); 2 the configuration or command line is wrong.");
    }

    @Test
    void replayWithTwoTailInputsWarnsWhichItUsesAndInputChoosesAnother() throws Exception {
        Path archived = Files.writeString(dir.resolve("console.log"), "{\"msg\":\"up\"}\n");
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /var/log/app/*.log\n    Tag app\n"
                + "[INPUT]\n    Name tail\n    Path /var/log/console/*.log\n    Tag console\n    Parser json\n"
                + "[OUTPUT]\n    Name file\n    Match console\n    Path " + dir + "\n    File out.txt\n    Format plain\n");
        int[] exit = new int[1];
        String logs = dev.ferry.pipeline.TestLogs.of(() -> exit[0] = ferry("replay", "-c", conf.toString(), archived.toString()));
        assertThat(exit[0]).as(err()).isZero();
        assertThat(logs).contains("The configuration has more than one tail input; every file is read with the settings"
                + " (Tag, Parser, multiline.parser) of the first. Name another with --input. input=tail.0"
                + " tail_inputs=tail.0,tail.1").contains(" unrouted=1 ");
        assertThat(dir.resolve("out.txt")).doesNotExist();

        logs = dev.ferry.pipeline.TestLogs.of(() -> exit[0] = ferry("replay", "-c", conf.toString(), "--input", "tail.1",
                archived.toString()));
        assertThat(exit[0]).as(err()).isZero();
        assertThat(logs).doesNotContain("more than one tail input");
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("{\"msg\":\"up\"}\n");

        assertThat(ferry("replay", "-c", conf.toString(), "--input", "tail.2", archived.toString())).isEqualTo(2);
        assertThat(err()).contains("ferry: --input tail.2: " + conf + " has no tail input of that name; its tail inputs"
                + " are tail.0, tail.1");
    }

    @Test
    void checkRefusesAFluentBitSqliteDbAsRunDoesWithTheSameMessage() throws Exception {
        Path db = dir.resolve("flb_kube.db");
        Files.write(db, "SQLite format 3\0rest".getBytes(StandardCharsets.ISO_8859_1));
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + dir + "/*.log\n    DB " + db + "\n"
                + "[OUTPUT]\n    Name null\n    Match *\n");
        String expected = "ferry: " + conf + ":4: [INPUT] tail: DB file " + db + " is not a ferry position DB: it is a"
                + " SQLite database (Fluent Bit's format), which ferry does not read; point DB at a new file (ferry"
                + " then starts as on a first start: at the end of the files, or at their head with Read_from_Head"
                + " On)\n";

        assertThat(ferry("check", "-c", conf.toString())).isEqualTo(2);
        assertThat(err()).isEqualTo(expected);
        err.reset();
        assertThat(ferry("run", "-c", conf.toString())).isEqualTo(2);
        assertThat(err()).isEqualTo(expected);
    }

    @Test
    void aStreamsFileIsRefusedAsIgnoringItWouldDropTheRecordsItsTasksCreate() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[SERVICE]\n    Streams_File streams.conf\n"
                + "[INPUT]\n    Name tail\n    Path /x\n[OUTPUT]\n    Name null\n    Match *\n");

        assertThat(ferry("check", "-c", conf.toString())).isEqualTo(2);
        assertThat(err()).isEqualTo("ferry: " + conf + ":2: [SERVICE]: Streams_File is not supported: ferry has no"
                + " stream processor, and ignoring the file would drop the records its tasks create (CREATE STREAM ..."
                + " WITH (tag=...)); remove the key\n");
    }

    @Test
    void twoServiceSectionsAreOneAsInFluentBit() throws Exception {
        Path service = dir.resolve("service.conf");
        Files.writeString(service, "[SERVICE]\n    Grace 3\n");
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[SERVICE]\n    Flush 2\n@INCLUDE service.conf\n"
                + "[INPUT]\n    Name tail\n    Path /x\n[OUTPUT]\n    Name null\n    Match *\n");

        assertThat(ferry("check", "-c", conf.toString())).as(err()).isZero();
        assertThat(out()).contains("service: flush=2000ms grace=3000ms ");
    }

    @Test
    void aKeySetInTwoServiceSectionsIsSetTwice() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[SERVICE]\n    Flush 2\n[INPUT]\n    Name tail\n    Path /x\n"
                + "[OUTPUT]\n    Name null\n    Match *\n[SERVICE]\n    flush 5\n");

        assertThat(ferry("check", "-c", conf.toString())).isEqualTo(2);
        assertThat(err()).isEqualTo("ferry: " + conf + ":10: [SERVICE]: key 'flush' is set twice (first at " + conf
                + ":2); it takes one value\n");
    }

    @Test
    void checkShowsTheHttpServerWithItsHealthCheckAndNoWarningAboutIt() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[SERVICE]\n    HTTP_Server On\n    HTTP_Port 2021\n    Health_Check On\n    HC_Errors_Count 3\n"
                + "    HC_Period 30\n[INPUT]\n    Name tail\n    Path " + dir + "/*.log\n[OUTPUT]\n    Name null\n    Match *\n");

        assertThat(ferry("check", "-c", conf.toString())).as(err()).isZero();
        assertThat(out()).contains("\nhttp_server: 0.0.0.0:2021 health_check=on (HC_Errors_Count=3 HC_Retry_Failure_Count=5 "
                + "HC_Period=30s)\n").doesNotContain("HTTP_Server").doesNotContain("not implemented");
    }

    @Test
    void checkShowsNoHttpServerByDefault() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + dir + "/*.log\n[OUTPUT]\n    Name null\n    Match *\n");

        assertThat(ferry("check", "-c", conf.toString())).as(err()).isZero();
        assertThat(out()).doesNotContain("http_server");
    }

    @Test
    void anHttpPortOutOfRangeAndAZeroHcPeriodAreErrorsNamingTheKey() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[SERVICE]\n    HTTP_Server On\n    HTTP_Port 70000\n[INPUT]\n    Name tail\n    Path " + dir
                + "/*.log\n[OUTPUT]\n    Name null\n    Match *\n");
        assertThat(ferry("check", "-c", conf.toString())).isEqualTo(2);
        assertThat(err()).contains(conf + ":3: [SERVICE]").contains("bad value '70000' for key 'HTTP_Port'; allowed: 1 to 65535\n");

        err.reset();
        Files.writeString(conf, "[SERVICE]\n    HC_Period 0\n[INPUT]\n    Name tail\n    Path " + dir
                + "/*.log\n[OUTPUT]\n    Name null\n    Match *\n");
        assertThat(ferry("check", "-c", conf.toString())).isEqualTo(2);
        assertThat(err()).contains("bad value '0' for key 'HC_Period'; allowed: 1 or more (seconds)\n");
    }

    @Test
    void storageTypeWarnsAsForEveryInputWithoutContradictingTheSpool() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[SERVICE]\n    storage.path " + dir.resolve("spool") + "\n"
                + "[INPUT]\n    Name tail\n    Path " + dir + "/*.log\n    storage.type filesystem\n"
                + "[OUTPUT]\n    Name null\n    Match *\n");

        assertThat(ferry("check", "-c", conf.toString())).as(err()).isZero();
        assertThat(out()).contains(" spool=" + dir.resolve("spool") + " ")
                .contains("  " + conf + ":6: [INPUT] tail: key 'storage.type' has no effect in ferry (the"
                        + " spool is set for the whole agent with storage.path in [SERVICE])\n")
                .doesNotContain("records wait in the ring");
    }

    @Test
    void dbCompareFilenameIsAcceptedWithAWarning() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + dir + "/*.log\n    DB.compare_filename On\n"
                + "[OUTPUT]\n    Name null\n    Match *\n");

        assertThat(ferry("check", "-c", conf.toString())).as(err()).isZero();
        assertThat(out()).contains("  " + conf + ":4: [INPUT] tail: key 'DB.compare_filename' has no effect in ferry"
                + " (ferry knows a file by the fingerprint of its first bytes and its device and inode, which already"
                + " tells a reused inode from the file it held)\n");
    }

    @Test
    void theFluentBitFormTakesAStateDirectoryAndCheckShowsTheDbAndSpoolItGives() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + dir + "/*.log\n"
                + "[OUTPUT]\n    Name null\n    Match *\n");
        Path state = dir.resolve("state");
        assertThat(ferry("-c", conf.toString(), "--dry-run", "--state-dir", state.toString())).as(err()).isZero();
        assertThat(out()).contains(" spool=" + state.resolve("ferry-spool") + " ")
                .contains("      DB " + state.resolve("tail.0.db") + "  (from --state-dir)\n");
        assertThat(state).as("check creates nothing").doesNotExist();
    }

    @Test
    void anUnexpectedFailureIsPrintedWithItsStackTraceAndNoSecretFromTheEnvironment() {
        Exception e = new IllegalStateException("cannot reach https://elastic:Zq9-Secret-77@es:9200",
                new java.io.IOException("login Zq9-Secret-77 refused"));
        String text = Main.unexpectedFailure(e, Map.of("ES_PASSWORD", "Zq9-Secret-77", "HOME", "/root"));
        assertThat(text).startsWith("ferry: java.lang.IllegalStateException: cannot reach https://elastic:*****@es:9200")
                .contains("\tat dev.ferry.agent.MainTest.anUnexpectedFailure")
                .contains("Caused by: java.io.IOException: login ***** refused")
                .doesNotContain("Zq9-Secret-77");
    }

    @Test
    void aKubernetesRegexParserThatIsNotARegexParserIsAnError() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /x\n[FILTER]\n    Name kubernetes\n    Match *\n"
                + "    Regex_Parser json\n[OUTPUT]\n    Name null\n    Match *\n");
        assertThat(ferry("check", "-c", conf.toString())).isEqualTo(2);
        assertThat(err()).isEqualTo("ferry: " + conf + ":7: [FILTER] kubernetes: parser 'json' in key 'Regex_Parser' is not "
                + "a regex parser; the kubernetes filter takes pod_name, namespace_name, container_name and docker_id from the "
                + "named groups of a [PARSER] with Format regex\n");
    }

    @Test
    void checkRefusesAFileOutputWhosePathIsMissingAsRunWould() throws Exception {
        Path conf = dir.resolve("f.conf");
        Path missing = dir.resolve("no/such");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /x\n[OUTPUT]\n    Name file\n    Match *\n"
                + "    Path " + missing + "\n");
        assertThat(ferry("check", "-c", conf.toString())).isEqualTo(2);
        assertThat(err()).isEqualTo("ferry: " + conf + ":7: [OUTPUT] file: Path '" + missing + "' does not exist; create "
                + "it or set Mkdir on\n");
        assertThat(missing).doesNotExist();
    }

    @Test
    void checkPassesAMissingFileOutputPathWithMkdirWithoutCreatingIt() throws Exception {
        Path conf = dir.resolve("f.conf");
        Path missing = dir.resolve("no/such");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /x\n[OUTPUT]\n    Name file\n    Match *\n"
                + "    Path " + missing + "\n    Mkdir On\n");
        assertThat(ferry("check", "-c", conf.toString())).as(err()).isZero();
        assertThat(missing).doesNotExist();
    }

    @Test
    void aStateDirThatCannotBeAFolderIsAnErrorNamingIt() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + dir.resolve("*.log") + "\n[OUTPUT]\n    Name null\n"
                + "    Match *\n");
        Path plain = Files.writeString(dir.resolve("plain"), "");
        assertThat(ferry("run", "-c", conf.toString(), "--state-dir", plain.toString())).isEqualTo(2);
        assertThat(err()).isEqualTo("ferry: --state-dir " + plain + ": this is a file, not a folder\n");
        Path under = plain.resolve("state");
        assertThat(ferry("run", "-c", conf.toString(), "--state-dir", under.toString())).isEqualTo(2);
        assertThat(err()).endsWith("ferry: --state-dir " + under + ": the folder cannot be created: " + under
                + ": Not a directory\n");
    }

    @Test
    void matchAndMatchRegexTogetherTakeATagEitherTakes() throws Exception {
        // Fluent Bit's router_match tries Match_Regex, then Match (filters audit D6); before, ferry refused the file
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /x\n    Tag kube.a\n[INPUT]\n    Name tail\n    Path /y\n"
                + "    Tag app.b\n[INPUT]\n    Name tail\n    Path /z\n    Tag other.c\n"
                + "[OUTPUT]\n    Name null\n    Match app.*\n    Match_Regex ^kube\\.\n");
        assertThat(ferry("check", "-c", conf.toString())).as(err()).isZero();
        assertThat(out()).contains("  null.0 (null)  Match app.* or Match_Regex ^kube\\.\n")
                .contains("tail.0 (tag kube.a) -> filters [] -> outputs [null.0]\n")
                .contains("tail.1 (tag app.b) -> filters [] -> outputs [null.0]\n")
                .contains("tail.2 (tag other.c) -> filters [] -> outputs []");
    }

    @Test
    void matchRegexMustMatchAtTheStartOfTheTag() throws Exception {
        // filters audit D2: Fluent Bit's router runs onig_match at the tag's first character
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /x\n    Tag app.error.log\n"
                + "[FILTER]\n    Name modify\n    Match_Regex error\n    Add hit yes\n"
                + "[FILTER]\n    Name modify\n    Match_Regex app\\.(?<kind_of>error)\n    Add hit2 yes\n"
                + "[OUTPUT]\n    Name null\n    Match *\n");
        assertThat(ferry("check", "-c", conf.toString())).as(err()).isZero();
        assertThat(out()).contains("tail.0 (tag app.error.log) -> filters [modify.1] -> outputs [null.0]\n");
    }

    @Test
    void oneInputAndOneOutputWithoutMatchRouteEverything() throws Exception {
        // Fluent Bit's flb_router_io_set, "quick setup for 1:1" (filters audit D1); before, nothing was shipped
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /x\n    Tag app.log\n[OUTPUT]\n    Name null\n");
        assertThat(ferry("check", "-c", conf.toString())).as(err()).isZero();
        assertThat(out()).contains("  null.0 (null)  Match * (no Match set; the only output of the only input takes every "
                        + "record, as in Fluent Bit)\n")
                .contains("tail.0 (tag app.log) -> filters [] -> outputs [null.0]\n")
                .doesNotContain("warnings:");
    }

    @Test
    void withMoreThanOneOutputAnOutputWithoutMatchTakesNothing() throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /x\n    Tag app.log\n[OUTPUT]\n    Name null\n"
                + "[OUTPUT]\n    Name null\n    Match other\n");
        assertThat(ferry("check", "-c", conf.toString())).as(err()).isZero();
        assertThat(out()).contains("  null.0 (null)  no Match: takes no records\n")
                .contains("tail.0 (tag app.log) -> filters [] -> outputs []")
                .contains("  " + conf + ":5: [OUTPUT] null: no 'Match' or 'Match_Regex'; it takes no records\n");
    }

    @Test
    void theEmbeddedDefaultWithoutAnElasticsearchDistributionSaysWhereItLookedAndHowToGetOne() {
        Path none = dir.resolve("no-elasticsearch");
        assertThat(ferry("run", "--elasticsearch-home", none.toString())).isEqualTo(1);
        assertThat(err()).isEqualTo("ferry: no Elasticsearch distribution in " + none + " (bin/elasticsearch is missing); "
                + "`mvn -q -B package -DskipTests` unpacks it there from Maven Central, --elasticsearch-home DIR names "
                + "another, `--demo-output stdout` needs none\n");
        assertThat(out()).isEmpty();
    }

    @Test
    void anUnknownDemoOutputIsACommandLineError() {
        assertThat(ferry("run", "--demo-output", "kafka")).isEqualTo(2);
        assertThat(err()).startsWith("ferry: bad value 'kafka' for --demo-output; allowed: es, stdout\n");
    }

    @Test
    void versionNamesFerry() {
        assertThat(ferry("--version")).isZero();
        assertThat(out()).startsWith("ferry ");
    }
}
