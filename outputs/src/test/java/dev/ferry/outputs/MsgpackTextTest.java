package dev.ferry.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.record.ByteSink;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MsgpackTextTest {

    private static String print(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ByteSink out = new ByteSink(64);
        MsgpackText.write(out, b, 0, b.length);
        return out.toString();
    }

    @Test
    void printsMapsAndArraysAsMsgpackC() {
        assertThat(print("{\"log\":\"hi\",\"n\":1,\"l\":[1,true,false],\"x\":null}"))
                .isEqualTo("{\"log\"=>\"hi\", \"n\"=>1, \"l\"=>[1, true, false], \"x\"=>nil}");
        assertThat(print(" { \"a\" : { \"b\" : [ ] , \"c\" : { } } } "))
                .isEqualTo("{\"a\"=>{\"b\"=>[], \"c\"=>{}}}");
    }

    @Test
    void printsFloatsWithPercentF() {
        assertThat(print("[1.5,0.1,-2.25,1e3,-7]")).isEqualTo("[1.500000, 0.100000, -2.250000, 1000.000000, -7]");
    }

    @Test
    void printsStringsUnescaped() {
        assertThat(print("\"a \\\"b\\\"\\n\\u00e9\\ud83d\\ude00\\\\\""))
                .isEqualTo("\"a \"b\"\n\u00e9\ud83d\ude00\\\"");
        assertThat(print("{\"k\\tey\":\"\u00e9t\u00e9\"}")).isEqualTo("{\"k\tey\"=>\"\u00e9t\u00e9\"}");
    }
}
