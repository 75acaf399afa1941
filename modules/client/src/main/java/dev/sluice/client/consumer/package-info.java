/**
 * The consumer (assign mode): {@link dev.sluice.client.consumer.SluiceConsumer} configured by
 * {@link dev.sluice.client.consumer.ConsumerConfig}. Fetching, offset resets and positions are in
 * the unexported {@code internals} package; {@code SubscriptionState} is the seam a group
 * coordinator will drive.
 */
package dev.sluice.client.consumer;
