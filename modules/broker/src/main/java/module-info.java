/** The broker: NIO network server, Kafka API handlers, partitions over the configured log storage. */
module dev.sluice.broker {
    requires transitive dev.sluice.api;
    requires transitive dev.sluice.protocol;
    requires org.jctools.core;
    requires static jdk.unsupported;

    uses dev.sluice.api.storage.LogStorageProvider;
}
