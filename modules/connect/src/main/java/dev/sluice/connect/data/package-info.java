/** Kafka Connect's data model: {@link dev.sluice.connect.data.Schema} and {@link dev.sluice.connect.data.Struct}. */
package dev.sluice.connect.data;
