package dev.sluice.broker.controller;

import dev.sluice.api.Scheduler;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ControllerLease;
import dev.sluice.api.cluster.ElectionOutcome;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.RegisteredBroker;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.cluster.WriteOutcome;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.controller.rules.Election;
import dev.sluice.broker.controller.rules.IsrUpdate;
import dev.sluice.broker.controller.rules.LeaderElection;
import dev.sluice.broker.controller.rules.LeaderImbalance;
import dev.sluice.broker.controller.rules.PartitionChange;
import dev.sluice.broker.controller.rules.PartitionLeadership;
import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The controller of one broker: stands for election in the cluster metadata store and, while it holds
 * the lease, applies the rules of {@code controller.rules} to the cluster — broker failures and returns,
 * new topics and partitions, topic deletion, controlled shutdown, elections asked for (ElectLeaders) and
 * automatic preferred-leader rebalancing — writing each partition state conditionally and telling the
 * brokers through a {@link ControlChannel} (UpdateMetadata before LeaderAndIsr, as Kafka on failover).
 *
 * <p>A write refused as {@link WriteOutcome.Fenced} means a newer controller was elected: this one
 * resigns at once and does nothing more (no message is sent for the refused change). Version conflicts
 * re-read the partition and apply the rule again.
 *
 * <p>Its parts: {@link ControllerContext} (the lease and the cluster as last read or written),
 * {@link PartitionStateWriter} (the conditional writes), {@link ChangePublisher} (the control messages),
 * {@link BrokerChanges} (which brokers failed or started), {@link UncleanElections} (per topic, whether
 * an unclean election is allowed). This class holds the event and request entry points and their order.
 *
 * <p>Not thread-safe: every method runs on the controller's one thread ({@link ControllerService}
 * feeds it store events in order); tests call the methods directly.
 */
public final class Controller {

    private static final System.Logger LOG = System.getLogger(Controller.class.getName());

    private final int brokerId;
    private final ClusterMetadataStore store;
    private final ControlChannel channel;
    private ControllerSettings settings;
    private final Scheduler scheduler;
    private final Runnable rebalanceTrigger;

    /** The lease and the cluster as last read or written; the writer and publisher work from it. */
    private final ControllerContext context = new ControllerContext();
    private final PartitionStateWriter writer;
    private final ChangePublisher publisher;
    private Scheduler.Task rebalanceTask;
    private final UncleanElections unclean;

    /**
     * @param rebalanceTrigger what the periodic imbalance check runs on the scheduler's thread: it must
     *                         get {@link #checkLeaderImbalance()} onto the controller thread
     */
    public Controller(int brokerId, ClusterMetadataStore store, ControlChannel channel, ControllerSettings settings,
                      Scheduler scheduler, Runnable rebalanceTrigger) {
        this.brokerId = brokerId;
        this.store = Objects.requireNonNull(store, "store");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.rebalanceTrigger = Objects.requireNonNull(rebalanceTrigger, "rebalanceTrigger");
        this.writer = new PartitionStateWriter(store, context);
        this.publisher = new ChangePublisher(brokerId, channel, context);
        this.unclean = new UncleanElections(store);
    }

    public boolean isActive() {
        return context.lease != null;
    }

    public Optional<ControllerLease> lease() {
        return Optional.ofNullable(context.lease);
    }

    /** The partition states as this controller last wrote or read them (a copy), for tests and tools. */
    public SortedMap<TopicPartition, PartitionState> partitionStates() {
        return context.partitionStates();
    }

    // ---- becoming and leaving the controller

