package dev.ferry.parsers.multiline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: a sink that keeps what it gets, and a feeder that gives a text to an assembler line by line. */
final class Collected implements RecordSink {

    /** One emitted record. */
    record Out(String text, long offset, long nextOffset) {
    }

    final List<Out> records = new ArrayList<>();

    @Override
    public void record(byte[] buf, int off, int len, long offset, long nextOffset) {
        records.add(new Out(new String(buf, off, len, StandardCharsets.UTF_8), offset, nextOffset));
    }

    List<String> texts() {
        return records.stream().map(Out::text).toList();
    }

    /**
     * Feeds every {@code \n}-terminated line of {@code text} (a last line without one too), offsets
     * counted in UTF-8 bytes from {@code base}, all at time {@code nowNanos}; returns the end offset.
     */
    static long feed(MultilineAssembler a, String text, long base, long nowNanos, RecordSink sink) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        while (start < b.length) {
            int nl = start;
            while (nl < b.length && b[nl] != '\n') {
                nl++;
            }
            int next = nl < b.length ? nl + 1 : nl;
            // pass the line inside a larger array to check that off/len are honoured
            byte[] padded = new byte[nl - start + 4];
            System.arraycopy(b, start, padded, 2, nl - start);
            a.accept(padded, 2, nl - start, base + start, base + next, nowNanos, sink);
            start = next;
        }
        return base + b.length;
    }

    static String resource(String name) {
        try (InputStream in = Collected.class.getResourceAsStream("/multiline/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource multiline/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The UTF-8 byte offset in {@code text} where {@code part} first starts. */
    static long offsetOf(String text, String part) {
        int i = text.indexOf(part);
        if (i < 0) {
            throw new IllegalArgumentException("not in text: " + part);
        }
        return text.substring(0, i).getBytes(StandardCharsets.UTF_8).length;
    }
}
