package dev.ferry.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.config.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VariableExpanderTest {

    private final List<String> warnings = new ArrayList<>();
    private final VariableExpander variables = new VariableExpander(Map.of("HOSTNAME", "web-1", "USER", "env"), warnings);
    private final SourceLocation where = new SourceLocation("a.conf", 7);

    @Test
    void expandsFromTheEnvironment() {
        assertThat(variables.expand("host ${HOSTNAME}!", where)).isEqualTo("host web-1!");
        assertThat(warnings).isEmpty();
    }

    @Test
    void setVariablesComeBeforeTheEnvironment() {
        variables.set("USER", "set");
        assertThat(variables.expand("${USER}/${HOSTNAME}", where)).isEqualTo("set/web-1");
    }

    @Test
    void anUnsetVariableIsEmptyAndWarns() {
        assertThat(variables.expand("a${NOPE}b", where)).isEqualTo("ab");
        assertThat(warnings).containsExactly("a.conf:7: variable ${NOPE} is not set; using an empty value");
    }

    @Test
    void textThatIsNotAVariableIsKept() {
        assertThat(variables.expand("cost $5 and ${unclosed", where)).isEqualTo("cost $5 and ${unclosed");
        assertThat(variables.expand("no variables", where)).isEqualTo("no variables");
    }
}
