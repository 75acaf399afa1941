/** Kafka's wire protocol: framing, request/response headers, versioned message (de)serialization. */
module dev.sluice.protocol {
    requires transitive dev.sluice.api;
    exports dev.sluice.protocol;
}
