package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker with two named listeners (a custom name mapped by listener.security.protocol.map): a client is told
 * the addresses of the listener it connected to, as Kafka answers Metadata and FindCoordinator per listener.
 */
class NamedListenersTest {

    @Test
    void eachListenerAdvertisesItsOwnAddressInMetadataAndFindCoordinator(@TempDir Path dir) throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT",
                "inter.broker.listener.name", "INTERNAL",
                "offsets.topic.num.partitions", "1"))) {
            int plainPort = broker.broker().server().boundPort("PLAINTEXT");
            int internalPort = broker.broker().server().boundPort("INTERNAL");
            assertThat(plainPort).isNotEqualTo(internalPort);
            assertThat(broker.broker().config().interBrokerListener()).isEqualTo("INTERNAL");

            for (int port : new int[] {plainPort, internalPort}) {
                String bootstrap = "127.0.0.1:" + port;
                try (Admin admin = KafkaClients.admin(bootstrap)) {
                    DescribeClusterResult cluster = admin.describeCluster();
                    assertThat(cluster.nodes().get()).extracting(Node::port).containsExactly(port);
                    if (port == plainPort) {
                        admin.createTopics(List.of(new NewTopic("named", 1, (short) 1))).all().get();
                    }
                }
                try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of())) {
                    producer.send(new ProducerRecord<>("named", ("via " + port).getBytes(StandardCharsets.UTF_8))).get();
                }
                // a group's coordinator (FindCoordinator) is reached on the same listener
                try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap,
                        Map.of("group.id", "g-" + port))) {
                    consumer.subscribe(List.of("named"));
                    List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, port == plainPort ? 1 : 2);
                    assertThat(records).hasSize(port == plainPort ? 1 : 2);
                    consumer.commitSync();
                    assertThat(consumer.committed(java.util.Set.of(new TopicPartition("named", 0)))
                            .get(new TopicPartition("named", 0)).offset()).isEqualTo(records.size());
                }
            }
        }
    }
}
