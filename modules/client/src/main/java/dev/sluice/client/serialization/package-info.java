/**
 * Byte-array keys and values are the core; {@link dev.sluice.client.serialization.Serializer} and
 * {@link dev.sluice.client.serialization.Deserializer} adapt them to application types
 * ({@link dev.sluice.client.serialization.Serdes} has String and byte[]).
 */
package dev.sluice.client.serialization;
