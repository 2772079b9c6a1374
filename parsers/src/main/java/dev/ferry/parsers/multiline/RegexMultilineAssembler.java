package dev.ferry.parsers.multiline;

import dev.ferry.parsers.multiline.MultilineParserConfig.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * The {@code Type regex} assembler: Fluent Bit's rule state machine ({@code flb_ml_rule_process}).
 *
 * <p>For each line:
 * <ol>
 *   <li>In a record, the rules of the current state's next state are tried in rule order, start rules
 *       left out; the first whose regex is found in the line appends the line and moves the state
 *       on.</li>
 *   <li>Otherwise the {@code start_state} rules are tried in rule order; the first that matches emits
 *       the pending record, if any, and starts a new one with the line.</li>
 *   <li>Otherwise the pending record is emitted and the line is a record alone; the state is
 *       reset.</li>
 * </ol>
 * After a match, if the new state's rules include a start rule (for example a rule whose next state is
 * {@code start_state}), the record is complete and is emitted at once, as Fluent Bit does.
 *
 * <p>Not thread-safe; see {@link MultilineAssembler}.
 */
final class RegexMultilineAssembler extends PendingRecordAssembler {

    private final Matcher[] matchers;
    /** Per rule: the non-start rules of its next state, in rule order. */
    private final int[][] continuations;
    /** Per rule: whether its next state has a start rule, which makes a match end the record. */
    private final boolean[] completes;
    private final int[] starts;
    private final LineText text = new LineText();
    /** The rule the last joined line matched, or -1 outside a record. */
    private int state = -1;

    RegexMultilineAssembler(MultilineParserConfig config) {
        super(config);
        List<Rule> rules = config.rules();
        int n = rules.size();
        matchers = new Matcher[n];
        continuations = new int[n][];
        completes = new boolean[n];
        List<Integer> startList = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Rule r = rules.get(i);
            matchers[i] = r.regex().pattern().matcher("");
            if (r.isStart()) {
                startList.add(i);
            }
            List<Integer> next = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                Rule candidate = rules.get(j);
                if (candidate.fromStates().contains(r.nextState())) {
                    if (candidate.isStart()) {
                        completes[i] = true;
                    } else {
                        next.add(j);
                    }
                }
            }
            continuations[i] = next.stream().mapToInt(Integer::intValue).toArray();
        }
        starts = startList.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    boolean offer(byte[] buf, int off, int len, long offset, long nextOffset, long nowNanos, RecordSink sink) {
        CharSequence line = text.of(buf, off, len);
        try {
            if (state >= 0) {
                for (int r : continuations[state]) {
                    if (matchers[r].reset(line).find()) {
                        join(buf, off, len, offset, nextOffset, nowNanos, sink);
                        moveTo(r, sink);
                        return true;
                    }
                }
            }
            for (int r : starts) {
                if (matchers[r].reset(line).find()) {
                    if (!pending.isEmpty()) {
                        pending.emit(sink, counters);
                    }
                    join(buf, off, len, offset, nextOffset, nowNanos, sink);
                    moveTo(r, sink);
                    return true;
                }
            }
            return false;
        } finally {
            text.release(); // the matchers see the view, which no longer holds the caller's line
        }
    }

    private void moveTo(int rule, RecordSink sink) {
        state = rule;
        if (completes[rule] && !pending.isEmpty()) {
            pending.emit(sink, counters);
        }
    }

    /** Appends the line to the pending record (starting it if empty), splitting at max_record_size. */
    private void join(byte[] buf, int off, int len, long offset, long nextOffset, long nowNanos, RecordSink sink) {
        if (!pending.isEmpty() && pending.len + 1L + len > maxRecordSize) {
            counters.oversize++;
            pending.emit(sink, counters);
        }
        if (!pending.isEmpty()) {
            pending.append((byte) '\n');
            counters.joinedLines++;
        }
        pending.append(buf, off, len);
        pending.addLine(offset, nextOffset, nowNanos);
        if (pending.len > maxRecordSize) {
            counters.oversize++;
            pending.emit(sink, counters);
        }
    }

    /**
     * A forced flush, or a line no rule takes, resets the state. After a timeout it is kept, as in
     * Fluent Bit: late continuation lines form a record of their own.
     */
    @Override
    void forgetState() {
        state = -1;
    }
}