    /**
     * Stands for election if no controller is alive; on a win reads the cluster, creates missing
     * partition states, re-elects partitions whose leader is gone, carries out pending deletions and
     * sends every live broker its full state. True if this broker is the controller afterwards.
     */
    public boolean elect() {
        if (context.lease != null) {
            return true;
        }
        if (!(store.elect(brokerId) instanceof ElectionOutcome.Elected elected)) {
            return false;
        }
        context.lease = elected.lease();
        LOG.log(System.Logger.Level.INFO, "broker {0} is the controller with epoch {1}", brokerId, context.lease.epoch());
        return guarded(() -> {
            context.clear();
            context.live.putAll(store.liveBrokers());
            for (String name : store.topicNames()) {
                store.topic(name).ifPresent(t -> context.topics.put(name, t));
                store.partitionStates(name).forEach((p, s) -> context.states.put(new TopicPartition(name, p), s));
            }
            Set<TopicPartition> changed = new TreeSet<>(writer.createMissingStates());
            for (TopicPartition tp : List.copyOf(context.states.keySet())) {
                if (writer.apply(tp, afterBrokerChange(tp))) {
                    changed.add(tp);
                }
            }
            List<TopicPartition> deleted = deleteRequestedTopics();
            publisher.publish(changed, context.live.keySet(), deleted);
            if (settings.autoLeaderRebalance()) {
                rebalanceTask = scheduler.scheduleWithFixedDelay(rebalanceTrigger,
                        settings.leaderImbalanceCheckIntervalMs(), settings.leaderImbalanceCheckIntervalMs());
            }
        });
    }

