package dev.sluice.client.producer;

/** Counters since the producer started: batches sent (attempts), resent after a failure, and failed for good. */
public record ProducerMetrics(long batchesSent, long batchesRetried, long batchesFailed) {
}
