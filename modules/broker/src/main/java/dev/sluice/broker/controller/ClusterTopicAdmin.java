package dev.sluice.broker.controller;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.RegisteredBroker;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.cluster.WriteOutcome;
import dev.sluice.broker.controller.rules.LiveBroker;
import dev.sluice.broker.controller.rules.Placement;
import dev.sluice.broker.controller.rules.Placements;
import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * CreateTopics and CreatePartitions in a cluster, as any broker does them in Kafka's ZooKeeper mode
 * ({@code AdminZkClient}): place the replicas over the live brokers ({@link Placements}) and write the
 * topic's assignment to the store; the controller sees the new assignment and elects the leaders.
 * Config validation and topic-name rules stay with the handlers. Thread-safe (the store is; the random
 * generator must be too, or confined to one thread).
 */
public final class ClusterTopicAdmin {

    /** The answer for one topic: its assignment as written (or as it would be, validate-only), or an error. */
    public sealed interface Outcome {
        record Done(TopicAssignment assignment) implements Outcome {
        }

        record Refused(Errors error, String message) implements Outcome {
        }
    }

    private final ClusterMetadataStore store;
    private final RandomGenerator random;

    public ClusterTopicAdmin(ClusterMetadataStore store, RandomGenerator random) {
        this.store = Objects.requireNonNull(store, "store");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Creates a topic: automatic placement of {@code partitions} × {@code replicationFactor}, or the
     * explicit assignment if {@code explicit} is not empty; {@code configs} (checked by the caller) are
     * written with it, in one write. Nothing is written with {@code validateOnly}.
     */
    public Outcome createTopic(String name, int partitions, int replicationFactor, Map<Integer, List<Integer>> explicit,
                               Map<String, String> configs, boolean validateOnly) {
        if (store.topic(name).isPresent()) {
            return new Outcome.Refused(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        List<LiveBroker> live = liveBrokers();
        Placement placement = explicit.isEmpty()
                ? Placements.automatic(partitions, replicationFactor, live, random)
                : Placements.explicit(explicit, live.stream().map(LiveBroker::id).toList());
        if (placement instanceof Placement.Refused refused) {
            return new Outcome.Refused(refused.error(), refused.message());
        }
        TopicAssignment assignment = new TopicAssignment(name, UUID.randomUUID(), ((Placement.Assigned) placement).replicas());
        if (validateOnly) {
            return new Outcome.Done(assignment);
        }
        WriteOutcome written = store.createTopic(assignment, configs);
        if (written instanceof WriteOutcome.AlreadyExists) {
            return new Outcome.Refused(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        return new Outcome.Done(assignment);
    }

    /**
     * Raises a topic's partition count to {@code newTotal}: automatic placement, or {@code explicitNew}
     * (one replica list per new partition) if not null. The write is conditional on the assignment
     * read; if it changed meanwhile the whole decision is made again (once).
     */
    public Outcome createPartitions(String name, int newTotal, List<List<Integer>> explicitNew, boolean validateOnly) {
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<Versioned<TopicAssignment>> read = store.topic(name);
            if (read.isEmpty()) {
                return new Outcome.Refused(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
            }
            TopicAssignment current = read.get().value();
            List<List<Integer>> existing = new ArrayList<>(current.replicas().values());
            Placement placement = Placements.morePartitions(existing, newTotal, explicitNew, liveBrokers(), random);
            if (placement instanceof Placement.Refused refused) {
                return new Outcome.Refused(refused.error(), refused.message());
            }
            TreeMap<Integer, List<Integer>> all = new TreeMap<>(current.replicas());
            all.putAll(((Placement.Assigned) placement).replicas());
            TopicAssignment grown = new TopicAssignment(name, current.topicId(), all);
            if (validateOnly) {
                return new Outcome.Done(grown);
            }
            WriteOutcome written = store.updateTopic(grown, read.get().version());
            if (written.written()) {
                return new Outcome.Done(grown);
            }
            if (written instanceof WriteOutcome.NotFound) {
                return new Outcome.Refused(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
            }
        }
        return new Outcome.Refused(Errors.REASSIGNMENT_IN_PROGRESS,
                "The assignment of topic '" + name + "' kept changing; try again.");
    }

    /**
     * Asks the controller to delete a topic (Kafka's {@code /admin/delete_topics}): the controller
     * stops and deletes its replicas, then its records. The topic as it was, or UNKNOWN_TOPIC_OR_PARTITION.
     */
    public Outcome requestDeletion(String name) {
        Optional<Versioned<TopicAssignment>> topic = store.topic(name);
        if (topic.isEmpty()) {
            return new Outcome.Refused(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
        }
        store.requestTopicDeletion(name);
        return new Outcome.Done(topic.get().value());
    }

    private List<LiveBroker> liveBrokers() {
        List<LiveBroker> live = new ArrayList<>();
        for (RegisteredBroker b : store.liveBrokers().values()) {
            live.add(new LiveBroker(b.id(), b.info().rack()));
        }
        return live;
    }
}
