/**
 * Broker settings: {@link dev.sluice.broker.config.BrokerConfig} reads Kafka-named keys from a
 * properties file and command-line overrides ({@code ConfigSources}), typed and validated by a
 * {@code ConfigReader} that collects every problem into one {@link dev.sluice.broker.config.ConfigException}.
 */
package dev.sluice.broker.config;
