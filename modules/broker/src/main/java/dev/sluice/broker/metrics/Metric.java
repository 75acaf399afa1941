package dev.sluice.broker.metrics;

/**
 * What a {@link MetricRegistry} holds: a {@link Meter}, a {@link LatencyHistogram} or a {@link Gauge}.
 * Each says which threads touch it.
 */
public sealed interface Metric permits Meter, LatencyHistogram, Gauge {
}
