/** Compression codecs for Kafka's codec ids 1-4, byte-compatible with what Kafka clients write. */
module dev.sluice.compression {
    requires dev.sluice.api;
}
