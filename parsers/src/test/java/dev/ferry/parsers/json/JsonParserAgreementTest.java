package dev.ferry.parsers.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonToken;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written scanner against jackson as the reference: on thousands of mutated erlmcp lines, both
 * accept exactly the same ones, and every accepted line is written back byte for byte.
 */
class JsonParserAgreementTest {

    private static final JsonFactory JACKSON = new JsonFactory();
    private static final byte[] ALPHABET = "{}[]\":,\\ \t0123456789-+.eEtrufalsn\u00e9\u0001x/".getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsExactlyWhatJacksonAccepts() throws IOException {
        List<String> seeds = JsonParserTest.erlmcpLines();
        JsonParser parser = new JsonParser("json", null);
        Random rnd = new Random(12345);
        LogRecord r = new LogRecord();
        ByteSink sink = new ByteSink(512);
        int accepted = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] line = mutate(seeds.get(n % seeds.size()).getBytes(StandardCharsets.UTF_8), rnd, 1 + n % 3);
            r.reset(line, 0, line.length);
            boolean ours = parser.parse(r);
            boolean theirs = jacksonAccepts(line);
            assertThat(ours).as("%s -> %s", new String(line, StandardCharsets.UTF_8), r.parseError()).isEqualTo(theirs);
            if (ours) {
                accepted++;
                sink.reset();
                r.fields().writeJson(sink);
                String trimmed = new String(line, StandardCharsets.UTF_8).strip();
                assertThat(sink.toString()).isEqualTo(trimmed.substring(0, trimmed.length() - 1).stripTrailing() + "}");
            }
        }
        assertThat(accepted).isBetween(1000, 19_000);
    }

    private static byte[] mutate(byte[] line, Random rnd, int edits) {
        byte[] b = line;
        for (int e = 0; e < edits; e++) {
            int at = rnd.nextInt(b.length);
            byte c = ALPHABET[rnd.nextInt(ALPHABET.length)];
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    byte[] shorter = new byte[b.length - 1];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                    b = shorter;
                }
                case 1 -> {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = c;
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                }
                default -> {
                    b = b.clone();
                    b[at] = c;
                }
            }
        }
        return b;
    }

    private static boolean jacksonAccepts(byte[] line) {
        try (com.fasterxml.jackson.core.JsonParser p = JACKSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
