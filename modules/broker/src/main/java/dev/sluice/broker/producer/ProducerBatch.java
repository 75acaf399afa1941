package dev.sluice.broker.producer;

/** What the partition remembers of one appended idempotent batch, to answer its retry. */
record ProducerBatch(int firstSequence, int lastSequence, long firstOffset, long lastOffset, long timestamp) {
}
