package dev.ferry.agent.http;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Renders a {@link MetricsSnapshot} in Prometheus' text format 0.0.4, with the names and {@code name} label of
 * Fluent Bit's {@code /api/v1/metrics/prometheus} ({@code src/http_server/api/v1/metrics.c}) where ferry counts
 * the same thing, so dashboards built for Fluent Bit keep working; ferry's own counters are {@code ferry_*}.
 * Fluent Bit's {@code fluentbit_output_proc_bytes_total} is not written: ferry does not count output bytes.
 * Samples carry no timestamp (Prometheus stamps them at scrape). Stateless.
 */
final class PrometheusText {

    private PrometheusText() {
    }

    static String render(MetricsSnapshot m, long uptimeSeconds, long startEpochSeconds) {
        StringBuilder sb = new StringBuilder(4096);
        single(sb, "fluentbit_uptime", "counter", "Number of seconds that ferry has been running.", uptimeSeconds);
        single(sb, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
                startEpochSeconds);
        perInput(sb, m, "fluentbit_input_records_total", "Number of input records (lines read).", s -> s.stats().records());
        perInput(sb, m, "fluentbit_input_bytes_total", "Number of input bytes.", s -> s.stats().bytes());
        perOutput(sb, m, "fluentbit_output_proc_records_total", "Number of processed output records.",
                MetricsSnapshot.OutputMetrics::procRecords);
        perOutput(sb, m, "fluentbit_output_errors_total", "Number of output errors.", MetricsSnapshot.OutputMetrics::errors);
        perOutput(sb, m, "fluentbit_output_retries_total", "Number of output retries.", MetricsSnapshot.OutputMetrics::retries);
        perOutput(sb, m, "fluentbit_output_retries_failed_total", "Number of abandoned batches.",
                MetricsSnapshot.OutputMetrics::retriesFailed);
        perOutput(sb, m, "fluentbit_output_dropped_records_total",
                "Number of records that did not reach the output's destination (ferry keeps them as dead letters).",
                MetricsSnapshot.OutputMetrics::deadLettered);
        perOutput(sb, m, "fluentbit_output_retried_records_total", "Number of retried records.",
                MetricsSnapshot.OutputMetrics::retriedRecords);
        perOutput(sb, m, "ferry_output_dead_lettered_records_total",
                "Records kept in the output's dead-letter store instead of its destination.",
                MetricsSnapshot.OutputMetrics::deadLettered);
        perInput(sb, m, "ferry_input_lost_lines_total", "Lines that were gone before they could be read.",
                s -> s.stats().lostLines());
        perInput(sb, m, "ferry_input_lost_bytes_total", "Bytes that were gone before they could be read.",
                s -> s.stats().lostBytes());
        perInput(sb, m, "ferry_input_long_lines_skipped_total", "Lines longer than Buffer_Max_Size that were skipped.",
                s -> s.stats().longLinesSkipped());
        MetricsSnapshot.RingMetrics r = m.ring();
        single(sb, "ferry_records_spooled_total", "counter", "Records appended to the disk spool.", r.spooled());
        single(sb, "ferry_parse_errors_kept_total", "counter",
                "Lines a parser rejected, kept whole under log with ferry_parse_error.", r.parseErrorsKept());
        single(sb, "ferry_invalid_utf8_repaired_total", "counter",
                "Records whose invalid UTF-8 bytes were replaced with U+FFFD.", r.invalidUtf8Repaired());
        single(sb, "ferry_records_dropped_by_filters_total", "counter", "Records a filter dropped.", r.droppedByFilters());
        single(sb, "ferry_records_unrouted_total", "counter", "Records no output's Match took.", r.unrouted());
        single(sb, "ferry_stage_errors_total", "counter", "Records on which a parser or filter threw.", r.stageErrors());
        return sb.toString();
    }

    private static void single(StringBuilder sb, String name, String type, String help, long value) {
        header(sb, name, type, help);
        sb.append(name).append(' ').append(value).append('\n');
    }

    private static void perInput(StringBuilder sb, MetricsSnapshot m, String name, String help,
            ToLongFunction<MetricsSnapshot.InputMetrics> value) {
        labelled(sb, name, help, m.inputs(), MetricsSnapshot.InputMetrics::name, value);
    }

    private static void perOutput(StringBuilder sb, MetricsSnapshot m, String name, String help,
            ToLongFunction<MetricsSnapshot.OutputMetrics> value) {
        labelled(sb, name, help, m.outputs(), MetricsSnapshot.OutputMetrics::name, value);
    }

    private static <T> void labelled(StringBuilder sb, String name, String help, List<T> rows,
            java.util.function.Function<T, String> label, ToLongFunction<T> value) {
        if (rows.isEmpty()) {
            return;
        }
        header(sb, name, "counter", help);
        for (T row : rows) {
            sb.append(name).append("{name=\"").append(escape(label.apply(row))).append("\"} ")
                    .append(value.applyAsLong(row)).append('\n');
        }
    }

    private static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** A label value as the text format wants it: backslash, double quote and newline escaped. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
