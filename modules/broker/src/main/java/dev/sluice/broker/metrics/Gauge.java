package dev.sluice.broker.metrics;

import java.util.function.DoubleSupplier;

/**
 * A value read when it is looked at (a scrape or a JMX read), never pushed: costs nothing on the
 * paths it observes. Threads: read from the scraping or JMX thread; the supplier must be thread-safe.
 */
public record Gauge(DoubleSupplier value) implements Metric {
    public double read() {
        return value.getAsDouble();
    }
}
