package dev.ferry.agent;

import dev.ferry.agent.source.tail.TailConfig;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.record.TagPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes what {@code ferry check} prints: the inputs, parsers, filters and outputs a plan would run,
 * their settings (secrets masked), and which tags route where.
 *
 * <p>Routing is shown for an example tag per input: the input's {@code Tag} with its {@code *}
 * expanded the way the tail input expands it, for a file name {@code x} in the first {@code Path}.
 */
final class TopologyDescription {

    private TopologyDescription() {
    }

    // A byte count as the configuration would write it: MiB or KiB when it is a whole number of them.
    private static String size(long bytes) {
        if (bytes > 0 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        return bytes > 0 && bytes % 1024 == 0 ? (bytes >> 10) + "KiB" : Long.toString(bytes);
    }

    static String describe(TopologyPlan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("configuration ").append(plan.origin()).append(" is valid\n");
        ServiceConfig s = plan.service();
        sb.append("service: flush=").append(s.flush().toMillis()).append("ms grace=").append(s.grace().toMillis())
                .append("ms log_level=").append(s.logLevel()).append(" ring.slots=").append(s.ringSlots())
                .append(" ring.workers=").append(s.ringWorkers()).append(" ring.wait=")
                .append(s.ringWait().name().toLowerCase(Locale.ROOT)).append(" spool=")
                .append(plan.spoolPath() == null ? "off" : plan.spoolPath() + " storage.compress="
                        + s.storageCompress().name().toLowerCase(Locale.ROOT) + " storage.write_behind="
                        + size(Agent.spoolMemory(plan))).append('\n');
        if (s.http().enabled()) {
            sb.append("http_server: ").append(s.http().address()).append(" health_check=");
            sb.append(s.http().healthCheck() ? "on (HC_Errors_Count=" + s.http().errorsCount() + " HC_Retry_Failure_Count="
                    + s.http().retryFailureCount() + " HC_Period=" + s.http().period().toSeconds() + "s)" : "off").append('\n');
        }
        sb.append("parsers: ").append(String.join(", ", plan.parsers().names())).append('\n');
        section(sb, "inputs", plan.inputs());
        section(sb, "filters", plan.filters());
        section(sb, "outputs", plan.outputs());
        sb.append("routes:\n");
        for (PlannedPlugin in : plan.inputs()) {
            String tag = exampleTag(in);
            List<String> fs = new ArrayList<>();
            for (PlannedPlugin f : plan.filters()) {
                if (f.match().matches(tag)) {
                    fs.add(f.instanceName());
                }
            }
            List<String> os = new ArrayList<>();
            for (PlannedPlugin o : plan.outputs()) {
                if (o.match().matches(tag)) {
                    os.add(o.instanceName());
                }
            }
            sb.append("  ").append(in.instanceName()).append(" (tag ").append(tag).append(")");
            sb.append(" -> filters [").append(String.join(", ", fs)).append("]");
            sb.append(" -> outputs [").append(String.join(", ", os)).append("]");
            if (os.isEmpty()) {
                sb.append("  (no output takes these records: they would be counted as unrouted)");
            }
            sb.append('\n');
        }
        if (!plan.warnings().isEmpty()) {
            sb.append("warnings:\n");
            for (String w : plan.warnings()) {
                sb.append("  ").append(w).append('\n');
            }
        }
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, List<PlannedPlugin> plugins) {
        sb.append(title).append(":\n");
        for (PlannedPlugin p : plugins) {
            sb.append("  ").append(p.instanceName()).append(" (").append(p.type().name());
            sb.append(")");
            TagPattern m = p.match();
            if (m != null) {
                sb.append("  ").append(m);
                // a section without Match takes none(), except the one output of a 1:1 plan (TopologyPlan.build)
                if (!p.options().isSet("Match") && !p.options().isSet("Match_Regex") && m != TagPattern.none()) {
                    sb.append(" (no Match set; the only output of the only input takes every record, as in Fluent Bit)");
                }
            }
            sb.append('\n');
            for (ConfigEntry e : p.options().section().entries()) {
                if (e.is("Name") || e.is("Match") || e.is("Match_Regex")) {
                    continue;
                }
                sb.append("      ").append(e.key()).append(' ').append(e.displayValue()).append('\n');
            }
            if (p.config() instanceof TailConfig tail && tail.db() != null && !p.options().isSet("DB")) {
                sb.append("      DB ").append(tail.db()).append("  (from --state-dir)\n");
            }
        }
    }

    private static String exampleTag(PlannedPlugin input) {
        String tag = input.config() instanceof TailConfig tail ? tail.tagOr(input.instanceName()) : input.instanceName();
        if (!tag.contains("*")) {
            return tag;
        }
        String path = input.options().section().first("Path").orElse("/x").split(",")[0].trim().replace("*", "x");
        String expanded = path.replace('/', '.');
        while (expanded.startsWith(".")) {
            expanded = expanded.substring(1);
        }
        return tag.replace("*", expanded);
    }
}
