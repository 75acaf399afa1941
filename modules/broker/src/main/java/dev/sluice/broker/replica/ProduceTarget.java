package dev.sluice.broker.replica;

import dev.sluice.api.storage.TopicPartition;

import java.nio.ByteBuffer;

/**
 * One partition of a produce request.
 *
 * @param topicPartition where to append, or null if the request's topic is unknown
 * @param records the batches, or null if the request sent none
 */
public record ProduceTarget(TopicPartition topicPartition, ByteBuffer records) {
}
