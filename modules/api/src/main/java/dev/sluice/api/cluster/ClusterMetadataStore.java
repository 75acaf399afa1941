package dev.sluice.api.cluster;

import dev.sluice.api.security.AccessControlEntry;
import dev.sluice.api.security.ResourcePattern;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Everything a cluster shares, seen by one broker through its own session. Implementations:
 * ZooKeeper ({@code dev.sluice.coordination.zookeeper}) and {@link InProcessMetadataStore} (one
 * node, or several brokers of one JVM in tests).
 *
 * <p>Who writes what is Kafka's ZooKeeper-mode split: any broker registers itself, creates topics,
 * changes assignments and configs, asks for deletions and reserves producer ids; only the
 * controller (writes naming a {@link ControllerLease}) writes partition states and deletes
 * topics, and those writes are fenced by the controller epoch.
 *
 * <p>Thread-safe: every method may be called from any thread; calls block until the store
 * answered. Reads are as fresh as the store's session (ZooKeeper: the server this session talks to).
 */
public interface ClusterMetadataStore extends AutoCloseable {

    // ---- cluster id

    /** The cluster's id: the stored one, or {@code proposed} if none was stored yet (stored now). */
    String clusterId(String proposed);

    // ---- brokers

    /**
     * Registers this session's broker (ephemeral: gone when the session ends or the store closes).
     * A registration of the same id by this very session is replaced, with a new epoch.
     */
    RegistrationOutcome registerBroker(BrokerInfo broker);

    /** The live brokers by id. */
    Map<Integer, RegisteredBroker> liveBrokers();

    // ---- controller

    /** The current controller's broker id, if one is elected. */
    OptionalInt controllerId();

    /** The latest controller epoch (0 before any election). */
    int controllerEpoch();

    /**
     * Tries to become the controller: at most one broker wins while a controller is alive; the
     * winner's epoch is one above every earlier controller's.
     */
    ElectionOutcome elect(int brokerId);

    /** Gives controllership up, if {@code lease} still holds it (otherwise does nothing). */
    void resign(ControllerLease lease);

    // ---- topics (any broker)

    Set<String> topicNames();

    Optional<Versioned<TopicAssignment>> topic(String name);

    /** Creates the topic's assignment: {@link WriteOutcome.AlreadyExists} if the name is taken. */
    default WriteOutcome createTopic(TopicAssignment assignment) {
        return createTopic(assignment, Map.of());
    }

    /**
     * Creates the topic's assignment and its config overrides in one write (Kafka's
     * {@code /config/topics/T} next to {@code /brokers/topics/T}), so a broker that sees the topic sees
     * its configs: {@link WriteOutcome.AlreadyExists} if the name is taken, and then nothing is written.
     */
    WriteOutcome createTopic(TopicAssignment assignment, Map<String, String> configs);

    /** Replaces the assignment (same topic id) if its version is still {@code expectedVersion}. */
    WriteOutcome updateTopic(TopicAssignment assignment, int expectedVersion);

    // ---- partition states (controller)

    Optional<Versioned<PartitionState>> partitionState(String topic, int partition);

    /** All partition states of a topic by partition (absent partitions have none yet). */
    Map<Integer, Versioned<PartitionState>> partitionStates(String topic);

    /**
     * Creates partition states of a topic whose assignment exists, all or nothing:
     * {@link WriteOutcome.AlreadyExists} if one exists, {@link WriteOutcome.NotFound} without the topic.
     */
    WriteOutcome createPartitionStates(ControllerLease lease, String topic, Map<Integer, PartitionState> states);

    /** Replaces one partition state if its version is still {@code expectedVersion}. */
    WriteOutcome updatePartitionState(ControllerLease lease, String topic, int partition,
                                      PartitionState state, int expectedVersion);

    // ---- topic deletion

    /** Asks the controller to delete the topic (Kafka's {@code /admin/delete_topics/T}); idempotent. */
    void requestTopicDeletion(String topic);

    Set<String> topicDeletionRequests();

    /**
     * Removes the topic: assignment, partition states, config overrides and its deletion request
     * (a request for a topic that does not exist is just removed).
     */
    WriteOutcome deleteTopic(ControllerLease lease, String topic);

    // ---- configs (any broker)

    /** The entity's overrides (empty if none). */
    Map<String, String> config(ConfigEntity entity);

    /** Replaces the entity's overrides (an empty map removes them) and notifies every broker. */
    default void setConfig(ConfigEntity entity, Map<String, String> overrides) {
        Map<String, String> replacement = Map.copyOf(overrides);
        updateConfig(entity, current -> replacement);
    }

    /**
     * Changes the entity's overrides as one atomic read-modify-write, and notifies every broker:
     * {@code change} is given the stored overrides and answers the new ones (an empty map removes them).
     * A write by anyone else in between (another key of the same entity, e.g. a user's quota while its
     * SCRAM credential is set, here or on another broker) makes the store read again and call
     * {@code change} again, so it must only compute; no concurrent change is lost.
     */
    void updateConfig(ConfigEntity entity, java.util.function.UnaryOperator<Map<String, String>> change);

    /**
     * Every entity of {@code type} that has overrides, with them (the client quotas of every user and
     * client id). For {@link ConfigEntity.Type#USER} this includes the user-and-client entities.
     */
    default Map<ConfigEntity, Map<String, String>> configs(ConfigEntity.Type type) {
        throw new UnsupportedOperationException("listing configs is not supported by " + getClass().getName());
    }

    // ---- ACLs (any broker; the built-in authorizer's, in Kafka's /kafka-acl and /kafka-acl-extended layout)

    /** Every resource pattern with stored ACL entries, each with the version for a conditional write. */
    default Map<ResourcePattern, Versioned<Set<AccessControlEntry>>> acls() {
        throw new UnsupportedOperationException("ACLs are not supported by " + getClass().getName());
    }

    /**
     * Replaces the ACL entries of one pattern if its version is still {@code expectedVersion} ({@code -1}:
     * the pattern has none stored), and notifies every broker ({@link ClusterListener#aclsChanged}). An
     * empty set removes the pattern. {@link WriteOutcome.VersionConflict} if another write came first.
     */
    default WriteOutcome writeAcls(ResourcePattern pattern, Set<AccessControlEntry> entries, int expectedVersion) {
        throw new UnsupportedOperationException("ACLs are not supported by " + getClass().getName());
    }

    // ---- producer ids

    /**
     * Reserves the next block of {@code size} producer ids, unique across the cluster and never
     * handed out again: the first id of the block.
     */
    long reserveProducerIdBlock(int brokerId, int size);

    // ---- events and lifecycle

    /** Adds a listener for every later change (see {@link ClusterListener} for threading). */
    void addListener(ClusterListener listener);

    /** Ends the session: this broker's registration and controllership go away at once. */
    @Override
    void close();
}
