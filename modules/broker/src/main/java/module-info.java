/** The broker: NIO network server, Kafka API handlers, partitions over the configured log storage. */
module dev.sluice.broker {
    requires transitive dev.sluice.api;
    requires transitive dev.sluice.protocol;
    requires org.jctools.core;
    requires java.management; // the JVM's direct-memory limit sizes queued.max.request.bytes; metrics as MBeans
    requires jdk.httpserver; // the Prometheus endpoint
    requires jdk.unsupported; // sun.misc.Unsafe: jctools reads it (declared only static); DirectMemory frees dropped frames

    exports dev.sluice.broker;
    exports dev.sluice.broker.network;
    exports dev.sluice.broker.config;
    exports dev.sluice.broker.api;
    exports dev.sluice.broker.partition;
    exports dev.sluice.broker.producer; // ProducerSummary: what Partition.producers() answers
    exports dev.sluice.broker.replica;
    exports dev.sluice.broker.topic;
    exports dev.sluice.broker.group;
    exports dev.sluice.broker.metadata;
    exports dev.sluice.broker.control;
    exports dev.sluice.broker.metrics;
    exports dev.sluice.broker.txn;
    exports dev.sluice.broker.quota;

    uses dev.sluice.api.storage.LogStorageProvider;
    uses dev.sluice.api.offset.OffsetStoreProvider;
    uses dev.sluice.broker.replica.ReplicaFetchingProvider; // the follower side of replication, if installed

    provides dev.sluice.api.offset.OffsetStoreProvider with dev.sluice.broker.group.offset.LogOffsetStoreProvider;
    provides dev.sluice.api.security.Authorizer with dev.sluice.broker.security.acl.AclAuthorizer; // authorizer.class.name=acl
}
