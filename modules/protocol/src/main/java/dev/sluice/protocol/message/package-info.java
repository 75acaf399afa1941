/**
 * Messages as data: Kafka's JSON schemas (bundled resources) load into {@link
 * dev.sluice.protocol.message.MessageSchema} / {@link dev.sluice.protocol.message.StructSchema} /
 * {@link dev.sluice.protocol.message.Field} with per-version field plans, and one generic codec
 * ({@link dev.sluice.protocol.message.MessageCodec}) reads and writes any of them as
 * {@link dev.sluice.protocol.message.Struct} values. No per-message Java classes.
 */
package dev.sluice.protocol.message;
