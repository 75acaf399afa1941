/**
 * Broker settings. {@link dev.sluice.broker.config.BrokerConfigDef} defines every setting once;
 * {@link dev.sluice.broker.config.BrokerConfig} is the typed, immutable view parsed from a properties
 * file and command-line overrides ({@code ConfigSources}), the settings installed plugins declare
 * ({@link dev.sluice.broker.config.PluginSettings}) and the dynamic overrides in effect
 * ({@link dev.sluice.broker.config.DynamicBrokerConfig}), collecting every problem into one
 * {@link dev.sluice.broker.config.ConfigException}; {@link dev.sluice.broker.config.BrokerConfigDescription}
 * reports them as DescribeConfigs does (values, sources, synonyms).
 */
package dev.sluice.broker.config;
