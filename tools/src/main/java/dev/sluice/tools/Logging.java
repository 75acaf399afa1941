package dev.sluice.tools;

/** One readable line per log record on stderr (the JDK's default is two lines). */
final class Logging {
    private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";

    private Logging() {
    }

    static void configure() {
        if (System.getProperty(FORMAT_PROPERTY) == null) {
            System.setProperty(FORMAT_PROPERTY, "%1$tF %1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n");
        }
    }
}
