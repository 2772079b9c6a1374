package dev.ferry.agent.source.tail;

import dev.ferry.pipeline.record.RecordOrigin;
import dev.ferry.pipeline.ring.LineBatch;
import dev.ferry.pipeline.ring.LinePublisher;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A publisher for tests: records every line, and acknowledges either at once ({@code autoAck}) or when
 * the test says so ({@link #ackFirst}, {@link #ackAll}), always from one thread and in order, like the
 * ring's output stage.
 */
final class RecordingPublisher implements LinePublisher {

    record Line(String text, String tag, RecordOrigin origin, long offset, long nextOffset) {
    }

    private final List<Line> lines = new ArrayList<>();
    private final boolean autoAck;
    private int acked;
    /** What {@link #holdsInputs()} answers: a test's stand-in for a full spool. */
    volatile boolean hold;

    RecordingPublisher(boolean autoAck) {
        this.autoAck = autoAck;
    }

    @Override
    public void publish(LineBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            Line l = new Line(new String(batch.buffer(), batch.start(i), batch.length(i), StandardCharsets.UTF_8),
                    batch.tag(), batch.origin(), batch.offset(i), batch.nextOffset(i));
            synchronized (this) {
                lines.add(l);
            }
            if (autoAck) {
                batch.origin().acknowledge(batch.nextOffset(i));
            }
        }
    }

    @Override
    public boolean holdsInputs() {
        return hold;
    }

    synchronized List<Line> lines() {
        return new ArrayList<>(lines);
    }

    synchronized List<String> texts() {
        return lines.stream().map(Line::text).toList();
    }

    synchronized int size() {
        return lines.size();
    }

    /** Acknowledges the first {@code n} lines published (those not acknowledged yet). */
    void ackFirst(int n) {
        List<Line> todo;
        synchronized (this) {
            todo = new ArrayList<>(lines.subList(acked, n));
            acked = n;
        }
        for (Line l : todo) {
            l.origin().acknowledge(l.nextOffset());
        }
    }

    /** Acknowledges every line published so far. */
    void ackAll() {
        ackFirst(size());
    }
}
