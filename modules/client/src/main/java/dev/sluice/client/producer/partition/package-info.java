/**
 * Partitioning: Kafka's {@link dev.sluice.client.producer.partition.Murmur2} key hash, the
 * built-in {@link dev.sluice.api.partition.Partitioner} providers ({@code default},
 * {@code round-robin}) and {@link dev.sluice.client.producer.partition.Partitioners}, which finds
 * the configured one by provider name or class name.
 */
package dev.sluice.client.producer.partition;
