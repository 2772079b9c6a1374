package dev.ferry.pipeline.filter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helpers: records whose fields are raw JSON spans of their line (as the JSON parser leaves them,
 * found here with jackson's token locations), and hand-built configuration sections.
 */
public final class TestRecords {

    private static final JsonFactory FACTORY = new JsonFactory();

    private TestRecords() {
    }

    /** A record whose line is {@code json} (one JSON object) and whose fields are raw spans of it. */
    public static LogRecord json(String json) {
        LogRecord r = new LogRecord();
        load(r, json);
        return r;
    }

    /** Loads {@code json} into {@code r} as {@link #json} does. */
    public static void load(LogRecord r, String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        r.reset(b, 0, b.length);
        RecordFields f = r.fields();
        try (JsonParser p = FACTORY.createParser(r.line(), 0, r.lineLength())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object: " + json);
            }
            f.beginRawObject((int) p.currentTokenLocation().getByteOffset());
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                int start = (int) p.currentTokenLocation().getByteOffset();
                if (v.isStructStart()) {
                    p.skipChildren();
                } else {
                    p.finishToken();
                }
                int end = (int) p.currentLocation().getByteOffset();
                f.appendRaw(key, start, end - start);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A record with the whole {@code line} as a text field {@code log} (as for an input without parser). */
    public static LogRecord text(String line) {
        LogRecord r = new LogRecord();
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        r.reset(b, 0, b.length);
        r.fields().appendText("log", 0, b.length);
        return r;
    }

    /**
     * A {@code [FILTER]} section at {@code test.conf:3} whose entries are {@code lines}, each
     * {@code "Key value"} (split at the first space), on lines 4, 5, ...
     */
    public static ConfigSection filter(String... lines) {
        List<ConfigEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            int sp = l.indexOf(' ');
            String key = sp < 0 ? l : l.substring(0, sp);
            String value = sp < 0 ? "" : l.substring(sp + 1);
            entries.add(new ConfigEntry(key, value, new SourceLocation("test.conf", 4 + i)));
        }
        return new ConfigSection("FILTER", new SourceLocation("test.conf", 3), entries);
    }
}
