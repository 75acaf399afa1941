/**
 * Sluice's record model (Kafka's v2 record batch, read and written through flyweights)
 * and the service-provider interfaces that storage, compression, partitioning and offset
 * stores plug into. No dependencies beyond java.base.
 */
module dev.sluice.api {
    exports dev.sluice.api;
    exports dev.sluice.api.record;
    exports dev.sluice.api.storage;
    exports dev.sluice.api.storage.compaction;
    exports dev.sluice.api.compression;
    exports dev.sluice.api.partition;
    exports dev.sluice.api.offset;
    exports dev.sluice.api.cluster;
    exports dev.sluice.api.config;
    exports dev.sluice.api.security;

    // Internal, not an API: the one small JSON reader/writer of Kafka's znodes, the bundled message
    // schemas, the CLI's --format json, Connect's and Streams' JSON. It lives here because api is the
    // only module all of them depend on; exported only to them so that no plugin builds on it.
    exports dev.sluice.api.internal.json to
            dev.sluice.coordination.zookeeper,
            dev.sluice.protocol,
            dev.sluice.connect,
            dev.sluice.streams,
            dev.sluice.tools;

    uses dev.sluice.api.compression.CompressionCodec;
    uses dev.sluice.api.storage.LogStorageProvider;
    uses dev.sluice.api.partition.Partitioner;
    uses dev.sluice.api.offset.OffsetStoreProvider;
    uses dev.sluice.api.cluster.ClusterMetadataStoreProvider;
    uses dev.sluice.api.security.Authorizer;
}
