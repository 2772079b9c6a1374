package dev.ferry.outputs;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.config.SourceLocation;
import java.util.ArrayList;
import java.util.List;

/** Builds {@code [OUTPUT]} sections as a configuration file would: {@code test.conf}, from line 3. */
public final class Sections {

    private Sections() {
    }

    /** A section with the given key, value pairs on lines 4, 5, ... */
    public static ConfigSection output(String... keyValues) {
        List<ConfigEntry> entries = new ArrayList<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            entries.add(new ConfigEntry(keyValues[i], keyValues[i + 1], new SourceLocation("test.conf", 4 + i / 2)));
        }
        return new ConfigSection("OUTPUT", new SourceLocation("test.conf", 3), entries);
    }

    /** Binds the pairs to {@code table}. */
    public static Options bind(OptionTable table, String... keyValues) {
        return table.bind(output(keyValues));
    }
}
