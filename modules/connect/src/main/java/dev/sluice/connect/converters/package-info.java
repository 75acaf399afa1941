/** The built-in converters: string, bytes, and JSON in Kafka Connect's envelope. */
package dev.sluice.connect.converters;
