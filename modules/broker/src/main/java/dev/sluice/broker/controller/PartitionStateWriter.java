package dev.sluice.broker.controller;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.cluster.WriteOutcome;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.controller.rules.Election;
import dev.sluice.broker.controller.rules.LeaderElection;
import dev.sluice.broker.controller.rules.PartitionChange;
import dev.sluice.broker.controller.rules.PartitionLeadership;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The controller's writes to the cluster metadata store: every one names the lease in
 * {@link ControllerContext#lease} and, for a partition state, the version it was read at, so a deposed
 * controller or a stale read never overwrites anything. What was written goes into the context.
 * {@link WriteOutcome.Fenced} throws {@link Deposed}; a version conflict re-reads the partition and
 * applies the rule again (at most {@value #WRITE_ATTEMPTS} times).
 *
 * <p>Not thread-safe: only the controller's thread calls it, while this broker holds the lease.
 */
final class PartitionStateWriter {

    private static final System.Logger LOG = System.getLogger(PartitionStateWriter.class.getName());
    private static final int WRITE_ATTEMPTS = 3;

    private final ClusterMetadataStore store;
    private final ControllerContext context;

    PartitionStateWriter(ClusterMetadataStore store, ControllerContext context) {
        this.store = store;
        this.context = context;
    }

    /**
     * Applies a rule to one partition and writes the change conditionally on the version read. A version
     * conflict re-reads the partition and applies the rule again; fenced throws {@link Deposed}.
     * True if a new state was written.
     */
    boolean apply(TopicPartition tp, Function<PartitionLeadership, PartitionChange> rule) {
        Map<TopicPartition, Versioned<PartitionState>> states = context.states;
        for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
            Optional<PartitionLeadership> current = context.leadership(tp);
            if (current.isEmpty()) {
                return false;
            }
            if (!(rule.apply(current.get()) instanceof PartitionChange.Changed change)) {
                return false;
            }
            PartitionLeadership next = change.state();
            if (change.unclean()) {
                LOG.log(System.Logger.Level.WARNING, "unclean leader election for {0}: broker {1} leads without being in sync;"
                        + " acknowledged records may be lost", tp, next.leader());
            }
            PartitionState written = new PartitionState(next.leader(), next.leaderEpoch(), next.isr(), context.lease.epoch());
            WriteOutcome outcome = store.updatePartitionState(context.lease, tp.topic(), tp.partition(), written,
                    states.get(tp).version());
            if (outcome instanceof WriteOutcome.Written w) {
                states.put(tp, new Versioned<>(written, w.version()));
                return true;
            }
            if (outcome instanceof WriteOutcome.Fenced) {
                throw new Deposed();
            }
            if (outcome instanceof WriteOutcome.NotFound) {
                states.remove(tp);
                return false;
            }
            // VersionConflict (or anything unexpected): read again and decide again
            Optional<Versioned<PartitionState>> fresh = store.partitionState(tp.topic(), tp.partition());
            if (fresh.isEmpty()) {
                states.remove(tp);
                return false;
            }
            states.put(tp, fresh.get());
        }
        LOG.log(System.Logger.Level.WARNING, "partition {0}: the state kept changing under the controller; gave up", tp);
        return false;
    }

    /**
     * Writes {@code next} once, conditionally on {@code expectedVersion} (the version a leader named in
     * AlterPartition, not necessarily the one cached). Not written: the context takes the store's state
     * and the outcome says why; fenced throws {@link Deposed}.
     */
    WriteOutcome writeOnce(TopicPartition tp, PartitionLeadership next, int expectedVersion) {
        PartitionState written = new PartitionState(next.leader(), next.leaderEpoch(), next.isr(), context.lease.epoch());
        WriteOutcome w = store.updatePartitionState(context.lease, tp.topic(), tp.partition(), written, expectedVersion);
        if (w instanceof WriteOutcome.Fenced) {
            throw new Deposed();
        }
        if (!(w instanceof WriteOutcome.Written ok)) {
            store.partitionState(tp.topic(), tp.partition()).ifPresent(fresh -> context.states.put(tp, fresh));
            return w;
        }
        context.states.put(tp, new Versioned<>(written, ok.version()));
        return w;
    }

    /** First states for partitions of known topics that have none (new topics, added partitions). */
    Set<TopicPartition> createMissingStates() {
        Map<TopicPartition, Versioned<PartitionState>> states = context.states;
        Set<TopicPartition> created = new TreeSet<>();
        for (Versioned<TopicAssignment> topic : List.copyOf(context.topics.values())) {
            String name = topic.value().name();
            Map<Integer, PartitionState> fresh = new TreeMap<>();
            topic.value().replicas().forEach((p, replicas) -> {
                if (states.containsKey(new TopicPartition(name, p))) {
                    return;
                }
                Election first = LeaderElection.newPartition(replicas, context.eligible(), 0);
                if (first instanceof Election.Elected e) {
                    PartitionLeadership l = e.state();
                    fresh.put(p, new PartitionState(l.leader(), l.leaderEpoch(), l.isr(), context.lease.epoch()));
                } else {
                    LOG.log(System.Logger.Level.WARNING, "partition {0}-{1}: no replica of {2} is live; its state is"
                            + " created when one registers", name, p, replicas);
                }
            });
            if (fresh.isEmpty()) {
                continue;
            }
            WriteOutcome outcome = store.createPartitionStates(context.lease, name, fresh);
            if (outcome instanceof WriteOutcome.Fenced) {
                throw new Deposed();
            }
            // written, or created meanwhile (AlreadyExists), or gone (NotFound): the store has the truth
            store.partitionStates(name).forEach((p, s) -> {
                TopicPartition tp = new TopicPartition(name, p);
                if (!states.containsKey(tp)) {
                    states.put(tp, s);
                    created.add(tp);
                }
            });
        }
        return created;
    }

    /** Removes a topic's records from the store (its replicas were told to stop and delete). */
    void deleteTopic(String name) {
        WriteOutcome outcome = store.deleteTopic(context.lease, name);
        if (outcome instanceof WriteOutcome.Fenced) {
            throw new Deposed();
        }
    }
}
