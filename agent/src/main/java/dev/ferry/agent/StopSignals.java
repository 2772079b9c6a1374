package dev.ferry.agent;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into an orderly {@link Agent#stop}, so ferry drains and exits 0 instead of
 * dying with 143/130 as a JVM shutdown hook would make it. A second signal while draining exits at once
 * (what was not handed on is read again at the next start).
 */
final class StopSignals {

    private StopSignals() {
    }

    /**
     * Until {@link #install} replaces it: SIGTERM and SIGINT interrupt {@code thread}, so that a long
     * preparation (the embedded default starting Elasticsearch) stops and cleans up instead of the JVM
     * exiting under it. A second signal exits at once.
     */
    static void interruptOnSignal(Thread thread) {
        onFirstSignal(sig -> thread.interrupt());
    }

    static void install(Agent agent) {
        onFirstSignal(sig -> agent.stop("SIG" + sig.getName()));
    }

    /** SIGTERM and SIGINT run {@code action} the first time; a second signal halts with 128 + its number. */
    private static void onFirstSignal(java.util.function.Consumer<Signal> action) {
        boolean[] seen = {false};
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> {
                if (seen[0]) {
                    Runtime.getRuntime().halt(128 + sig.getNumber());
                }
                seen[0] = true;
                action.accept(sig);
            });
        }
    }
}
