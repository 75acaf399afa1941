/**
 * Partition assignors: how the group leader splits the partitions of the members' subscriptions.
 * {@code range}, {@code roundrobin} and {@code cooperative-sticky} use Kafka's names and give
 * kafka-clients' results for the same input (sticky: the same balance and stickiness guarantees),
 * so Sluice and kafka-clients consumers can share a group. Look them up with {@link
 * dev.sluice.client.consumer.assignor.PartitionAssignors#byName}.
 */
package dev.sluice.client.consumer.assignor;
