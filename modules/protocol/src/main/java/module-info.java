/**
 * Kafka's wire protocol, driven by Kafka's own JSON message schemas (bundled as resources):
 * framing, request/response headers, and versioned reading and writing of every supported message
 * as generic {@link dev.sluice.protocol.message.Struct} values.
 */
module dev.sluice.protocol {
    requires transitive dev.sluice.api;
    exports dev.sluice.protocol;
    exports dev.sluice.protocol.message;
    exports dev.sluice.protocol.wire;
    exports dev.sluice.protocol.sasl;
    exports dev.sluice.protocol.tls;
}
