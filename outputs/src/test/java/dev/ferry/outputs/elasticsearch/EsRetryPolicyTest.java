package dev.ferry.outputs.elasticsearch;

import static dev.ferry.outputs.elasticsearch.EsConfig.WriteOperation.CREATE;
import static dev.ferry.outputs.elasticsearch.EsConfig.WriteOperation.INDEX;
import static dev.ferry.outputs.elasticsearch.EsConfig.WriteOperation.UPDATE;
import static dev.ferry.outputs.elasticsearch.EsRetryPolicy.Action.DEAD_LETTER;
import static dev.ferry.outputs.elasticsearch.EsRetryPolicy.Action.DELIVERED;
import static dev.ferry.outputs.elasticsearch.EsRetryPolicy.Action.RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EsRetryPolicyTest {

    @ParameterizedTest(name = "item {0} {1} ({2}) -> {3}")
    @CsvSource(nullValues = "-", value = {
        "201, -, CREATE, DELIVERED",
        "200, -, INDEX, DELIVERED",
        "409, version_conflict_engine_exception, CREATE, DELIVERED",
        "409, version_conflict_engine_exception, UPDATE, RETRY",
        "409, version_conflict_engine_exception, INDEX, RETRY",
        "429, es_rejected_execution_exception, CREATE, RETRY",
        "429, circuit_breaking_exception, CREATE, RETRY",
        "500, internal_server_error, CREATE, RETRY",
        "503, unavailable_shards_exception, CREATE, RETRY",
        "403, cluster_block_exception, CREATE, RETRY",
        "403, security_exception, CREATE, RETRY",
        "401, security_exception, INDEX, RETRY",
        "400, mapper_parsing_exception, CREATE, DEAD_LETTER",
        "400, illegal_argument_exception, CREATE, DEAD_LETTER",
        "404, document_missing_exception, UPDATE, DEAD_LETTER",
        "404, index_not_found_exception, CREATE, RETRY",
    })
    void items(int status, String type, EsConfig.WriteOperation op, EsRetryPolicy.Action action) {
        assertThat(EsRetryPolicy.forItem(status, type, op)).isEqualTo(action);
    }

    @ParameterizedTest(name = "response {0} -> {1}")
    @CsvSource({
        "200, DELIVERED", "201, DELIVERED", "400, RETRY", "401, RETRY", "403, RETRY", "404, RETRY", "413, RETRY",
        "429, RETRY", "500, RETRY", "502, RETRY", "503, RETRY", "504, RETRY",
    })
    void wholeResponses(int status, EsRetryPolicy.Action action) {
        assertThat(EsRetryPolicy.forResponse(status)).isEqualTo(action);
    }

    @ParameterizedTest
    @CsvSource({"409, version_conflict_engine_exception, CREATE, true", "409, version_conflict_engine_exception, INDEX, false",
        "201, version_conflict_engine_exception, CREATE, false", "409, other, CREATE, false"})
    void alreadyPresent(int status, String type, EsConfig.WriteOperation op, boolean present) {
        assertThat(EsRetryPolicy.isAlreadyPresent(status, type, op)).isEqualTo(present);
        assertThat(CREATE).isNotEqualTo(INDEX).isNotEqualTo(UPDATE);
        assertThat(DELIVERED).isNotEqualTo(RETRY).isNotEqualTo(DEAD_LETTER);
    }
}
