/** The built-in single-message transforms, with Kafka Connect's names and settings. */
package dev.sluice.connect.transforms;
