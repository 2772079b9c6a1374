package dev.ferry.agent.source.tail;

import dev.ferry.pipeline.ring.LineDecoder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the tail inputs of a test and closes them after it ({@code @RegisterExtension}). Each test
 * class gives its default keys; a test's own keys replace the defaults of the same name.
 */
final class TailInputs implements AfterEachCallback {

    private final List<TailInput> inputs = new ArrayList<>();
    private final List<String> defaults = new ArrayList<>();

    /** @param defaults key/value pairs every input of the test class gets unless the test sets the key */
    TailInputs(String... defaults) {
        addDefaults(defaults);
    }

    /** More defaults (those that depend on the test's directory: set them in a {@code @BeforeEach}). */
    void addDefaults(String... keyValues) {
        defaults.addAll(List.of(keyValues));
    }

    /** A started input reading into {@code pub}, with {@code keyValues} over the defaults. */
    TailInput start(RecordingPublisher pub, String... keyValues) {
        List<String> kv = new ArrayList<>(List.of(keyValues));
        Set<String> set = new HashSet<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            set.add(keyValues[i]);
        }
        for (int i = 0; i < defaults.size(); i += 2) {
            if (!set.contains(defaults.get(i))) {
                kv.add(defaults.get(i));
                kv.add(defaults.get(i + 1));
            }
        }
        TailInput in = new TailInput(TailTestSupport.config(kv.toArray(String[]::new)), "tail.0",
                new LineDecoder(null, null, null));
        inputs.add(in);
        in.start(pub);
        return in;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        inputs.forEach(TailInput::close);
        inputs.clear();
    }
}
