package dev.sluice.api.cluster;

import dev.sluice.api.testing.ClusterMetadataStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The durable in-process store passes the store contract, and keeps what ZooKeeper would keep across a restart. */
class DurableInProcessMetadataStoreTest extends ClusterMetadataStoreContract {

    @TempDir
    Path dir;
    private InProcessClusterState cluster;

    @Override
    protected ClusterMetadataStore connect() {
        if (cluster == null) {
            cluster = InProcessClusterState.durable(dir.resolve("meta"));
        }
        return cluster.connect();
    }

    @Override
    protected void expire(ClusterMetadataStore session) {
        ((InProcessMetadataStore) session).expireSession();
    }

    @Test
    void aRestartKeepsEverythingButRegistrationsAndTheController() {
        Path meta = dir.resolve("restart");
        UUID id = UUID.randomUUID();
        ControllerLease lease;
        long firstPid;
        try (InProcessMetadataStore store = InProcessMetadataStore.standalone(meta)) {
            assertThat(store.clusterId("cid")).isEqualTo("cid");
            store.registerBroker(broker(1, 9092, null));
            lease = elected(store, 1);
            store.createTopic(new TopicAssignment("orders", id, Map.of(0, List.of(1), 1, List.of(1))));
            store.updateTopic(new TopicAssignment("orders", id, Map.of(0, List.of(1), 1, List.of(1), 2, List.of(1))), 0);
            store.createPartitionStates(lease, "orders", Map.of(0, new PartitionState(1, 0, List.of(1), lease.epoch()),
                    2, new PartitionState(1, 0, List.of(1), lease.epoch())));
            store.updatePartitionState(lease, "orders", 0, new PartitionState(1, 1, List.of(1), lease.epoch()), 0);
            store.createTopic(new TopicAssignment("gone", UUID.randomUUID(), Map.of(0, List.of(1))));
            store.setConfig(ConfigEntity.topic("gone"), Map.of("retention.ms", "1"));
            store.deleteTopic(lease, "gone");
            store.setConfig(ConfigEntity.topic("orders"), Map.of("retention.ms", "5"));
            store.setConfig(ConfigEntity.brokerDefault(), Map.of("log.retention.hours", "2"));
            store.setConfig(new ConfigEntity(ConfigEntity.Type.USER, "bob/clients/<default>"), Map.of("producer_byte_rate", "10.0"));
            store.requestTopicDeletion("orders");
            firstPid = store.reserveProducerIdBlock(1, 1000);
        }

        try (InProcessMetadataStore store = InProcessMetadataStore.standalone(meta)) {
            assertThat(store.clusterId("other")).isEqualTo("cid");
            assertThat(store.liveBrokers()).isEmpty();
            assertThat(store.controllerId()).isEmpty();
            assertThat(store.controllerEpoch()).isEqualTo(lease.epoch());
            ControllerLease next = elected(store, 1);
            assertThat(next.epoch()).isEqualTo(lease.epoch() + 1);
            assertThat(next.epochVersion()).isGreaterThan(lease.epochVersion());
            // the old lease stays fenced across the restart
            assertThat(store.updatePartitionState(lease, "orders", 0, new PartitionState(1, 2, List.of(1), 1), 1))
                    .isEqualTo(new WriteOutcome.Fenced(lease));

            assertThat(store.topicNames()).containsExactly("orders");
            assertThat(store.topic("orders").orElseThrow().version()).isEqualTo(1);
            assertThat(store.topic("orders").orElseThrow().value().topicId()).isEqualTo(id);
            assertThat(store.topic("orders").orElseThrow().value().partitionCount()).isEqualTo(3);
            assertThat(store.partitionStates("orders")).containsOnlyKeys(0, 2);
            assertThat(store.partitionState("orders", 0)).hasValue(
                    new Versioned<>(new PartitionState(1, 1, List.of(1), lease.epoch()), 1));
            assertThat(store.config(ConfigEntity.topic("orders"))).isEqualTo(Map.of("retention.ms", "5"));
            assertThat(store.config(ConfigEntity.brokerDefault())).isEqualTo(Map.of("log.retention.hours", "2"));
            assertThat(store.configs(ConfigEntity.Type.USER)).isEqualTo(Map.of(
                    new ConfigEntity(ConfigEntity.Type.USER, "bob/clients/<default>"), Map.of("producer_byte_rate", "10.0")));
            assertThat(store.config(ConfigEntity.topic("gone"))).isEmpty();
            assertThat(store.topicDeletionRequests()).containsExactly("orders");
            assertThat(store.reserveProducerIdBlock(1, 1000)).isEqualTo(firstPid + 1000);
        }
    }

    @Test
    void aCorruptFileIsReportedNotIgnored() throws Exception {
        Path meta = dir.resolve("corrupt");
        try (InProcessMetadataStore store = InProcessMetadataStore.standalone(meta)) {
            store.createTopic(new TopicAssignment("t", UUID.randomUUID(), Map.of(0, List.of(1))));
        }
        Files.writeString(meta.resolve("topics").resolve("t"), "id=not-a-uuid\nversion=0\nreplicas.0=1\n");
        assertThatThrownBy(() -> InProcessMetadataStore.standalone(meta))
                .isInstanceOf(ClusterStoreException.class).hasMessageContaining("cannot read the cluster metadata");
    }

    @Test
    void withoutZookeeperConnectTheStoreKeepsItsDataInTheGivenDirectory() {
        Path meta = dir.resolve("open");
        try (ClusterMetadataStore store = ClusterMetadataStores.open(Map.of(), dev.sluice.api.Time.SYSTEM, meta)) {
            store.clusterId("kept");
        }
        try (ClusterMetadataStore store = ClusterMetadataStores.open(Map.of(), dev.sluice.api.Time.SYSTEM, meta)) {
            assertThat(store.clusterId("new")).isEqualTo("kept");
        }
    }

    @Test
    void aclsSurviveARestartInOneAtomicallyReplacedFile() {
        Path meta = dir.resolve("acls");
        var pattern = dev.sluice.api.security.ResourcePattern.prefixed(dev.sluice.api.security.ResourceType.TOPIC, "orders-");
        var entry = new dev.sluice.api.security.AccessControlEntry("User:alice", "*",
                dev.sluice.api.security.AclOperation.DESCRIBE_CONFIGS, dev.sluice.api.security.AclPermissionType.ALLOW);
        try (InProcessMetadataStore store = InProcessMetadataStore.standalone(meta)) {
            store.writeAcls(pattern, Set.of(entry), -1);
        }
        assertThat(meta.resolve("acls")).exists();
        assertThat(meta.resolve("acls.tmp")).doesNotExist();
        try (InProcessMetadataStore store = InProcessMetadataStore.standalone(meta)) {
            assertThat(store.acls()).containsEntry(pattern, new Versioned<>(Set.of(entry), 0));
            assertThat(store.writeAcls(pattern, Set.of(), 0).written()).isTrue();
        }
        try (InProcessMetadataStore store = InProcessMetadataStore.standalone(meta)) {
            assertThat(store.acls()).isEmpty();
        }
    }
}
