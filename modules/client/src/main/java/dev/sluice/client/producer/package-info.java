/**
 * The producer: {@link dev.sluice.client.producer.SluiceProducer} configured by
 * {@link dev.sluice.client.producer.ProducerConfig}. Internals (batching, the sender,
 * idempotence) are in the unexported {@code internals} package; partitioners in
 * {@link dev.sluice.client.producer.partition}.
 */
package dev.sluice.client.producer;
