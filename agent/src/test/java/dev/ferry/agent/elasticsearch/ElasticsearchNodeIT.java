package dev.ferry.agent.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.agent.demo.LocalElasticsearch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The test harness itself: the shared node answers with security on, and its helpers do what they say. */
@ExtendWith(ElasticsearchExtension.class)
class ElasticsearchNodeIT {

    private final ElasticsearchNode es;

    ElasticsearchNodeIT(ElasticsearchNode es) {
        this.es = es;
    }

    @Test
    void basicAuthIsRequiredAndTheElasticPasswordWorks() throws Exception {
        assertThat(es.request("GET", "/_security/_authenticate", null).status()).isEqualTo(200);
        assertThat(es.requestAs(ElasticsearchNode.USER, "wrong", "GET", "/_cluster/health").status()).isEqualTo(401);
        LocalElasticsearch.Response product = es.request("GET", "/_nodes/_local", null);
        assertThat(product.body()).contains("\"version\":\"8.19.21\"");
    }

    @Test
    void indexHelpersCountAndListSeqValuesAndDeleteByNameOnly() throws Exception {
        String index = "ferry-it-node-helpers";
        es.deleteIndex(index);
        assertThat(es.count(index)).isZero();
        es.createIndex(index, "{\"properties\":{\"fields\":{\"properties\":{\"seq\":{\"type\":\"long\"}}}}}");
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            bulk.append("{\"index\":{}}\n{\"fields\":{\"seq\":").append(i % 2).append("}}\n");
        }
        assertThat(es.request("POST", "/" + index + "/_bulk", bulk.toString()).status()).isEqualTo(200);
        assertThat(es.count(index)).isEqualTo(3);
        assertThat(es.seqValues(index)).containsExactlyInAnyOrder(0L, 1L, 0L);
        assertThat(es.documents(index)).hasSize(3);
        assertThatThrownBy(() -> es.deleteIndex("ferry-it-*")).isInstanceOf(IllegalArgumentException.class);
        es.deleteIndex(index);
        assertThat(es.exists(index)).isFalse();
    }
}
