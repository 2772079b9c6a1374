package dev.ferry.agent.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** How the OTP tests behave without Erlang: skipped with the install command, or failed when CI requires it. */
class ErlangLoggerTest {

    @Test
    void aMissingErlIsNamed() {
        assertThat(ErlangLogger.missingTool("ferry-no-such-erl", "erlc"))
                .startsWith("'ferry-no-such-erl' is not on the PATH (");
    }

    @Test
    void withoutCiTheTestIsSkippedWithTheInstallCommand() {
        assertThatThrownBy(() -> ErlangLogger.check("'erl' is not on the PATH (x)", false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessage("'erl' is not on the PATH (x); OTP rotation tests skipped. Erlang/OTP is needed"
                        + " for the OTP rotation tests: install it with 'apt-get install -y erlang-base' (Debian/Ubuntu;"
                        + " provides erl and erlc) (set FERRY_REQUIRE_ERL=1 to make this a failure)");
    }

    @Test
    void whenCiRequiresErlangTheTestFails() {
        assertThatThrownBy(() -> ErlangLogger.check("'erl' is not on the PATH (x)", true))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("'erl' is not on the PATH (x), and this run requires it (CI=")
                .hasMessageEndingWith("install it with 'apt-get install -y erlang-base' (Debian/Ubuntu; provides erl and erlc)");
    }
}
