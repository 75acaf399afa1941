package dev.sluice.tools;

import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.MetadataUpdate;
import dev.sluice.broker.metadata.PartitionState;
import dev.sluice.client.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice topics --describe} prints each partition's leader, replicas and ISR as the cluster
 * has them, in kafka-topics.sh's format: here the broker's metadata cache is filled as a
 * controller's UpdateMetadata fills it (three live brokers, all reachable at this broker's address
 * so the admin client may talk to any of them).
 */
class TopicsDescribeClusterTest extends BrokerTestBase {

    @Test
    void describePrintsLeaderReplicasAndIsrOfEveryPartitionInKafkasFormat() {
        admin.createTopics(List.of(new NewTopic("orders", 3))).join();
        UUID id = broker.partitions().topics().get("orders").orElseThrow().id();
        int self = broker.config().nodeId();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        List<BrokerNode> live = List.of(new BrokerNode(self, "127.0.0.1", port, null),
                new BrokerNode(7, "127.0.0.1", port, null), new BrokerNode(8, "127.0.0.1", port, null));
        broker.metadataCache().update(new MetadataUpdate(7, 1, live, List.of(
                new MetadataUpdate.PartitionUpdate("orders", id, new PartitionState(0, self, 3, List.of(self, 7), List.of(self, 7), List.of())),
                new MetadataUpdate.PartitionUpdate("orders", id, new PartitionState(1, 7, 2, List.of(7, 8), List.of(7), List.of())),
                new MetadataUpdate.PartitionUpdate("orders", id, new PartitionState(2, 9, 4, List.of(9, 8), List.of(9), List.of(9))))));

        List<String> describe = sluice("topics", "--describe", "--topic", "orders").lines();
        assertThat(describe).hasSize(4);
        assertThat(describe.get(0)).matches("Topic: orders\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: ");
        assertThat(describe.get(1)).startsWith("\tTopic: orders\tPartition: 0\tLeader: " + self + "\tReplicas: " + self + ",7\tIsr: "
                + self + ",7\t");
        assertThat(describe.get(2)).startsWith("\tTopic: orders\tPartition: 1\tLeader: 7\tReplicas: 7,8\tIsr: 7\t");
        // 9 is not alive: no leader, and no offsets to show (asking a partition without a leader would wait for the timeout)
        assertThat(describe.get(3)).isEqualTo("\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 9,8\tIsr: 9"
                + "\tLogStartOffset: -\tHighWatermark: -\tSize: -");
    }
}
