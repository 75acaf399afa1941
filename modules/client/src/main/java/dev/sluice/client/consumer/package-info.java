/**
 * The consumer: {@link dev.sluice.client.consumer.SluiceConsumer} configured by
 * {@link dev.sluice.client.consumer.ConsumerConfig}, reading assigned partitions or joining a
 * consumer group ({@link dev.sluice.client.consumer.ConsumerRebalanceListener}, committed
 * {@link dev.sluice.client.consumer.OffsetAndMetadata}). Fetching, offset resets and positions are
 * in the unexported {@code internals} package; group membership in the unexported {@code group}
 * package, which drives {@code internals.SubscriptionState}; assignors in {@code assignor}.
 */
package dev.sluice.client.consumer;
