package dev.ferry.agent.source.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.agent.source.FileKey;
import dev.ferry.agent.source.Fingerprint;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.ring.LineDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PositionDbTest {

    @TempDir
    Path dir;

    @Test
    void writesTheDocumentedFormatAndReadsItBack() throws IOException {
        PositionDb db = new PositionDb(dir.resolve("pos.db"), TailConfig.DbSync.FULL);
        Fingerprint fp = new Fingerprint(0x3f0c9a7e12b45d60L, 1024);
        List<PositionDb.Entry> entries = List.of(
                new PositionDb.Entry("fp-3f0c9a7e12b45d60-300", fp, new FileKey("803:1a2b3c"), 48213, "/var/log/app.log",
                        false),
                new PositionDb.Entry(null, new Fingerprint(-1L, 7), new FileKey("803:ff"), 0, "/odd\tname\\with\nbreaks",
                        false),
                new PositionDb.Entry("fp-77a1c0de00112233-1024", new Fingerprint(0x77a1c0de00112233L, 1024),
                        new FileKey("803:1a2b40"), 5242880, "/var/log/app.log", true));

        db.write(entries, false);

        assertThat(Files.readString(dir.resolve("pos.db"))).isEqualTo("""
                ferry-tail-positions 2
                fp-3f0c9a7e12b45d60-300\t3f0c9a7e12b45d60-1024\t803:1a2b3c\t48213\treading\t/var/log/app.log
                -\tffffffffffffffff-7\t803:ff\t0\treading\t/odd\\tname\\\\with\\nbreaks
                fp-77a1c0de00112233-1024\t77a1c0de00112233-1024\t803:1a2b40\t5242880\tdone\t/var/log/app.log
                """);
        assertThat(db.load()).isEqualTo(entries);
        assertThat(dir.resolve("pos.db.tmp")).doesNotExist();
    }

    @Test
    void aVersion1DbIsReadWithEveryEntryReading() throws IOException {
        Path file = dir.resolve("pos.db");
        Files.writeString(file, "ferry-tail-positions 1\nfp-a\t3f0c9a7e12b45d60-1024\t803:1a\t42\t/var/log/app.log\n");

        assertThat(new PositionDb(file, TailConfig.DbSync.OFF).load()).containsExactly(new PositionDb.Entry("fp-a",
                new Fingerprint(0x3f0c9a7e12b45d60L, 1024), new FileKey("803:1a"), 42, "/var/log/app.log", false));
    }

    @Test
    void aDbWithAnUnknownStateIsCorrupt() throws IOException {
        Path file = dir.resolve("pos.db");
        Files.writeString(file, "ferry-tail-positions 2\nfp-a\t3f0c9a7e12b45d60-1024\t803:1a\t42\tgone\t/a\n");

        assertThatThrownBy(() -> new PositionDb(file, TailConfig.DbSync.OFF).load())
                .isInstanceOf(PositionDb.CorruptException.class)
                .hasMessage("line 2 cannot be read: state 'gone' is not reading or done");
    }

    @Test
    void aMissingDbLoadsAsNull() throws IOException {
        assertThat(new PositionDb(dir.resolve("none.db"), TailConfig.DbSync.OFF).load()).isNull();
    }

    @Test
    void aFluentBitSqliteDbIsRefused() throws IOException {
        Path db = dir.resolve("fb.db");
        Files.write(db, "SQLite format 3\0rest".getBytes(StandardCharsets.ISO_8859_1));
        TailConfig c = TailTestSupport.config("Path", dir.resolve("*.log").toString()).withDb(db);

        assertThatThrownBy(() -> new TailInput(c, "tail.0", new LineDecoder(null, null, null)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("[INPUT] tail: DB file " + db + " is not a ferry position DB: it is a SQLite database"
                        + " (Fluent Bit's format), which ferry does not read; point DB at a new file (ferry then"
                        + " starts as on a first start: at the end of the files, or at their head with"
                        + " Read_from_Head On)");
    }

    @Test
    void aDbWithABadLineIsCorrupt() throws IOException {
        Path db = dir.resolve("pos.db");
        Files.writeString(db, "ferry-tail-positions 2\nfp-x\tnot-a-fingerprint\t1:2\t5\treading\t/a\n");

        assertThatThrownBy(() -> new PositionDb(db, TailConfig.DbSync.OFF).load())
                .isInstanceOf(PositionDb.CorruptException.class)
                .hasMessage("line 2 cannot be read: not a fingerprint: not-a-fingerprint");
    }

    @Test
    void aDbInAMissingDirectoryIsRefused() {
        Path db = dir.resolve("missing/pos.db");
        TailConfig c = TailTestSupport.config("Path", dir.resolve("*.log").toString(), "DB", db.toString());

        assertThatThrownBy(() -> new TailInput(c, "tail.0", new LineDecoder(null, null, null)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("[INPUT] tail: the directory of DB " + db + " does not exist");
    }
}
