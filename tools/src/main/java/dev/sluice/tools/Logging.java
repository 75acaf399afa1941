package dev.sluice.tools;

import java.util.logging.Level;
import java.util.logging.Logger;

/** One readable line per log record on stderr (the JDK's default is two lines). */
final class Logging {
    private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";
    /** Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final Logger CLIENT = Logger.getLogger("dev.sluice.client");

    private Logging() {
    }

    static void configure() {
        if (System.getProperty(FORMAT_PROPERTY) == null) {
            System.setProperty(FORMAT_PROPERTY, "%1$tF %1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n");
        }
    }

    /**
     * For the client commands: their output is the product, so the clients' INFO lines (group
     * joins, leaves) stay out of it; warnings still show. A logging config file given with
     * -Djava.util.logging.config.file (in SLUICE_OPTS) decides instead.
     */
    static void quietClients() {
        if (System.getProperty("java.util.logging.config.file") == null) {
            CLIENT.setLevel(Level.WARNING);
        }
    }
}
