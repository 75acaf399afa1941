package dev.sluice.broker.controller;

import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.BrokerInfo;
import dev.sluice.api.cluster.InProcessClusterState;
import dev.sluice.api.cluster.InProcessMetadataStore;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterTopicAdminTest {

    private final InProcessClusterState cluster = new InProcessClusterState();
    private final List<InProcessMetadataStore> stores = new ArrayList<>();
    private final ManualClock clock = new ManualClock();

    @AfterEach
    void close() {
        stores.forEach(InProcessMetadataStore::close);
        clock.close();
    }

    private InProcessMetadataStore broker(int id, String rack) {
        InProcessMetadataStore store = cluster.connect();
        store.registerBroker(new BrokerInfo(id, List.of(BrokerEndpoint.plaintext("127.0.0.1", 19710 + id)),
                Optional.ofNullable(rack)));
        stores.add(store);
        return store;
    }

    @Test
    void aCreatedTopicIsPlacedRackAwareAndTheControllerElectsItsLeaders() {
        InProcessMetadataStore one = broker(1, "a");
        broker(2, "a");
        broker(3, "b");
        broker(4, "b");
        ClusterTopicAdmin admin = new ClusterTopicAdmin(stores.get(1), new Random(5));

        ClusterTopicAdmin.Outcome outcome = admin.createTopic("orders", 8, 2, Map.of(), Map.of(), false);

        assertThat(outcome).isInstanceOf(ClusterTopicAdmin.Outcome.Done.class);
        TopicAssignment written = one.topic("orders").orElseThrow().value();
        assertThat(written).isEqualTo(((ClusterTopicAdmin.Outcome.Done) outcome).assignment());
        written.replicas().values().forEach(replicas -> {
            Set<Boolean> racks = new HashSet<>();
            replicas.forEach(id -> racks.add(id <= 2));
            assertThat(racks).as("one replica per rack in %s", replicas).hasSize(2);
        });

        Controller controller = new Controller(1, one, new RecordingControlChannel(), new ControllerSettings(false, false, 10, 1000),
                clock, () -> {
                });
        assertThat(controller.elect()).isTrue();
        for (int p = 0; p < 8; p++) {
            PartitionState state = one.partitionState("orders", p).orElseThrow().value();
            assertThat(state.leader()).isEqualTo(written.replicas().get(p).get(0));
        }
        controller.resign();
    }

    @Test
    void tooFewBrokersAnExistingNameAndValidateOnlyWriteNothing() {
        InProcessMetadataStore one = broker(1, null);
        broker(2, null);
        ClusterTopicAdmin admin = new ClusterTopicAdmin(one, new Random(1));

        assertThat(admin.createTopic("t", 1, 3, Map.of(), Map.of(), false)).isEqualTo(new ClusterTopicAdmin.Outcome.Refused(
                Errors.INVALID_REPLICATION_FACTOR, "Replication factor: 3 larger than available brokers: 2."));
        assertThat(admin.createTopic("t", 2, 2, Map.of(), Map.of(), true)).isInstanceOf(ClusterTopicAdmin.Outcome.Done.class);
        assertThat(one.topicNames()).isEmpty();

        assertThat(admin.createTopic("t", 1, 1, Map.of(), Map.of(), false)).isInstanceOf(ClusterTopicAdmin.Outcome.Done.class);
        assertThat(admin.createTopic("t", 1, 1, Map.of(), Map.of(), false)).extracting(o -> ((ClusterTopicAdmin.Outcome.Refused) o).error())
                .isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(admin.createTopic("u", 0, 1, Map.of(0, List.of(1, 9)), Map.of(), false))
                .extracting(o -> ((ClusterTopicAdmin.Outcome.Refused) o).error()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
    }

    @Test
    void addedPartitionsKeepTheTopicIdAndReplicationFactor() {
        InProcessMetadataStore one = broker(1, null);
        broker(2, null);
        broker(3, null);
        ClusterTopicAdmin admin = new ClusterTopicAdmin(one, new Random(2));
        admin.createTopic("t", 2, 2, Map.of(), Map.of(), false);
        TopicAssignment before = one.topic("t").orElseThrow().value();

        ClusterTopicAdmin.Outcome outcome = admin.createPartitions("t", 5, null, false);

        TopicAssignment after = one.topic("t").orElseThrow().value();
        assertThat(outcome).isEqualTo(new ClusterTopicAdmin.Outcome.Done(after));
        assertThat(after.topicId()).isEqualTo(before.topicId());
        assertThat(after.partitionCount()).isEqualTo(5);
        assertThat(after.replicas().get(0)).isEqualTo(before.replicas().get(0));
        assertThat(after.replicas().values()).allSatisfy(r -> assertThat(r).hasSize(2));
        assertThat(admin.createPartitions("nope", 2, null, false)).extracting(o -> ((ClusterTopicAdmin.Outcome.Refused) o).error())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(admin.createPartitions("t", 4, null, false)).extracting(o -> ((ClusterTopicAdmin.Outcome.Refused) o).error())
                .isEqualTo(Errors.INVALID_PARTITIONS);
    }
}
