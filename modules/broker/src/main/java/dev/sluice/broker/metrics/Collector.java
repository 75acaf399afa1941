package dev.sluice.broker.metrics;

/**
 * Writes families whose members come and go with the broker's state (a gauge per partition, a lag
 * per group and partition, the JVM's collectors), read only when scraped, so nothing is kept or
 * updated between scrapes. Prometheus only (no JMX names). Threads: the scraping thread; the
 * state read must be thread-safe.
 */
@FunctionalInterface
public interface Collector {
    void collect(PrometheusText out);
}
