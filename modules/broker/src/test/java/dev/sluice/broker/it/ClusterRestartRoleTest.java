package dev.sluice.broker.it;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ElectionOutcome;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.partition.AppendError;
import dev.sluice.broker.partition.AppendOutcome;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.testing.InProcessCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.sluice.broker.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster broker restarting on its data leads nothing until the controller's LeaderAndIsr says
 * so: another broker may lead its partitions by now, and a write it took meanwhile (acknowledged at
 * once, with no followers known) would be truncated away when it learns it is a follower. Here the
 * controller is held by a session that sends nothing: the restarted replica refuses appends; once
 * the broker can become controller itself, its LeaderAndIsr makes it leader with its records.
 */
class ClusterRestartRoleTest {
    @TempDir
    Path dir;
    private InProcessCluster cluster;
    private Broker broker;

    @BeforeEach
    void cluster() {
        cluster = new InProcessCluster(dir);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aRestartedReplicaTakesNoWriteBeforeTheControllerNamesItLeader() throws Exception {
        TopicPartition tp = new TopicPartition("t", 0);
        broker = cluster.start(1);
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
        }
        await("t-0 led by broker 1", () -> broker.partitions().partition(tp)
                .map(p -> p.role() instanceof PartitionRole.Leader).orElse(false));
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("t", 0, null, new byte[]{(byte) i})).get();
            }
        }
        cluster.stop(1);

        ClusterMetadataStore holder = cluster.state().connect(); // a controller that never speaks
        try {
            assertThat(holder.elect(99)).isInstanceOf(ElectionOutcome.Elected.class);
            broker = cluster.start(1);
            Partition replica = broker.partitions().partition(tp).orElseThrow();
            assertThat(replica.role()).as("no LeaderAndIsr yet").isNotInstanceOf(PartitionRole.Leader.class);
            assertThat(replica.logEndOffset()).isEqualTo(3);
            AppendOutcome refused = replica.appendAsLeader(new RecordBatchBuilder(null)
                    .append(System.currentTimeMillis(), null, new byte[]{9}).build());
            assertThat(refused).isInstanceOf(AppendOutcome.Rejected.class);
            assertThat(((AppendOutcome.Rejected) refused).error()).isEqualTo(AppendError.NOT_LEADER_OR_FOLLOWER);
            assertThat(replica.logEndOffset()).isEqualTo(3);
        } finally {
            holder.close(); // the controller is free: broker 1 takes it and names itself leader
        }
        await("t-0 led by broker 1 after the controller's LeaderAndIsr", () -> broker.partitions().partition(tp)
                .map(p -> p.role() instanceof PartitionRole.Leader).orElse(false));
        assertThat(broker.partitions().partition(tp).orElseThrow().logEndOffset()).isEqualTo(3);
    }
}
