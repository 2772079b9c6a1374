package dev.ferry.agent.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.parsers.json.JsonParser;
import dev.ferry.pipeline.record.LogRecord;
import org.junit.jupiter.api.Test;

/** Merge_Log, Keep_Log, Merge_Log_Key and Merge_Log_Trim as Fluent Bit's kubernetes filter applies them. */
class KubeLogMergerTest {

    private static final String DOCKER_LINE = "{\"log\":\"{\\\"level\\\":\\\"info\\\",\\\"msg\\\":\\\"ready\\\\\\\\n\\\",\\\"n\\\":3}\\n\","
            + "\"stream\":\"stdout\",\"time\":\"2026-12-03T21:00:00.1Z\"}";

    private static String merged(String line, String key, boolean keepLog, boolean trim) {
        LogRecord r = KubernetesFilterTest.record("t", line);
        long time = r.timeNanos();
        new KubeLogMerger(new JsonParser("kubernetes-merge-log", null), false, key, keepLog, trim).merge(r);
        assertThat(r.timeNanos()).isEqualTo(time);
        return r.fields().toString();
    }

    @Test
    void theJsonLogsMembersGoAfterTheFieldsAndKeepLogKeepsTheLog() {
        assertThat(merged(DOCKER_LINE, null, true, true)).isEqualTo("{\"log\":\"{\\\"level\\\":\\\"info\\\",\\\"msg\\\":"
                + "\\\"ready\\\\\\\\n\\\",\\\"n\\\":3}\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-03T21:00:00.1Z\","
                + "\"level\":\"info\",\"msg\":\"ready\",\"n\":3}");
    }

    @Test
    void keepLogOffRemovesTheLogAndMergeLogKeyNestsTheMembers() {
        assertThat(merged(DOCKER_LINE, "app", false, true)).isEqualTo("{\"stream\":\"stdout\","
                + "\"time\":\"2026-12-03T21:00:00.1Z\",\"app\":{\"level\":\"info\",\"msg\":\"ready\",\"n\":3}}");
    }

    @Test
    void mergeLogTrimOffKeepsTheTrailingEscape() {
        assertThat(merged(DOCKER_LINE, "app", false, false)).contains("\"msg\":\"ready\\\\n\"");
    }

    @Test
    void aLogThatIsNotAJsonObjectStaysAsItIsEvenWithKeepLogOff() {
        String plain = "{\"log\":\"GET /health 200\\n\",\"stream\":\"stdout\"}";
        assertThat(merged(plain, null, false, true)).isEqualTo(plain);
        String array = "{\"log\":\"[1,2]\",\"stream\":\"stdout\"}";
        assertThat(merged(array, null, false, true)).isEqualTo(array);
    }

    @Test
    void aLogThatIsAlreadyAnObjectIsMergedAsItIs() {
        assertThat(merged("{\"log\":{\"a\":\"x\\n\"},\"s\":1}", null, false, true)).isEqualTo("{\"s\":1,\"a\":\"x\\n\"}");
    }

    @Test
    void trimmedDropsTrailingNewlinesAndEscapesLikeFluentBit() {
        assertThat(KubeLogMerger.trimmed("boom\n\n")).isEqualTo("boom");
        assertThat(KubeLogMerger.trimmed("boom\\n\\r")).isEqualTo("boom");
        assertThat(KubeLogMerger.trimmed("a\nb")).isEqualTo("a\nb");
        assertThat(KubeLogMerger.trimmed("\n")).isEqualTo("\n");
    }

    @Test
    void containerHashAndIdAreTakenAfterTheScheme() {
        assertThat(KubePod.afterScheme("containerd://3f4e")).isEqualTo("3f4e");
        assertThat(KubePod.afterScheme("docker-pullable://nginx@sha256:9f86")).isEqualTo("nginx@sha256:9f86");
        assertThat(KubePod.afterScheme("docker.io/library/nginx@sha256:9f86")).isEqualTo("docker.io/library/nginx@sha256:9f86");
        assertThat(KubePod.afterScheme("sha256")).isNull();
    }
}
