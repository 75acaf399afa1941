package dev.sluice.broker.metadata;

import dev.sluice.api.storage.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The cluster as one broker knows it at one moment: the live brokers, the controller, and every
 * topic's partitions (leader, epoch, replicas, ISR, offline replicas). Immutable: a change makes a
 * new snapshot, which {@link MetadataCache} swaps in atomically, so a request handler that reads
 * one snapshot answers from a consistent view. Safe to read from any thread.
 */
public final class MetadataSnapshot {
    static final UUID ZERO_UUID = new UUID(0, 0);
    /** Kafka's controller id when none is known. */
    public static final int NO_CONTROLLER = -1;

    private final int controllerId;
    private final Map<Integer, BrokerNode> liveBrokers;
    private final Map<String, TopicState> topics;
    private final Map<UUID, TopicState> topicsById;

    private MetadataSnapshot(int controllerId, Map<Integer, BrokerNode> liveBrokers, Map<String, TopicState> topics) {
        this.controllerId = controllerId;
        this.liveBrokers = liveBrokers;
        this.topics = topics;
        Map<UUID, TopicState> byId = new HashMap<>();
        for (TopicState topic : topics.values()) {
            if (!ZERO_UUID.equals(topic.id())) {
                byId.put(topic.id(), topic);
            }
        }
        this.topicsById = byId;
    }

    /** A cluster of one broker, which is its own controller, with no topics yet. */
    public static MetadataSnapshot singleNode(BrokerNode self) {
        return new MetadataSnapshot(self.id(), Map.of(self.id(), self), Map.of());
    }

    public int controllerId() {
        return controllerId;
    }

    /** The live brokers in id order. */
    public Collection<BrokerNode> liveBrokers() {
        return liveBrokers.values();
    }

    public Optional<BrokerNode> liveBroker(int id) {
        return Optional.ofNullable(liveBrokers.get(id));
    }

    public boolean isAlive(int brokerId) {
        return liveBrokers.containsKey(brokerId);
    }

    /** Every known topic, by name. */
    public Collection<TopicState> topics() {
        return topics.values();
    }

    public Optional<TopicState> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    public Optional<TopicState> topic(UUID id) {
        return Optional.ofNullable(topicsById.get(id));
    }

    public Optional<PartitionState> partition(TopicPartition tp) {
        TopicState topic = topics.get(tp.topic());
        return topic == null ? Optional.empty() : Optional.ofNullable(topic.partition(tp.partition()));
    }

    /** This snapshot with {@code topic} added or replaced. */
    MetadataSnapshot withTopic(TopicState topic) {
        Map<String, TopicState> next = new TreeMap<>(topics);
        next.put(topic.name(), topic);
        return new MetadataSnapshot(controllerId, liveBrokers, Collections.unmodifiableMap(next));
    }

    MetadataSnapshot withoutTopic(String name) {
        if (!topics.containsKey(name)) {
            return this;
        }
        Map<String, TopicState> next = new TreeMap<>(topics);
        next.remove(name);
        return new MetadataSnapshot(controllerId, liveBrokers, Collections.unmodifiableMap(next));
    }

    /**
     * Applies an UpdateMetadata (Kafka's ZkMetadataCache.updateMetadata): the live brokers and the
     * controller are replaced, changed partitions replaced, deleted ones removed, and a topic left
     * without partitions removed.
     *
     * @param deleted receives the partitions the update removed
     */
    MetadataSnapshot withUpdate(MetadataUpdate update, List<TopicPartition> deleted) {
        Map<Integer, BrokerNode> brokers = new TreeMap<>();
        for (BrokerNode broker : update.liveBrokers()) {
            brokers.put(broker.id(), broker);
        }
        Map<String, Map<Integer, PartitionState>> changes = new LinkedHashMap<>();
        Map<String, UUID> ids = new HashMap<>();
        for (MetadataUpdate.PartitionUpdate p : update.partitions()) {
            changes.computeIfAbsent(p.topic(), t -> new LinkedHashMap<>()).put(p.state().partition(), p.state());
            if (p.topicId() != null && !ZERO_UUID.equals(p.topicId())) {
                ids.put(p.topic(), p.topicId());
            }
            if (p.state().leader() == PartitionState.LEADER_DURING_DELETE) {
                deleted.add(new TopicPartition(p.topic(), p.state().partition()));
            }
        }
        Map<String, TopicState> next = new TreeMap<>(topics);
        changes.forEach((name, partitions) -> {
            TopicState before = next.get(name);
            TopicState after = (before != null ? before : new TopicState(name, ZERO_UUID, new ArrayList<>()))
                    .with(ids.get(name), partitions);
            if (after.isEmpty()) {
                next.remove(name);
            } else {
                next.put(name, after);
            }
        });
        return new MetadataSnapshot(update.controllerId(), Collections.unmodifiableMap(brokers),
                Collections.unmodifiableMap(next));
    }

    @Override
    public String toString() {
        return "MetadataSnapshot{controller=" + controllerId + ", brokers=" + liveBrokers.values() + ", topics="
                + topics.values() + "}";
    }
}
