package dev.ferry.agent.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Renders the JSON bodies of the monitoring server: {@code /api/v1/metrics} in Fluent Bit's shape
 * ({@code {"input":{NAME:{"records","bytes"}},"filter":{},"output":{NAME:{"proc_records",...}}}}, from
 * {@code src/http_server/api/v1/metrics.c}, with ferry's own counts under {@code "ferry"}), {@code /} and
 * {@code /api/v1/uptime}. Stateless.
 */
final class MetricsJson {

    private static final JsonFactory JSON = new JsonFactory();

    private MetricsJson() {
    }

    static String metrics(MetricsSnapshot m) {
        return write(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("input");
            for (MetricsSnapshot.InputMetrics in : m.inputs()) {
                g.writeObjectFieldStart(in.name());
                g.writeNumberField("records", in.stats().records());
                g.writeNumberField("bytes", in.stats().bytes());
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeObjectFieldStart("filter");
            g.writeEndObject();
            g.writeObjectFieldStart("output");
            for (MetricsSnapshot.OutputMetrics o : m.outputs()) {
                g.writeObjectFieldStart(o.name());
                g.writeNumberField("proc_records", o.procRecords());
                g.writeNumberField("errors", o.errors());
                g.writeNumberField("retries", o.retries());
                g.writeNumberField("retries_failed", o.retriesFailed());
                g.writeNumberField("dropped_records", o.deadLettered());
                g.writeNumberField("retried_records", o.retriedRecords());
                g.writeEndObject();
            }
            g.writeEndObject();
            MetricsSnapshot.RingMetrics r = m.ring();
            g.writeObjectFieldStart("ferry");
            g.writeNumberField("spooled", r.spooled());
            g.writeNumberField("parse_errors_kept_whole", r.parseErrorsKept());
            g.writeNumberField("invalid_utf8_repaired", r.invalidUtf8Repaired());
            g.writeNumberField("dropped_by_filters", r.droppedByFilters());
            g.writeNumberField("unrouted", r.unrouted());
            g.writeNumberField("stage_errors", r.stageErrors());
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** {@code /}: {@code {"ferry":{"version":"...","edition":"ferry"}}}, where Fluent Bit answers its own build. */
    static String buildInfo(String version) {
        return write(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("ferry");
            g.writeStringField("version", version);
            g.writeStringField("edition", "ferry");
            g.writeStringField("java", System.getProperty("java.version"));
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** {@code /api/v1/uptime}: Fluent Bit's {@code uptime_sec} and {@code uptime_hr} ({@code src/http_server/api/v1/uptime.c}). */
    static String uptime(long seconds) {
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        long secs = seconds % 60;
        String text = "ferry has been running:  " + days + " day" + plural(days) + ", " + hours + " hour" + plural(hours)
                + ", " + minutes + " minute" + plural(minutes) + " and " + secs + " second" + plural(secs);
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("uptime_sec", seconds);
            g.writeStringField("uptime_hr", text);
            g.writeEndObject();
        });
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}
