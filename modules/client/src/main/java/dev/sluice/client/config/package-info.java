/**
 * Configuration shared by all clients: {@link dev.sluice.client.config.ClientConfig} (network
 * settings) and {@link dev.sluice.client.config.ConfigReader}, which parses Kafka's property names
 * and reports every bad or unknown key at once as a {@link dev.sluice.client.config.ConfigException}.
 */
package dev.sluice.client.config;
