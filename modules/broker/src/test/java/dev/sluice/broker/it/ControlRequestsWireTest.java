package dev.sluice.broker.it;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller's requests over the wire (encoded with the protocol module, sent to an in-process
 * broker on its client port): UpdateMetadata fills what Metadata and DescribeCluster answer,
 * LeaderAndIsr changes partition roles only with a newer leader epoch, StopReplica deletes, stale
 * controller and broker epochs are refused, and none of them is advertised to clients.
 */
class ControlRequestsWireTest {
    private static final String TOPIC = "ctl";

    @TempDir
    Path dir;
    TestBroker broker;
    WireClient client;
    int self;
    UUID topicId;
    int epoch;

    @BeforeEach
    void start() throws IOException {
        broker = TestBroker.start(dir, Map.of());
        client = new WireClient(broker.bootstrap());
        self = broker.nodeId();
        assertThat(error(client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics(TOPIC, 2))
                .getArray("Topics").get(0))).isEqualTo(Errors.NONE);
        topicId = broker.broker().partitions().topics().get(TOPIC).orElseThrow().id();
        epoch = broker.broker().partitions().partition(new TopicPartition(TOPIC, 0)).orElseThrow().leaderEpoch();
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        broker.close();
    }

    // ---- request builders (latest versions unless said otherwise)

    private Struct updateMetadata(int controllerEpoch, long brokerEpoch) {
        Struct request = ApiKey.UPDATE_METADATA.newRequest().set("ControllerId", 3).set("ControllerEpoch", controllerEpoch)
                .set("BrokerEpoch", brokerEpoch);
        int port = Integer.parseInt(broker.bootstrap().substring(broker.bootstrap().lastIndexOf(':') + 1));
        liveBroker(request, self, "127.0.0.1", port, null);
        liveBroker(request, 2, "broker-two", 9002, "rack-b");
        liveBroker(request, 3, "broker-three", 9003, "rack-c");
        Struct topic = request.addStruct("TopicStates").set("TopicName", TOPIC).set("TopicId", topicId);
        topic.addStruct("PartitionStates").set("PartitionIndex", 0).set("ControllerEpoch", controllerEpoch).set("Leader", 2)
                .set("LeaderEpoch", 5).set("Isr", List.of(2)).set("ZkVersion", 1).set("Replicas", List.of(2, self))
                .set("OfflineReplicas", List.of());
        topic.addStruct("PartitionStates").set("PartitionIndex", 1).set("ControllerEpoch", controllerEpoch).set("Leader", 4)
                .set("LeaderEpoch", 6).set("Isr", List.of(4)).set("ZkVersion", 1).set("Replicas", List.of(4, self))
                .set("OfflineReplicas", List.of(4));
        return request;
    }

    private static void liveBroker(Struct request, int id, String host, int port, String rack) {
        Struct node = request.addStruct("LiveBrokers").set("Id", id).set("Rack", rack);
        node.addStruct("Endpoints").set("Port", 1).set("Host", "internal").set("Listener", "INTERNAL")
                .set("SecurityProtocol", (short) 0);
        node.addStruct("Endpoints").set("Port", port).set("Host", host).set("Listener", "PLAINTEXT")
                .set("SecurityProtocol", (short) 0);
    }

    private Struct leaderAndIsr(int controllerEpoch, int partition, int leader, int leaderEpoch, int partitionEpoch,
                                List<Integer> replicas, List<Integer> isr) {
        Struct request = ApiKey.LEADER_AND_ISR.newRequest().set("ControllerId", 3).set("ControllerEpoch", controllerEpoch)
                .set("BrokerEpoch", -1L).set("Type", (byte) 1);
        request.addStruct("TopicStates").set("TopicName", TOPIC).set("TopicId", topicId).addStruct("PartitionStates")
                .set("PartitionIndex", partition).set("ControllerEpoch", controllerEpoch).set("Leader", leader)
                .set("LeaderEpoch", leaderEpoch).set("Isr", isr).set("PartitionEpoch", partitionEpoch).set("Replicas", replicas);
        return request;
    }

    private static Errors partitionError(Struct leaderAndIsrResponse) {
        return Errors.forCode(leaderAndIsrResponse.getArray("Topics").get(0).getArray("PartitionErrors").get(0)
                .getShort("ErrorCode"));
    }

    private Struct call(ApiKey api, Struct request) throws IOException {
        return client.call(api, api.latestVersion(), request);
    }

    // ---- tests

    @Test
    void updateMetadataFillsMetadataAndDescribeClusterWithEveryLiveBrokerAndTheController() throws IOException {
        assertThat(error(call(ApiKey.UPDATE_METADATA, updateMetadata(1, -1)))).isEqualTo(Errors.NONE);

        Struct metadata = client.call(ApiKey.METADATA, (short) 12, ApiKey.METADATA.newRequest().set("Topics", null));
        assertThat(metadata.getInt("ControllerId")).isEqualTo(3);
        assertThat(metadata.getArray("Brokers")).extracting(b -> b.getInt("NodeId") + "@" + b.getString("Host") + ":"
                + b.getInt("Port") + "/" + b.getString("Rack"))
                .contains("2@broker-two:9002/rack-b", "3@broker-three:9003/rack-c").hasSize(3);
        Struct topic = metadata.getArray("Topics").stream().filter(t -> TOPIC.equals(t.getString("Name"))).findFirst()
                .orElseThrow();
        assertThat(topic.getUuid("TopicId")).isEqualTo(topicId);
        Struct p0 = topic.getArray("Partitions").get(0);
        assertThat(error(p0)).isEqualTo(Errors.NONE);
        assertThat(p0.getInt("LeaderId")).isEqualTo(2);
        assertThat(p0.getInt("LeaderEpoch")).isEqualTo(5);
        assertThat(p0.<Integer>getList("ReplicaNodes")).containsExactly(2, self);
        assertThat(p0.<Integer>getList("IsrNodes")).containsExactly(2);
        Struct p1 = topic.getArray("Partitions").get(1);
        assertThat(error(p1)).isEqualTo(Errors.LEADER_NOT_AVAILABLE); // broker 4 is not alive
        assertThat(p1.getInt("LeaderId")).isEqualTo(-1);
        assertThat(p1.getInt("LeaderEpoch")).isEqualTo(6);
        assertThat(p1.<Integer>getList("OfflineReplicas")).containsExactly(4);

        // v0 lists only live replicas
        Struct v0Request = ApiKey.METADATA.newRequest();
        v0Request.addStruct("Topics").set("Name", TOPIC);
        Struct v0 = client.call(ApiKey.METADATA, (short) 0, v0Request).getArray("Topics").get(0);
        assertThat(v0.getArray("Partitions").get(1).<Integer>getList("ReplicaNodes")).containsExactly(self);

        Struct cluster = client.call(ApiKey.DESCRIBE_CLUSTER, (short) 1, ApiKey.DESCRIBE_CLUSTER.newRequest()
                .set("IncludeClusterAuthorizedOperations", false).set("EndpointType", (byte) 1));
        assertThat(cluster.getInt("ControllerId")).isEqualTo(3);
        assertThat(cluster.getArray("Brokers")).extracting(b -> b.getInt("BrokerId")).containsExactly(self, 2, 3);
        assertThat(cluster.getArray("Brokers").get(1).getString("Rack")).isEqualTo("rack-b");
    }

    @Test
    void leaderAndIsrChangesTheRoleOnlyWithANewerLeaderEpoch() throws IOException {
        Struct followed = call(ApiKey.LEADER_AND_ISR, leaderAndIsr(2, 0, 2, epoch + 1, 1, List.of(2, self), List.of(2, self)));
        assertThat(error(followed)).isEqualTo(Errors.NONE);
        assertThat(followed.getArray("Topics").get(0).getUuid("TopicId")).isEqualTo(topicId);
        assertThat(partitionError(followed)).isEqualTo(Errors.NONE);
        Struct produced = WireClient.producePartition(client.call(ApiKey.PRODUCE, (short) 10,
                WireClient.produce(TOPIC, 0, (short) 1, WireClient.idempotentBatch(-1, (short) -1, -1, 1))));
        assertThat(error(produced)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(produced.getStruct("CurrentLeader").getInt("LeaderId")).isEqualTo(2);
        assertThat(produced.getStruct("CurrentLeader").getInt("LeaderEpoch")).isEqualTo(epoch + 1);

        // an older controller: the whole request is refused
        Struct zombie = call(ApiKey.LEADER_AND_ISR, leaderAndIsr(1, 0, self, epoch + 9, 9, List.of(2, self), List.of(self)));
        assertThat(error(zombie)).isEqualTo(Errors.STALE_CONTROLLER_EPOCH);
        assertThat(partitionError(zombie)).isEqualTo(Errors.STALE_CONTROLLER_EPOCH);
        // the current controller, but not a newer state of the partition
        Struct same = call(ApiKey.LEADER_AND_ISR, leaderAndIsr(2, 0, self, epoch + 1, 1, List.of(2, self), List.of(self)));
        assertThat(error(same)).isEqualTo(Errors.NONE);
        assertThat(partitionError(same)).isEqualTo(Errors.STALE_CONTROLLER_EPOCH);
        assertThat(broker.broker().partitions().partition(new TopicPartition(TOPIC, 0)).orElseThrow().role())
                .isEqualTo(new PartitionRole.Follower(2, epoch + 1));

        // a newer epoch leads here again, and the same connection produces
        assertThat(partitionError(call(ApiKey.LEADER_AND_ISR,
                leaderAndIsr(2, 0, self, epoch + 2, 2, List.of(2, self), List.of(self))))).isEqualTo(Errors.NONE);
        assertThat(error(WireClient.producePartition(client.call(ApiKey.PRODUCE, (short) 10,
                WireClient.produce(TOPIC, 0, (short) 1, WireClient.idempotentBatch(-1, (short) -1, -1, 1))))))
                .isEqualTo(Errors.NONE);
    }

    @Test
    void produceAndFetchNameTheLeaderAndItsEndpoint() throws IOException {
        assertThat(error(call(ApiKey.UPDATE_METADATA, updateMetadata(2, -1)))).isEqualTo(Errors.NONE);
        assertThat(partitionError(call(ApiKey.LEADER_AND_ISR,
                leaderAndIsr(2, 0, 2, epoch + 1, 1, List.of(2, self), List.of(2, self))))).isEqualTo(Errors.NONE);

        Struct produce = client.call(ApiKey.PRODUCE, (short) 12,
                WireClient.produce(TOPIC, 0, (short) 1, WireClient.idempotentBatch(-1, (short) -1, -1, 1)));
        Struct produced = WireClient.producePartition(produce);
        assertThat(error(produced)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(produced.getStruct("CurrentLeader").getInt("LeaderId")).isEqualTo(2);
        assertThat(produce.getArray("NodeEndpoints")).extracting(n -> n.getInt("NodeId") + "@" + n.getString("Host") + ":"
                + n.getInt("Port") + "/" + n.getString("Rack")).containsExactly("2@broker-two:9002/rack-b");

        Struct fetch = client.call(ApiKey.FETCH, (short) 16, fetchById(0, -1));
        Struct fetched = fetch.getArray("Responses").get(0).getArray("Partitions").get(0);
        assertThat(error(fetched)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(fetched.getStruct("CurrentLeader").getInt("LeaderEpoch")).isEqualTo(epoch + 1);
        assertThat(fetch.getArray("NodeEndpoints")).extracting(n -> n.getInt("NodeId")).containsExactly(2);

        // a partition this broker does not host, led elsewhere: the client's metadata is stale
        Struct stop = ApiKey.STOP_REPLICA.newRequest().set("ControllerId", 3).set("ControllerEpoch", 2).set("BrokerEpoch", -1L);
        stop.addStruct("TopicStates").set("TopicName", TOPIC).addStruct("PartitionStates").set("PartitionIndex", 1)
                .set("LeaderEpoch", -2).set("DeletePartition", true);
        assertThat(error(call(ApiKey.STOP_REPLICA, stop))).isEqualTo(Errors.NONE);
        Struct update = updateMetadata(2, -1);
        update.getArray("TopicStates").get(0).getArray("PartitionStates").get(1).set("Leader", 3).set("LeaderEpoch", 8);
        assertThat(error(call(ApiKey.UPDATE_METADATA, update))).isEqualTo(Errors.NONE);
        Struct elsewhere = client.call(ApiKey.PRODUCE, (short) 12,
                WireClient.produce(TOPIC, 1, (short) 1, WireClient.idempotentBatch(-1, (short) -1, -1, 1)));
        assertThat(error(WireClient.producePartition(elsewhere))).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(WireClient.producePartition(elsewhere).getStruct("CurrentLeader").getInt("LeaderEpoch")).isEqualTo(8);
        assertThat(elsewhere.getArray("NodeEndpoints")).extracting(n -> n.getString("Host")).containsExactly("broker-three");
    }

    @Test
    void aFencedFetchLearnsTheCurrentEpoch() throws IOException {
        assertThat(partitionError(call(ApiKey.LEADER_AND_ISR,
                leaderAndIsr(2, 0, self, epoch + 4, 1, List.of(self), List.of(self))))).isEqualTo(Errors.NONE);
        Struct fetch = client.call(ApiKey.FETCH, (short) 16, fetchById(0, epoch + 3));
        Struct fenced = fetch.getArray("Responses").get(0).getArray("Partitions").get(0);
        assertThat(error(fenced)).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(fenced.getStruct("CurrentLeader").getInt("LeaderId")).isEqualTo(self);
        assertThat(fenced.getStruct("CurrentLeader").getInt("LeaderEpoch")).isEqualTo(epoch + 4);
        assertThat(fetch.getArray("NodeEndpoints")).extracting(n -> n.getInt("NodeId")).containsExactly(self);
    }

    @Test
    void findCoordinatorAnswersTheLeaderOfTheGroupsOffsetsPartition() throws IOException {
        assertThat(coordinator("g").getInt("NodeId")).isEqualTo(self); // a single node coordinates every group

        int partitions = broker.broker().partitions().topics().get("__consumer_offsets").orElseThrow().partitions();
        int partition = ("g".hashCode() & 0x7fffffff) % partitions;
        Struct update = updateMetadata(1, -1);
        update.addStruct("TopicStates").set("TopicName", "__consumer_offsets").addStruct("PartitionStates")
                .set("PartitionIndex", partition).set("ControllerEpoch", 1).set("Leader", 2).set("LeaderEpoch", 3)
                .set("Isr", List.of(2)).set("ZkVersion", 0).set("Replicas", List.of(2, self)).set("OfflineReplicas", List.of());
        assertThat(error(call(ApiKey.UPDATE_METADATA, update))).isEqualTo(Errors.NONE);
        Struct moved = coordinator("g");
        assertThat(moved.getInt("NodeId") + "@" + moved.getString("Host") + ":" + moved.getInt("Port"))
                .isEqualTo("2@broker-two:9002");

        update.getArray("TopicStates").get(1).getArray("PartitionStates").get(0).set("Leader", 4); // not alive
        assertThat(error(call(ApiKey.UPDATE_METADATA, update))).isEqualTo(Errors.NONE);
        Struct none = coordinator("g");
        assertThat(error(none)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(none.getInt("NodeId")).isEqualTo(-1);
    }

    @Test
    void groupRequestsReachingABrokerThatIsNotTheCoordinatorAnswerNotCoordinator() throws IOException {
        int partitions = broker.broker().partitions().topics().get("__consumer_offsets").orElseThrow().partitions();
        int moved = ("g".hashCode() & 0x7fffffff) % partitions;
        String stays = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "h" + i)
                .filter(g -> (g.hashCode() & 0x7fffffff) % partitions != moved).findFirst().orElseThrow();
        Struct update = updateMetadata(1, -1);
        update.addStruct("TopicStates").set("TopicName", "__consumer_offsets").addStruct("PartitionStates")
                .set("PartitionIndex", moved).set("ControllerEpoch", 1).set("Leader", 2).set("LeaderEpoch", 3)
                .set("Isr", List.of(2)).set("ZkVersion", 0).set("Replicas", List.of(2, self)).set("OfflineReplicas", List.of());
        assertThat(error(call(ApiKey.UPDATE_METADATA, update))).isEqualTo(Errors.NONE);

        assertThat(error(client.call(ApiKey.HEARTBEAT, (short) 4, heartbeat("g")))).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(error(client.call(ApiKey.HEARTBEAT, (short) 4, heartbeat(stays)))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        Struct join = ApiKey.JOIN_GROUP.newRequest().set("GroupId", "g").set("SessionTimeoutMs", 10_000)
                .set("RebalanceTimeoutMs", 10_000).set("MemberId", "").set("ProtocolType", "consumer");
        join.addStruct("Protocols").set("Name", "range").set("Metadata", java.nio.ByteBuffer.allocate(0));
        assertThat(error(client.call(ApiKey.JOIN_GROUP, (short) 9, join))).isEqualTo(Errors.NOT_COORDINATOR);
        Struct commit = ApiKey.OFFSET_COMMIT.newRequest().set("GroupId", "g").set("GenerationIdOrMemberEpoch", -1)
                .set("MemberId", "").set("GroupInstanceId", null);
        commit.addStruct("Topics").set("Name", TOPIC).addStruct("Partitions").set("PartitionIndex", 0)
                .set("CommittedOffset", 1L).set("CommittedLeaderEpoch", -1).set("CommittedMetadata", "");
        Struct committed = client.call(ApiKey.OFFSET_COMMIT, (short) 9, commit);
        assertThat(error(committed.getArray("Topics").get(0).getArray("Partitions").get(0))).isEqualTo(Errors.NOT_COORDINATOR);
        commit.set("GroupId", stays);
        assertThat(error(client.call(ApiKey.OFFSET_COMMIT, (short) 9, commit).getArray("Topics").get(0)
                .getArray("Partitions").get(0))).isEqualTo(Errors.NONE);

        Struct fetch = ApiKey.OFFSET_FETCH.newRequest().set("RequireStable", false);
        fetch.addStruct("Groups").set("GroupId", "g").set("Topics", null);
        Struct fetched = client.call(ApiKey.OFFSET_FETCH, (short) 8, fetch).getArray("Groups").get(0);
        assertThat(error(fetched)).isEqualTo(Errors.NOT_COORDINATOR);
        fetch.getArray("Groups").get(0).set("GroupId", stays);
        Struct here = client.call(ApiKey.OFFSET_FETCH, (short) 8, fetch).getArray("Groups").get(0);
        assertThat(error(here)).isEqualTo(Errors.NONE);
        assertThat(here.getArray("Topics").get(0).getArray("Partitions").get(0).getLong("CommittedOffset")).isEqualTo(1L);
        Struct v7 = ApiKey.OFFSET_FETCH.newRequest().set("GroupId", "g").set("Topics", null).set("RequireStable", false);
        assertThat(error(client.call(ApiKey.OFFSET_FETCH, (short) 7, v7))).isEqualTo(Errors.NOT_COORDINATOR);
        Struct v1 = ApiKey.OFFSET_FETCH.newRequest().set("GroupId", "g");
        v1.addStruct("Topics").set("Name", TOPIC).set("PartitionIndexes", List.of(0));
        assertThat(error(client.call(ApiKey.OFFSET_FETCH, (short) 1, v1).getArray("Topics").get(0).getArray("Partitions")
                .get(0))).isEqualTo(Errors.NOT_COORDINATOR);
        Struct delete = ApiKey.OFFSET_DELETE.newRequest().set("GroupId", "g");
        delete.addStruct("Topics").set("Name", TOPIC).addStruct("Partitions").set("PartitionIndex", 0);
        assertThat(error(client.call(ApiKey.OFFSET_DELETE, (short) 0, delete))).isEqualTo(Errors.NOT_COORDINATOR);

        // batched requests: each group answered for itself
        Struct both = ApiKey.OFFSET_FETCH.newRequest().set("RequireStable", false);
        both.addStruct("Groups").set("GroupId", "g").set("Topics", null);
        both.addStruct("Groups").set("GroupId", stays).set("Topics", null);
        List<Struct> groups = client.call(ApiKey.OFFSET_FETCH, (short) 8, both).getArray("Groups");
        assertThat(error(groups.get(0))).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(groups.get(0).getArray("Topics")).isEmpty();
        assertThat(error(groups.get(1))).isEqualTo(Errors.NONE);
        assertThat(groups.get(1).getArray("Topics")).hasSize(1);
        Struct describe = ApiKey.DESCRIBE_GROUPS.newRequest().set("Groups", List.of("g", stays))
                .set("IncludeAuthorizedOperations", false);
        List<Struct> described = client.call(ApiKey.DESCRIBE_GROUPS, (short) 5, describe).getArray("Groups");
        assertThat(error(described.get(0))).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(error(described.get(1))).isEqualTo(Errors.NONE);
        assertThat(described.get(1).getString("GroupState")).isEqualTo("Empty");
        Struct deleteGroups = ApiKey.DELETE_GROUPS.newRequest().set("GroupsNames", List.of("g"));
        assertThat(error(client.call(ApiKey.DELETE_GROUPS, (short) 2, deleteGroups).getArray("Results").get(0)))
                .isEqualTo(Errors.NOT_COORDINATOR);
    }

    private static Struct heartbeat(String group) {
        return ApiKey.HEARTBEAT.newRequest().set("GroupId", group).set("GenerationId", 1).set("MemberId", "m")
                .set("GroupInstanceId", null);
    }

    private Struct coordinator(String group) throws IOException {
        Struct request = ApiKey.FIND_COORDINATOR.newRequest().set("KeyType", (byte) 0).set("CoordinatorKeys", List.of(group));
        return client.call(ApiKey.FIND_COORDINATOR, (short) 4, request).getArray("Coordinators").get(0);
    }

    private Struct fetchById(int partition, int currentLeaderEpoch) {
        Struct request = ApiKey.FETCH.newRequest().set("MaxWaitMs", 0).set("MinBytes", 0).set("MaxBytes", 1 << 20)
                .set("IsolationLevel", (byte) 0).set("SessionId", 0).set("SessionEpoch", -1);
        request.addStruct("Topics").set("TopicId", topicId).addStruct("Partitions").set("Partition", partition)
                .set("CurrentLeaderEpoch", currentLeaderEpoch).set("FetchOffset", 0L).set("LastFetchedEpoch", -1)
                .set("LogStartOffset", -1L).set("PartitionMaxBytes", 1 << 20);
        return request;
    }

    @Test
    void aRequestForAnEarlierIncarnationOfThisBrokerIsRefused() throws IOException {
        broker.broker().controlFence().brokerEpoch(50);
        assertThat(error(call(ApiKey.UPDATE_METADATA, updateMetadata(1, 49)))).isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(client.call(ApiKey.METADATA, (short) 12, ApiKey.METADATA.newRequest().set("Topics", null))
                .getArray("Brokers")).hasSize(1); // unchanged
        Struct stop = ApiKey.STOP_REPLICA.newRequest().set("ControllerId", 3).set("ControllerEpoch", 1).set("BrokerEpoch", 7L);
        stop.addStruct("TopicStates").set("TopicName", TOPIC).addStruct("PartitionStates").set("PartitionIndex", 0)
                .set("LeaderEpoch", -2).set("DeletePartition", true);
        assertThat(error(call(ApiKey.STOP_REPLICA, stop))).isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(broker.broker().partitions().partition(new TopicPartition(TOPIC, 0))).isPresent();

        assertThat(error(call(ApiKey.UPDATE_METADATA, updateMetadata(1, 50)))).isEqualTo(Errors.NONE);
        assertThat(client.call(ApiKey.METADATA, (short) 12, ApiKey.METADATA.newRequest().set("Topics", null))
                .getArray("Brokers")).hasSize(3);
    }

    @Test
    void stopReplicaWithDeleteRemovesThePartitionAndItsData() throws IOException {
        Path data = dir.resolve("data").resolve(TOPIC + "-1");
        assertThat(data).exists();
        Struct stop = ApiKey.STOP_REPLICA.newRequest().set("ControllerId", 3).set("ControllerEpoch", 1).set("BrokerEpoch", -1L);
        stop.addStruct("TopicStates").set("TopicName", TOPIC).addStruct("PartitionStates").set("PartitionIndex", 1)
                .set("LeaderEpoch", epoch).set("DeletePartition", true);
        Struct stopped = call(ApiKey.STOP_REPLICA, stop);
        assertThat(error(stopped)).isEqualTo(Errors.NONE);
        assertThat(stopped.getArray("PartitionErrors")).extracting(p -> p.getString("TopicName") + "-" + p.getInt("PartitionIndex")
                + ":" + p.getShort("ErrorCode")).containsExactly(TOPIC + "-1:0");
        assertThat(Files.exists(data)).isFalse();
        assertThat(error(WireClient.producePartition(client.call(ApiKey.PRODUCE, (short) 10,
                WireClient.produce(TOPIC, 1, (short) 1, WireClient.idempotentBatch(-1, (short) -1, -1, 1))))))
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        // a single node's metadata follows: no leader for the deleted replica
        Struct partitions = client.call(ApiKey.METADATA, (short) 12, WireClient.metadata(TOPIC)).getArray("Topics").get(0)
                .getArray("Partitions").get(1);
        assertThat(error(partitions)).isEqualTo(Errors.LEADER_NOT_AVAILABLE);
    }

    @Test
    void theOldestVersionsAreDecodedToo() throws IOException {
        Struct update = ApiKey.UPDATE_METADATA.newRequest().set("ControllerId", 2).set("ControllerEpoch", 1);
        update.addStruct("LiveBrokers").set("Id", self).set("V0Host", "127.0.0.1").set("V0Port", 1);
        update.addStruct("LiveBrokers").set("Id", 2).set("V0Host", "two").set("V0Port", 2);
        update.addStruct("UngroupedPartitionStates").set("TopicName", TOPIC).set("PartitionIndex", 0)
                .set("ControllerEpoch", 1).set("Leader", 2).set("LeaderEpoch", 4).set("Isr", List.of(2))
                .set("ZkVersion", 0).set("Replicas", List.of(2, self));
        assertThat(error(client.call(ApiKey.UPDATE_METADATA, (short) 0, update))).isEqualTo(Errors.NONE);
        Struct p0 = client.call(ApiKey.METADATA, (short) 4, WireClient.metadata(TOPIC)).getArray("Topics").get(0)
                .getArray("Partitions").get(0);
        assertThat(p0.getInt("LeaderId")).isEqualTo(2);

        Struct leaderAndIsr = ApiKey.LEADER_AND_ISR.newRequest().set("ControllerId", 2).set("ControllerEpoch", 1);
        leaderAndIsr.addStruct("UngroupedPartitionStates").set("TopicName", TOPIC).set("PartitionIndex", 0)
                .set("ControllerEpoch", 1).set("Leader", 2).set("LeaderEpoch", epoch + 1).set("Isr", List.of(2))
                .set("PartitionEpoch", 0).set("Replicas", List.of(2, self));
        Struct answered = client.call(ApiKey.LEADER_AND_ISR, (short) 0, leaderAndIsr);
        assertThat(answered.getArray("PartitionErrors")).extracting(p -> p.getString("TopicName") + "-"
                + p.getInt("PartitionIndex") + ":" + Errors.forCode(p.getShort("ErrorCode"))).containsExactly(TOPIC + "-0:NONE");
        assertThat(broker.broker().partitions().partition(new TopicPartition(TOPIC, 0)).orElseThrow().role())
                .isEqualTo(new PartitionRole.Follower(2, epoch + 1));

        Struct stop = ApiKey.STOP_REPLICA.newRequest().set("ControllerId", 2).set("ControllerEpoch", 1)
                .set("DeletePartitions", true);
        stop.addStruct("UngroupedPartitions").set("TopicName", TOPIC).set("PartitionIndex", 0);
        assertThat(error(client.call(ApiKey.STOP_REPLICA, (short) 0, stop))).isEqualTo(Errors.NONE);
        assertThat(broker.broker().partitions().partition(new TopicPartition(TOPIC, 0))).isEmpty();
    }

    @Test
    void controlApisAreAnsweredButNotAdvertisedToClients() throws IOException {
        Struct versions = client.call(ApiKey.API_VERSIONS, WireClient.API_VERSIONS_V, WireClient.apiVersions());
        assertThat(versions.getArray("ApiKeys")).extracting(k -> (int) k.getShort("ApiKey"))
                .doesNotContain(4, 5, 6).contains(0, 1, 3);
        assertThat(error(call(ApiKey.UPDATE_METADATA, updateMetadata(1, -1)))).isEqualTo(Errors.NONE);
    }
}
