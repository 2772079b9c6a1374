package dev.ferry.pipeline.filter.modify;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.spi.Filter;

/**
 * Fluent Bit's {@code modify} filter: when every condition holds, applies the rules to the record's
 * fields in the order they were written. Never drops a record.
 *
 * <p>Immutable and thread-safe (any number of ring threads at once). The per-record path walks two arrays
 * and allocates nothing itself: {@code Add}/{@code Set} append precomputed strings, so a filter made only
 * of those costs a key scan and a field append per rule.
 */
public final class ModifyFilter implements Filter {

    private final ModifyCondition[] conditions;
    private final ModifyRule[] rules;

    public ModifyFilter(ModifyConfig config) {
        this.conditions = config.conditions().toArray(new ModifyCondition[0]);
        this.rules = config.rules().toArray(new ModifyRule[0]);
    }

    @Override
    public boolean apply(LogRecord record) {
        for (ModifyCondition c : conditions) {
            if (!c.test(record)) {
                return true;
            }
        }
        RecordFields fields = record.fields();
        for (ModifyRule r : rules) {
            r.apply(fields);
        }
        return true;
    }
}
