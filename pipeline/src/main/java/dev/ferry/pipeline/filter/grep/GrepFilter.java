package dev.ferry.pipeline.filter.grep;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Filter;

/**
 * Fluent Bit's {@code grep} filter: keeps or drops each record by its rules.
 *
 * <ul>
 *   <li>{@code legacy}: the record is kept when every {@code Regex} rule matches and no {@code Exclude}
 *       rule matches. (This is Fluent Bit's documented behaviour. Its implementation stops at the first
 *       {@code Regex} that matches and keeps the record, so later rules only count when they come first;
 *       ferry does not copy that order dependence.)</li>
 *   <li>{@code AND} / {@code OR} (one kind of rule only): Regex rules keep the record when all / any of
 *       them match; Exclude rules drop it when all / any of them match.</li>
 * </ul>
 * With no rules every record is kept. Immutable and thread-safe; allocates only what matching a
 * non-string or nested value needs.
 */
public final class GrepFilter implements Filter {

    private final GrepRule[] rules;
    private final GrepConfig.LogicalOp op;
    private final boolean excludeRules;

    public GrepFilter(GrepConfig config) {
        this.rules = config.rules().toArray(new GrepRule[0]);
        this.op = config.logicalOp();
        this.excludeRules = rules.length > 0 && rules[0].exclude();
    }

    @Override
    public boolean apply(LogRecord record) {
        if (rules.length == 0) {
            return true;
        }
        switch (op) {
            case AND -> {
                for (GrepRule r : rules) {
                    if (!r.matches(record)) {
                        return excludeRules;
                    }
                }
                return !excludeRules;
            }
            case OR -> {
                for (GrepRule r : rules) {
                    if (r.matches(record)) {
                        return !excludeRules;
                    }
                }
                return excludeRules;
            }
            default -> {
                for (GrepRule r : rules) {
                    if (r.matches(record) == r.exclude()) {
                        return false;
                    }
                }
                return true;
            }
        }
    }
}
