/**
 * Sluice's client library. Entry points: {@link dev.sluice.client.producer.SluiceProducer},
 * {@link dev.sluice.client.consumer.SluiceConsumer}, {@link dev.sluice.client.admin.SluiceAdmin}.
 * This package holds the exception hierarchy shared by all three; configuration is in
 * {@link dev.sluice.client.config} and each client's own config record.
 */
package dev.sluice.client;