    /** Stops being the controller (session expired, shutdown, or fenced): gives the lease back if still held. */
    public void resign() {
        if (context.lease == null) {
            return;
        }
        ControllerLease held = context.lease;
        context.lease = null;
        if (rebalanceTask != null) {
            rebalanceTask.cancel();
            rebalanceTask = null;
        }
        context.clear();
        channel.controllerResigned();
        try {
            store.resign(held);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "resigning as controller failed (the session may be gone already)", e);
        }
        LOG.log(System.Logger.Level.INFO, "broker {0} is no longer the controller (epoch {1})", brokerId, held.epoch());
    }

    /** The session ended: the lease is gone with it; forget everything without writing. */
    public void sessionExpired() {
        resign();
    }

    // ---- store events

    /**
     * Brokers registered or went away. A broker whose epoch changed bounced: it is handled as failed,
     * then started, so its partitions get a new leader epoch and it is sent its full state.
     */
    public void onBrokersChanged() {
        if (context.lease == null) {
            return;
        }
        guarded(() -> {
            Map<Integer, RegisteredBroker> now = store.liveBrokers();
            BrokerChanges changes = BrokerChanges.between(context.live, now);
            if (changes.isEmpty()) {
                return;
            }
            Set<Integer> failed = changes.failed();
            Set<Integer> started = changes.started();
            LOG.log(System.Logger.Level.INFO, "controller: brokers failed {0}, started {1}", failed, started);
            Set<TopicPartition> changed = new TreeSet<>();
            if (!failed.isEmpty()) {
                failed.forEach(channel::brokerRemoved);
                context.shuttingDown.removeAll(failed);
                // first as failed: a bounced broker's old incarnation loses leadership and ISR membership
                for (Integer id : failed) {
                    context.live.remove(id);
                }
                changed.addAll(applyToReplicasOf(failed, this::afterBrokerChange));
            }
            context.live.clear();
            context.live.putAll(now);
            context.shuttingDown.retainAll(context.live.keySet());
            changed.addAll(writer.createMissingStates());
            changed.addAll(applyToReplicasOf(started, this::afterBrokerChange));
            // a failed broker is announced even when no partition changed (a controlled shutdown moved them
            // all already): leaders count only live brokers' caught-up followers towards the high watermark
            publisher.publish(changed, started, List.of(), !failed.isEmpty());
        });
    }

    /** Topics were created or their assignments changed: partitions without a state get their first one. */
    public void onTopicsChanged() {
        if (context.lease == null) {
            return;
        }
        guarded(() -> {
            Set<String> names = store.topicNames();
            context.topics.keySet().retainAll(names);
            context.states.keySet().removeIf(tp -> !names.contains(tp.topic()));
            for (String name : names) {
                store.topic(name).ifPresent(t -> context.topics.put(name, t));
            }
            publisher.publish(writer.createMissingStates(), Set.of(), List.of());
        });
    }

    /**
     * A partition state was written: by this controller (the cache has it already) or by someone else
     * (an ISR change by the partition's leader): the cache takes the newer version.
     */
    public void onPartitionStateChanged(String topic, int partition) {
        if (context.lease == null) {
            return;
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        Versioned<PartitionState> cached = context.states.get(tp);
        store.partitionState(topic, partition).ifPresent(fresh -> {
            if (cached == null || fresh.version() > cached.version()) {
                context.states.put(tp, fresh);
            }
        });
    }

    /** Someone asked to delete topics: their replicas are stopped and deleted, then the topics removed. */
    public void onTopicDeletionRequested() {
        if (context.lease == null) {
            return;
        }
        guarded(() -> publisher.publish(Set.of(), Set.of(), deleteRequestedTopics()));
    }

    // ---- requests

    /**
     * ControlledShutdown of {@code id}: leadership moves to other in-sync replicas and the broker leaves
     * the ISRs; the answer lists the partitions (replication factor above one) it still leads.
     */
    public ShutdownResult controlledShutdown(int id, long brokerEpoch) {
        if (context.lease == null) {
            return ShutdownResult.failed(Errors.NOT_CONTROLLER);
        }
        RegisteredBroker broker = context.live.get(id);
        if (broker == null) {
            return ShutdownResult.failed(Errors.BROKER_NOT_AVAILABLE);
        }
        if (brokerEpoch != -1 && brokerEpoch < broker.epoch()) {
            return ShutdownResult.failed(Errors.STALE_BROKER_EPOCH);
        }
        context.shuttingDown.add(id);
        TreeSet<TopicPartition> remaining = new TreeSet<>();
        boolean done = guarded(() -> {
            Set<TopicPartition> changed = applyToReplicasOf(Set.of(id),
                    tp -> s -> LeaderElection.controlledShutdown(s, context.live.keySet(), context.shuttingDown));
            List<TopicPartition> followed = new ArrayList<>();
            for (TopicPartition tp : context.states.keySet()) {
                PartitionState s = context.states.get(tp).value();
                List<Integer> replicas = context.replicas(tp);
                if (replicas.size() > 1 && replicas.contains(id)) {
                    if (s.leader() == id) {
                        remaining.add(tp);
                    } else {
                        followed.add(tp);
                    }
                }
            }
            publisher.publish(changed, Set.of(), List.of());
            publisher.stopFollowing(broker, followed);
            LOG.log(System.Logger.Level.INFO, "controlled shutdown of broker {0}: {1} partitions changed leader or ISR, "
                    + "{2} still led there", id, changed.size(), remaining.size());
        });
        return done ? new ShutdownResult(Errors.NONE, remaining) : ShutdownResult.failed(Errors.NOT_CONTROLLER);
    }

    /**
     * ElectLeaders: a PREFERRED or UNCLEAN election for each partition ({@code null}: every partition).
     * Per partition NONE, ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE,
     * UNKNOWN_TOPIC_OR_PARTITION, or NOT_CONTROLLER if this broker is not (or no longer) the controller.
     */
    public SortedMap<TopicPartition, PartitionResult> electLeaders(ElectionType type, Collection<TopicPartition> partitions) {
        TreeMap<TopicPartition, PartitionResult> results = new TreeMap<>();
        Collection<TopicPartition> asked = partitions == null ? List.copyOf(context.states.keySet()) : partitions;
        if (context.lease == null) {
            asked.forEach(tp -> results.put(tp, new PartitionResult(Errors.NOT_CONTROLLER, Errors.NOT_CONTROLLER.message())));
            return results;
        }
        boolean done = guarded(() -> {
            Set<TopicPartition> changed = new TreeSet<>();
            for (TopicPartition tp : asked) {
                if (!context.states.containsKey(tp)) {
                    results.put(tp, new PartitionResult(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The partition does not exist."));
                    continue;
                }
                Election[] last = new Election[1];
                boolean written = writer.apply(tp, s -> {
                    last[0] = type == ElectionType.PREFERRED
                            ? LeaderElection.preferred(s, context.eligible())
                            : LeaderElection.unclean(s, context.eligible());
                    return last[0] instanceof Election.Elected e
                            ? new PartitionChange.Changed(e.state(), e.unclean())
                            : PartitionChange.UNCHANGED;
                });
                if (written) {
                    changed.add(tp);
                    results.put(tp, PartitionResult.OK);
                } else if (last[0] instanceof Election.NotElected not) {
                    results.put(tp, new PartitionResult(not.error(), not.message()));
                } else {
                    results.put(tp, new PartitionResult(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The partition does not exist."));
                }
            }
            publisher.publish(changed, Set.of(), List.of());
        });
        if (!done) {
            asked.forEach(tp -> results.put(tp, new PartitionResult(Errors.NOT_CONTROLLER, Errors.NOT_CONTROLLER.message())));
        }
        return results;
    }

    /**
     * AlterPartition from a partition's leader: its new ISR, validated by {@link IsrUpdate} (the leader
     * epoch stays; the partition epoch moves) and written conditionally on the version the leader named.
     * Brokers are sent the new state (same leader epoch, newer partition epoch).
     */
    public AlterPartitionResult alterPartition(int fromBroker, long brokerEpoch, TopicPartition tp, int leaderEpoch,
                                               int partitionEpoch, List<Integer> newIsr) {
        return alterPartition(fromBroker, brokerEpoch, tp, leaderEpoch, partitionEpoch, newIsr, Map.of());
    }

    /**
     * As {@link #alterPartition(int, long, TopicPartition, int, int, List)}, with the broker epochs the
     * leader saw for the new ISR's members (AlterPartition v3, KIP-903): a member whose epoch is not its
     * current registration's (a replica that restarted meanwhile) is INELIGIBLE_REPLICA; -1 or absent: not checked.
     */
    public AlterPartitionResult alterPartition(int fromBroker, long brokerEpoch, TopicPartition tp, int leaderEpoch,
                                               int partitionEpoch, List<Integer> newIsr, Map<Integer, Long> isrEpochs) {
        if (context.lease == null) {
            return AlterPartitionResult.failed(Errors.NOT_CONTROLLER, Errors.NOT_CONTROLLER.message());
        }
        RegisteredBroker broker = context.live.get(fromBroker);
        if (broker == null || (brokerEpoch != -1 && brokerEpoch != broker.epoch())) {
            return AlterPartitionResult.failed(Errors.STALE_BROKER_EPOCH, "Broker " + fromBroker + " with epoch "
                    + brokerEpoch + " is not a live incarnation.");
        }
        for (Map.Entry<Integer, Long> member : isrEpochs.entrySet()) {
            RegisteredBroker registered = context.live.get(member.getKey());
            if (member.getValue() != -1 && (registered == null || registered.epoch() != member.getValue())) {
                return AlterPartitionResult.failed(Errors.INELIGIBLE_REPLICA, "Broker " + member.getKey() + " with epoch "
                        + member.getValue() + " is not a live incarnation and cannot join the ISR.");
            }
        }
        Optional<PartitionLeadership> current = context.leadership(tp);
        if (current.isEmpty()) {
            return AlterPartitionResult.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The partition does not exist.");
        }
        IsrUpdate.Outcome outcome = IsrUpdate.alter(current.get(), context.states.get(tp).version(), fromBroker, leaderEpoch,
                partitionEpoch, newIsr, context.eligible());
        if (outcome instanceof IsrUpdate.Outcome.Rejected rejected) {
            return AlterPartitionResult.failed(rejected.error(), rejected.message());
        }
        IsrUpdate.Outcome.Accepted accepted = (IsrUpdate.Outcome.Accepted) outcome;
        AlterPartitionResult[] result = new AlterPartitionResult[1];
        boolean done = guarded(() -> {
            if (accepted.changed()) {
                WriteOutcome w = writer.writeOnce(tp, accepted.state(), partitionEpoch);
                if (!(w instanceof WriteOutcome.Written)) {
                    result[0] = AlterPartitionResult.failed(Errors.INVALID_UPDATE_VERSION,
                            "The partition changed meanwhile (" + w + ").");
                    return;
                }
                publisher.publish(Set.of(tp), Set.of(), List.of());
            }
            result[0] = new AlterPartitionResult(Errors.NONE, "", Optional.of(context.infos(List.of(tp)).get(0)));
        });
        return done ? result[0] : AlterPartitionResult.failed(Errors.NOT_CONTROLLER, Errors.NOT_CONTROLLER.message());
    }

    /** The name of the topic with this id, if this controller knows it (AlterPartition v2+ names topics by id). */
    public Optional<String> topicName(java.util.UUID topicId) {
        return context.topicName(topicId);
    }

    /**
     * New settings (a dynamic broker config changed). When unclean elections become allowed, partitions
     * without a leader get one now (Kafka's controller does the same on that change), not at the next broker event.
     */
    public void settingsChanged(ControllerSettings next) {
        boolean uncleanEnabled = !settings.uncleanLeaderElection() && next.uncleanLeaderElection();
        settings = Objects.requireNonNull(next, "next");
        if (context.lease == null || !uncleanEnabled) {
            return;
        }
        guarded(() -> {
            Set<TopicPartition> changed = new TreeSet<>();
            for (TopicPartition tp : List.copyOf(context.states.keySet())) {
                if (writer.apply(tp, afterBrokerChange(tp))) {
                    changed.add(tp);
                }
            }
            publisher.publish(changed, Set.of(), List.of());
        });
    }

    /** The periodic preferred-leader rebalance ({@code auto.leader.rebalance.enable}). */
    public void checkLeaderImbalance() {
        if (context.lease == null) {
            return;
        }
        guarded(() -> {
            Map<TopicPartition, PartitionLeadership> leaderships = new LinkedHashMap<>();
            for (TopicPartition tp : context.states.keySet()) {
                context.leadership(tp).ifPresent(l -> leaderships.put(tp, l));
            }
            Set<TopicPartition> changed = new TreeSet<>();
            for (TopicPartition tp : LeaderImbalance.partitionsToRebalance(leaderships, context.eligible(),
                    settings.leaderImbalancePercentage())) {
                if (writer.apply(tp, s -> LeaderElection.preferred(s, context.eligible()) instanceof Election.Elected e
                        ? new PartitionChange.Changed(e.state(), false) : PartitionChange.UNCHANGED)) {
                    changed.add(tp);
                }
            }
            publisher.publish(changed, Set.of(), List.of());
        });
    }

    // ---- internals

    /** Runs {@code body}; a fenced write inside resigns. False if this controller was deposed. */
    private boolean guarded(Runnable body) {
        unclean.forget();
        try {
            body.run();
            return context.lease != null;
        } catch (Deposed d) {
            LOG.log(System.Logger.Level.WARNING, "a newer controller fenced broker {0}'s write: resigning", brokerId);
            resign();
            return false;
        }
    }

    /**
     * The election after brokers failed or returned, unclean if the partition's topic allows it (read once
     * per topic per event: {@link #guarded} starts each event afresh).
     */
    private Function<PartitionLeadership, PartitionChange> afterBrokerChange(TopicPartition tp) {
        return s -> LeaderElection.afterBrokerChange(s, context.eligible(),
                unclean.allowed(tp.topic(), settings.uncleanLeaderElection()));
    }

    private Set<TopicPartition> applyToReplicasOf(Set<Integer> brokers,
                                                  Function<TopicPartition, Function<PartitionLeadership, PartitionChange>> rule) {
        Set<TopicPartition> changed = new TreeSet<>();
        if (brokers.isEmpty()) {
            return changed;
        }
        for (TopicPartition tp : List.copyOf(context.states.keySet())) {
            List<Integer> replicas = context.replicas(tp);
            if (replicas.stream().anyMatch(brokers::contains) && writer.apply(tp, rule.apply(tp))) {
                changed.add(tp);
            }
        }
        return changed;
    }

    /** Deletes every requested topic: StopReplica with delete to its live replicas, then the records. */
    private List<TopicPartition> deleteRequestedTopics() {
        List<TopicPartition> deleted = new ArrayList<>();
        for (String name : store.topicDeletionRequests()) {
            Versioned<TopicAssignment> topic = context.topics.get(name);
            if (topic != null) {
                publisher.stopAndDeleteReplicas(name, topic.value());
            }
            writer.deleteTopic(name);
            context.topics.remove(name);
            context.states.keySet().removeIf(tp -> {
                if (tp.topic().equals(name)) {
                    deleted.add(tp);
                    return true;
                }
                return false;
            });
        }
        return deleted;
    }
}
