import dev.sluice.api.partition.Partitioner;
import dev.sluice.client.producer.partition.DefaultPartitioner;
import dev.sluice.client.producer.partition.RoundRobinPartitioner;

/**
 * Sluice's own client library: {@link dev.sluice.client.producer.SluiceProducer},
 * {@link dev.sluice.client.consumer.SluiceConsumer} and {@link dev.sluice.client.admin.SluiceAdmin},
 * speaking Kafka's wire protocol to any Kafka-compatible broker. One non-blocking I/O thread per
 * client instance multiplexes all broker connections ({@link dev.sluice.client.network}).
 */
module dev.sluice.client {
    requires transitive dev.sluice.api;
    requires transitive dev.sluice.protocol; // the ssl.* settings and the SASL hook name its types

    exports dev.sluice.client;
    exports dev.sluice.client.config;
    exports dev.sluice.client.producer;
    exports dev.sluice.client.producer.partition;
    exports dev.sluice.client.consumer;
    exports dev.sluice.client.consumer.assignor;
    exports dev.sluice.client.admin;
    exports dev.sluice.client.serialization;
    // the network layer is internal: only the broker's replica fetchers reuse it (no second copy of it)
    exports dev.sluice.client.network to dev.sluice.replication;

    uses Partitioner;
    uses dev.sluice.api.compression.CompressionCodec;

    provides Partitioner with DefaultPartitioner, RoundRobinPartitioner;
}
