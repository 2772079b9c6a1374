package dev.ferry.agent;

/**
 * Sets up the agent's own log (slf4j-simple on stderr) before the first logger is created.
 *
 * <p>slf4j-simple reads its settings once, when the first logger is made, so {@link #configure} must run
 * before any class with a logger is initialised; {@link Main} calls it right after the configuration
 * is loaded (the loader itself does not log).
 */
final class AgentLogging {

    private AgentLogging() {
    }

    static void configure(String level) {
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
        // Chronicle logs at INFO each time growing or mapping a 4 MiB spool chunk is slow (dozens of lines per
        // GiB on a busy disk) and its disk-space polls: its warnings stay, its chatter only at debug.
        boolean verbose = level.equals("debug") || level.equals("trace");
        setIfAbsent("org.slf4j.simpleLogger.log.net.openhft", verbose ? level : "warn");
        // ferry pins no threads and ships without JNA (see the root pom), so Chronicle's thread-affinity library
        // warns at every start that its JNA implementations are unusable and takes the no-op one: not news.
        setIfAbsent("org.slf4j.simpleLogger.log.net.openhft.affinity", verbose ? level : "error");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
