/**
 * Sluice Connect's plugin SPI: connectors and their tasks, converters and single-message transforms,
 * all found with {@link java.util.ServiceLoader}, each describing its settings with a
 * {@link dev.sluice.connect.api.PluginConfigDef}.
 */
package dev.sluice.connect.api;
