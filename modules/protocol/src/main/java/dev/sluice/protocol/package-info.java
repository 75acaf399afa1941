/**
 * Kafka's wire protocol for the broker. Start here: {@link dev.sluice.protocol.RequestParser}
 * turns a request frame into a {@link dev.sluice.protocol.Request} (header + body
 * {@link dev.sluice.protocol.message.Struct}); {@link dev.sluice.protocol.ResponseWriter} turns a
 * response body into a {@link dev.sluice.protocol.Send}. {@link dev.sluice.protocol.ApiKey} lists
 * the supported APIs and versions, {@link dev.sluice.protocol.Errors} the error codes.
 */
package dev.sluice.protocol;
