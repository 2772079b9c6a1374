package dev.ferry.bench.outputs;

import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.json.SimpleJsonpMapper;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import dev.ferry.outputs.elasticsearch.EsBulkResponse;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the bulk round trip costs per document on the sender's CPU, ferry's way against
 * elasticsearch-java's (8.19.0, its default {@link SimpleJsonpMapper} over parsson), for 1,000-document
 * bulks of erlmcp-sized documents. Decides the es output's HTTP client (see its report).
 *
 * <ul>
 *   <li>{@code ferry*}: {@link EsBulkResponse#parse} (jackson-core streaming) of the filtered response
 *       ferry asks for, of a full response with {@code errors:false} (items skipped) and of a full
 *       response with one failed item (every item read);</li>
 *   <li>{@code esJava*}: {@code BulkResponse._DESERIALIZER} of the full response (typed items), and
 *       building a {@link BulkRequest} of {@code create} operations with {@link BinaryData} documents and
 *       serializing it to NDJSON the way its transport does.</li>
 * </ul>
 * Scores are per document ({@code @OperationsPerInvocation}).
 *
 * <pre>java -jar bench/target/benchmarks.jar BulkResponseBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BulkResponseBenchmark {

    private static final int N = 1000;

    private byte[] filtered;
    private byte[] full;
    private byte[] fullWithError;
    private byte[][] documents;
    private final JsonpMapper mapper = new SimpleJsonpMapper();

    @Setup(Level.Trial)
    public void setUp() {
        StringBuilder f = new StringBuilder("{\"errors\":false,\"items\":[");
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < N; i++) {
            if (i > 0) {
                f.append(',');
                a.append(',');
            }
            f.append("{\"create\":{\"status\":201}}");
            a.append("{\"create\":{\"_index\":\"erlmcp-2024.01.01\",\"_id\":\"fp-6fc6ca04320260b8-1024:").append(i * 425L)
                    .append("\",\"_version\":1,\"result\":\"created\",\"_shards\":{\"total\":2,\"successful\":1,"
                            + "\"failed\":0},\"_seq_no\":").append(i).append(",\"_primary_term\":1,\"status\":201}}");
        }
        filtered = f.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        full = ("{\"errors\":false,\"took\":30,\"items\":[" + a + "]}").getBytes(StandardCharsets.UTF_8);
        String err = a.toString().replaceFirst("\"result\":\"created\",\"_shards\":\\{\"total\":2,\"successful\":1,"
                + "\"failed\":0},\"_seq_no\":0,\"_primary_term\":1,\"status\":201",
                "\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":\"failed to parse\"}");
        fullWithError = ("{\"errors\":true,\"took\":30,\"items\":[" + err + "]}").getBytes(StandardCharsets.UTF_8);
        documents = new byte[N][];
        String doc = "{\"@timestamp\":\"2024-01-01T10:00:00.000Z\",\"timestamp\":\"2024-01-01T10:00:00.000Z\","
                + "\"level\":\"error\",\"logger\":\"erlmcp\",\"message\":\"Tool call failed\",\"metadata\":{\"module\":"
                + "\"erlmcp_http_handler\",\"function\":\"handle_request/2\",\"line\":100,\"pid\":\"<0.0.0>\"},"
                + "\"fields\":{\"method\":\"POST\",\"path\":\"/v3/tools/call\",\"status\":500,\"seq\":";
        for (int i = 0; i < N; i++) {
            documents[i] = (doc + i + "},\"host\":\"bench-host\",\"cluster\":\"erlmcp-prod\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public EsBulkResponse ferryFilteredResponse() throws IOException {
        return EsBulkResponse.parse(200, filtered, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public EsBulkResponse ferryFullResponseNoErrors() throws IOException {
        return EsBulkResponse.parse(200, full, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public EsBulkResponse ferryFullResponseOneError() throws IOException {
        return EsBulkResponse.parse(200, fullWithError, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public BulkResponse esJavaTypedResponse() {
        JsonParser p = mapper.jsonProvider().createParser(new ByteArrayInputStream(full));
        return BulkResponse._DESERIALIZER.deserialize(p, mapper);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int esJavaBuildAndSerializeRequest() {
        List<BulkOperation> ops = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            BinaryData d = BinaryData.of(documents[i], ContentType.APPLICATION_JSON);
            String id = "fp-6fc6ca04320260b8-1024:" + (i * 425L);
            ops.add(BulkOperation.of(o -> o.create(c -> c.index("erlmcp-2024.01.01").id(id).document(d))));
        }
        BulkRequest request = BulkRequest.of(b -> b.operations(ops));
        ByteArrayOutputStream out = new ByteArrayOutputStream(N * 500);
        // As the transport writes an NdJsonpSerializable: each part serialized, then a newline.
        java.util.Iterator<?> parts = request._serializables();
        while (parts.hasNext()) {
            Object part = parts.next();
            if (part instanceof BinaryData bd) {
                try {
                    bd.writeTo(out);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            } else {
                JsonGenerator g = mapper.jsonProvider().createGenerator(out);
                mapper.serialize(part, g);
                g.close();
            }
            out.write('\n');
        }
        return out.size();
    }
}
