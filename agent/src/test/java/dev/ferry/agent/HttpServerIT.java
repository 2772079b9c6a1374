package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring server ({@code [SERVICE] HTTP_Server On}) of the real ferry.jar, over real sockets: its
 * endpoints and their exact answers, Fluent Bit's metric names with the counts of a real run, the health
 * check's rule, and a port in use.
 */
class HttpServerIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void theEndpointsAnswerWithTheCountsOfTheRunAndTheServerStopsWithFerry() throws Exception {
        int port = freePort();
        Path log = dir.resolve("app.log");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 36; i++) {
            lines.append("{\"seq\":").append(i).append("}\n");
        }
        lines.append("not json\n"); // kept whole, counted as a parse error
        Files.writeString(log, lines);
        long bytes = Files.size(log);
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[SERVICE]\n    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port " + port + "\n"
                + "[INPUT]\n    Name tail\n    Path " + log + "\n    Read_from_Head On\n    Parser json\n"
                + "[OUTPUT]\n    Name null\n    Match *\n");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "run", "-c", conf.toString())) {
            AtomicReference<String> prometheus = new AtomicReference<>("");
            FerryProcess.await(Duration.ofSeconds(60), () -> {
                prometheus.set(getOrEmpty(port, "/api/v1/metrics/prometheus"));
                return prometheus.get().contains("fluentbit_output_proc_records_total{name=\"null.0\"} 37\n");
            }, () -> "metrics:\n" + prometheus.get() + "\nstderr:\n" + FerryProcess.tail(ferry.stderrText()));
            assertThat(prometheus.get())
                    .contains("# TYPE fluentbit_input_records_total counter\nfluentbit_input_records_total{name=\"tail.0\"} 37\n")
                    .contains("fluentbit_input_bytes_total{name=\"tail.0\"} " + bytes + "\n")
                    .contains("fluentbit_output_errors_total{name=\"null.0\"} 0\n")
                    .contains("fluentbit_output_dropped_records_total{name=\"null.0\"} 0\n")
                    .contains("ferry_parse_errors_kept_total 1\n")
                    .containsPattern("(?m)^fluentbit_uptime \\d+$");

            HttpResponse<String> metrics = get(port, "/api/v1/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).startsWith("{\"input\":{\"tail.0\":{\"records\":37,\"bytes\":" + bytes + "}},\"filter\":{},"
                    + "\"output\":{\"null.0\":{\"proc_records\":37,\"errors\":0,\"retries\":0,\"retries_failed\":0,"
                    + "\"dropped_records\":0,\"retried_records\":0}},");
            HttpResponse<String> root = get(port, "/");
            assertThat(root.statusCode()).isEqualTo(200);
            assertThat(root.body()).startsWith("{\"ferry\":{\"version\":");
            HttpResponse<String> uptime = get(port, "/api/v1/uptime");
            assertThat(uptime.statusCode()).isEqualTo(200);
            assertThat(uptime.body()).matches("\\{\"uptime_sec\":\\d+,\"uptime_hr\":\"ferry has been running:  0 days?, 0 hours?, "
                    + "\\d+ minutes? and \\d+ seconds?\"}");
            // Health_Check Off: Fluent Bit registers no health endpoint
            HttpResponse<String> health = get(port, "/api/v1/health");
            assertThat(health.statusCode()).isEqualTo(404);
            assertThat(get(port, "/api/v1/nothing").statusCode()).isEqualTo(404);

            assertThat(ferry.terminate(Duration.ofSeconds(30))).as("exit code after SIGTERM").isZero();
        }
        // the port is free again: the server closed with ferry
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void healthAnswers500AfterMoreOutputErrorsThanHcErrorsCountWithinHcPeriodThenOkOnceTheyAreOlder() throws Exception {
        int port = freePort();
        int closed = freePort();
        Path log = dir.resolve("app.log");
        Files.writeString(log, "{\"seq\":1}\n");
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[SERVICE]\n    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port " + port + "\n"
                + "    Health_Check On\n    HC_Errors_Count 1\n    HC_Retry_Failure_Count 5\n    HC_Period 10\n"
                + "[INPUT]\n    Name tail\n    Path " + log + "\n    Read_from_Head On\n"
                + "[OUTPUT]\n    Name es\n    Match *\n    Host 127.0.0.1\n    Port " + closed + "\n    Retry_Limit 3\n"
                + "    dead_letter.path " + dir.resolve("dead") + "\n");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "run", "-c", conf.toString())) {
            AtomicReference<HttpResponse<String>> health = new AtomicReference<>();
            FerryProcess.await(Duration.ofSeconds(60), () -> {
                health.set(getOrNull(port, "/api/v1/health"));
                return health.get() != null && health.get().statusCode() == 500;
            }, () -> "health: " + health.get() + "\nstderr:\n" + FerryProcess.tail(ferry.stderrText()));
            assertThat(health.get().body()).isEqualTo("error\n");
            // one record, 4 attempts (Retry_Limit 3), then dead-lettered: no more errors, healthy once they are HC_Period old
            FerryProcess.await(Duration.ofSeconds(60), () -> {
                health.set(getOrNull(port, "/api/v1/health"));
                return health.get() != null && health.get().statusCode() == 200;
            }, () -> "health: " + health.get() + "\nstderr:\n" + FerryProcess.tail(ferry.stderrText()));
            assertThat(health.get().body()).isEqualTo("ok\n");
            assertThat(get(port, "/api/v1/metrics/prometheus").body())
                    .contains("fluentbit_output_errors_total{name=\"es.0\"} 4\n")
                    .contains("fluentbit_output_retries_total{name=\"es.0\"} 3\n")
                    .contains("fluentbit_output_retries_failed_total{name=\"es.0\"} 1\n")
                    .contains("fluentbit_output_retried_records_total{name=\"es.0\"} 3\n")
                    .contains("fluentbit_output_dropped_records_total{name=\"es.0\"} 1\n")
                    .contains("ferry_output_dead_lettered_records_total{name=\"es.0\"} 1\n")
                    .contains("fluentbit_output_proc_records_total{name=\"es.0\"} 0\n");
            assertThat(ferry.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void aPortInUseStopsFerryAtStartWithExit2AndCheckShowsTheServer() throws Exception {
        Path log = dir.resolve("app.log");
        Files.writeString(log, "{\"seq\":1}\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path conf = dir.resolve("f.conf");
            Files.writeString(conf, "[SERVICE]\n    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port " + port + "\n"
                    + "    Health_Check On\n"
                    + "[INPUT]\n    Name tail\n    Path " + log + "\n[OUTPUT]\n    Name null\n    Match *\n");
            try (FerryProcess check = FerryProcess.start(dir, Map.of(), "check", "-c", conf.toString())) {
                assertThat(check.waitFor(Duration.ofSeconds(60))).isZero();
                assertThat(check.stdoutText()).contains("\nhttp_server: 127.0.0.1:" + port
                        + " health_check=on (HC_Errors_Count=5 HC_Retry_Failure_Count=5 HC_Period=60s)\n");
                assertThat(check.stdoutText()).doesNotContain("not implemented");
            }
            try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "run", "-c", conf.toString())) {
                assertThat(ferry.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
                assertThat(ferry.stderrText()).contains("ferry: [SERVICE] HTTP_Listen:HTTP_Port 127.0.0.1:" + port
                        + ": the HTTP server cannot listen: Address already in use (another ferry or Fluent Bit on this "
                        + "port?); set HTTP_Port to a free port, or HTTP_Server Off\n");
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The response, or null while ferry is not listening yet. */
    private static HttpResponse<String> getOrNull(int port, String path) {
        try {
            return get(port, path);
        } catch (Exception e) {
            return null;
        }
    }

    private static String getOrEmpty(int port, String path) {
        HttpResponse<String> r = getOrNull(port, path);
        return r == null ? "" : r.body();
    }
}
