/**
 * Declarative settings: a {@link dev.sluice.api.config.ConfigKey} per setting (name, type, default,
 * rule, documentation, dynamic or not), gathered in a {@link dev.sluice.api.config.ConfigDef} that
 * parses raw text into {@link dev.sluice.api.config.ConfigValues}. The broker, topics, clients and
 * plugins (which declare their settings through their provider) all define settings this way.
 */
package dev.sluice.api.config;
