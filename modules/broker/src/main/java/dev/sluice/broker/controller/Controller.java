package dev.sluice.broker.controller;

import dev.sluice.api.Scheduler;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ConfigEntity;
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
import java.util.HashMap;
import java.util.HashSet;
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
 * <p>Not thread-safe: every method runs on the controller's one thread ({@link ControllerService}
 * feeds it store events in order); tests call the methods directly.
 */
public final class Controller {

    private static final System.Logger LOG = System.getLogger(Controller.class.getName());
    private static final int WRITE_ATTEMPTS = 3;
    private static final String UNCLEAN_KEY = "unclean.leader.election.enable";

    private final int brokerId;
    private final ClusterMetadataStore store;
    private final ControlChannel channel;
    private ControllerSettings settings;
    private final Scheduler scheduler;
    private final Runnable rebalanceTrigger;

    private ControllerLease lease;
    private Scheduler.Task rebalanceTask;
    private final Map<Integer, RegisteredBroker> live = new TreeMap<>();
    private final Map<String, Versioned<TopicAssignment>> topics = new TreeMap<>();
    private final Map<TopicPartition, Versioned<PartitionState>> states = new TreeMap<>();
    private final Set<Integer> shuttingDown = new TreeSet<>();
    /** Per topic, whether unclean elections are allowed, as read during the current event. */
    private final Map<String, Boolean> uncleanByTopic = new HashMap<>();

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
    }

    /** A newer controller fenced this one's write. */
    private static final class Deposed extends RuntimeException {
        Deposed() {
            super("deposed", null, false, false);
        }
    }

    public boolean isActive() {
        return lease != null;
    }

    public Optional<ControllerLease> lease() {
        return Optional.ofNullable(lease);
    }

    /** The partition states as this controller last wrote or read them (a copy), for tests and tools. */
    public SortedMap<TopicPartition, PartitionState> partitionStates() {
        TreeMap<TopicPartition, PartitionState> copy = new TreeMap<>();
        states.forEach((tp, v) -> copy.put(tp, v.value()));
        return copy;
    }

    // ---- becoming and leaving the controller

    /**
     * Stands for election if no controller is alive; on a win reads the cluster, creates missing
     * partition states, re-elects partitions whose leader is gone, carries out pending deletions and
     * sends every live broker its full state. True if this broker is the controller afterwards.
     */
    public boolean elect() {
        if (lease != null) {
            return true;
        }
        if (!(store.elect(brokerId) instanceof ElectionOutcome.Elected elected)) {
            return false;
        }
        lease = elected.lease();
        LOG.log(System.Logger.Level.INFO, "broker {0} is the controller with epoch {1}", brokerId, lease.epoch());
        return guarded(() -> {
            live.clear();
            live.putAll(store.liveBrokers());
            topics.clear();
            states.clear();
            shuttingDown.clear();
            for (String name : store.topicNames()) {
                store.topic(name).ifPresent(t -> topics.put(name, t));
                store.partitionStates(name).forEach((p, s) -> states.put(new TopicPartition(name, p), s));
            }
            Set<TopicPartition> changed = new TreeSet<>(createMissingStates());
            for (TopicPartition tp : List.copyOf(states.keySet())) {
                if (apply(tp, afterBrokerChange(tp))) {
                    changed.add(tp);
                }
            }
            List<TopicPartition> deleted = deleteRequestedTopics();
            publish(changed, live.keySet(), deleted);
            if (settings.autoLeaderRebalance()) {
                rebalanceTask = scheduler.scheduleWithFixedDelay(rebalanceTrigger,
                        settings.leaderImbalanceCheckIntervalMs(), settings.leaderImbalanceCheckIntervalMs());
            }
        });
    }

    /** Stops being the controller (session expired, shutdown, or fenced): gives the lease back if still held. */
    public void resign() {
        if (lease == null) {
            return;
        }
        ControllerLease held = lease;
        lease = null;
        if (rebalanceTask != null) {
            rebalanceTask.cancel();
            rebalanceTask = null;
        }
        live.clear();
        topics.clear();
        states.clear();
        shuttingDown.clear();
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
        if (lease == null) {
            return;
        }
        guarded(() -> {
            Map<Integer, RegisteredBroker> now = store.liveBrokers();
            Set<Integer> failed = new TreeSet<>();
            Set<Integer> started = new TreeSet<>();
            for (RegisteredBroker before : live.values()) {
                RegisteredBroker after = now.get(before.id());
                if (after == null || after.epoch() != before.epoch()) {
                    failed.add(before.id());
                }
            }
            for (RegisteredBroker after : now.values()) {
                RegisteredBroker before = live.get(after.id());
                if (before == null || before.epoch() != after.epoch()) {
                    started.add(after.id());
                }
            }
            if (failed.isEmpty() && started.isEmpty()) {
                return;
            }
            LOG.log(System.Logger.Level.INFO, "controller: brokers failed {0}, started {1}", failed, started);
            Set<TopicPartition> changed = new TreeSet<>();
            if (!failed.isEmpty()) {
                failed.forEach(channel::brokerRemoved);
                shuttingDown.removeAll(failed);
                // first as failed: a bounced broker's old incarnation loses leadership and ISR membership
                for (Integer id : failed) {
                    live.remove(id);
                }
                changed.addAll(applyToReplicasOf(failed, this::afterBrokerChange));
            }
            live.clear();
            live.putAll(now);
            shuttingDown.retainAll(live.keySet());
            changed.addAll(createMissingStates());
            changed.addAll(applyToReplicasOf(started, this::afterBrokerChange));
            // a failed broker is announced even when no partition changed (a controlled shutdown moved them
            // all already): leaders count only live brokers' caught-up followers towards the high watermark
            publish(changed, started, List.of(), !failed.isEmpty());
        });
    }

    /** Topics were created or their assignments changed: partitions without a state get their first one. */
    public void onTopicsChanged() {
        if (lease == null) {
            return;
        }
        guarded(() -> {
            Set<String> names = store.topicNames();
            topics.keySet().retainAll(names);
            states.keySet().removeIf(tp -> !names.contains(tp.topic()));
            for (String name : names) {
                store.topic(name).ifPresent(t -> topics.put(name, t));
            }
            publish(createMissingStates(), Set.of(), List.of());
        });
    }

    /**
     * A partition state was written: by this controller (the cache has it already) or by someone else
     * (an ISR change by the partition's leader): the cache takes the newer version.
     */
    public void onPartitionStateChanged(String topic, int partition) {
        if (lease == null) {
            return;
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        Versioned<PartitionState> cached = states.get(tp);
        store.partitionState(topic, partition).ifPresent(fresh -> {
            if (cached == null || fresh.version() > cached.version()) {
                states.put(tp, fresh);
            }
        });
    }

    /** Someone asked to delete topics: their replicas are stopped and deleted, then the topics removed. */
    public void onTopicDeletionRequested() {
        if (lease == null) {
            return;
        }
        guarded(() -> publish(Set.of(), Set.of(), deleteRequestedTopics()));
    }

    // ---- requests

    /**
     * ControlledShutdown of {@code id}: leadership moves to other in-sync replicas and the broker leaves
     * the ISRs; the answer lists the partitions (replication factor above one) it still leads.
     */
    public ShutdownResult controlledShutdown(int id, long brokerEpoch) {
        if (lease == null) {
            return ShutdownResult.failed(Errors.NOT_CONTROLLER);
        }
        RegisteredBroker broker = live.get(id);
        if (broker == null) {
            return ShutdownResult.failed(Errors.BROKER_NOT_AVAILABLE);
        }
        if (brokerEpoch != -1 && brokerEpoch < broker.epoch()) {
            return ShutdownResult.failed(Errors.STALE_BROKER_EPOCH);
        }
        shuttingDown.add(id);
        TreeSet<TopicPartition> remaining = new TreeSet<>();
        boolean done = guarded(() -> {
            Set<TopicPartition> changed = applyToReplicasOf(Set.of(id),
                    tp -> s -> LeaderElection.controlledShutdown(s, live.keySet(), shuttingDown));
            List<TopicPartition> followed = new ArrayList<>();
            for (TopicPartition tp : states.keySet()) {
                PartitionState s = states.get(tp).value();
                List<Integer> replicas = replicas(tp);
                if (replicas.size() > 1 && replicas.contains(id)) {
                    if (s.leader() == id) {
                        remaining.add(tp);
                    } else {
                        followed.add(tp);
                    }
                }
            }
            publish(changed, Set.of(), List.of());
            if (!followed.isEmpty()) {
                channel.send(id, new ControlMessage.StopReplica(brokerId, lease.epoch(), broker.epoch(), followed, false));
            }
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
        Collection<TopicPartition> asked = partitions == null ? List.copyOf(states.keySet()) : partitions;
        if (lease == null) {
            asked.forEach(tp -> results.put(tp, new PartitionResult(Errors.NOT_CONTROLLER, Errors.NOT_CONTROLLER.message())));
            return results;
        }
        boolean done = guarded(() -> {
            Set<TopicPartition> changed = new TreeSet<>();
            for (TopicPartition tp : asked) {
                if (!states.containsKey(tp)) {
                    results.put(tp, new PartitionResult(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The partition does not exist."));
                    continue;
                }
                Election[] last = new Election[1];
                boolean written = apply(tp, s -> {
                    last[0] = type == ElectionType.PREFERRED
                            ? LeaderElection.preferred(s, eligible())
                            : LeaderElection.unclean(s, eligible());
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
            publish(changed, Set.of(), List.of());
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
        if (lease == null) {
            return AlterPartitionResult.failed(Errors.NOT_CONTROLLER, Errors.NOT_CONTROLLER.message());
        }
        RegisteredBroker broker = live.get(fromBroker);
        if (broker == null || (brokerEpoch != -1 && brokerEpoch != broker.epoch())) {
            return AlterPartitionResult.failed(Errors.STALE_BROKER_EPOCH, "Broker " + fromBroker + " with epoch "
                    + brokerEpoch + " is not a live incarnation.");
        }
        for (Map.Entry<Integer, Long> member : isrEpochs.entrySet()) {
            RegisteredBroker registered = live.get(member.getKey());
            if (member.getValue() != -1 && (registered == null || registered.epoch() != member.getValue())) {
                return AlterPartitionResult.failed(Errors.INELIGIBLE_REPLICA, "Broker " + member.getKey() + " with epoch "
                        + member.getValue() + " is not a live incarnation and cannot join the ISR.");
            }
        }
        Optional<PartitionLeadership> current = leadership(tp);
        if (current.isEmpty()) {
            return AlterPartitionResult.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The partition does not exist.");
        }
        IsrUpdate.Outcome outcome = IsrUpdate.alter(current.get(), states.get(tp).version(), fromBroker, leaderEpoch,
                partitionEpoch, newIsr, eligible());
        if (outcome instanceof IsrUpdate.Outcome.Rejected rejected) {
            return AlterPartitionResult.failed(rejected.error(), rejected.message());
        }
        IsrUpdate.Outcome.Accepted accepted = (IsrUpdate.Outcome.Accepted) outcome;
        AlterPartitionResult[] result = new AlterPartitionResult[1];
        boolean done = guarded(() -> {
            if (accepted.changed()) {
                PartitionLeadership next = accepted.state();
                PartitionState written = new PartitionState(next.leader(), next.leaderEpoch(), next.isr(), lease.epoch());
                WriteOutcome w = store.updatePartitionState(lease, tp.topic(), tp.partition(), written, partitionEpoch);
                if (w instanceof WriteOutcome.Fenced) {
                    throw new Deposed();
                }
                if (!(w instanceof WriteOutcome.Written ok)) {
                    store.partitionState(tp.topic(), tp.partition()).ifPresent(fresh -> states.put(tp, fresh));
                    result[0] = AlterPartitionResult.failed(Errors.INVALID_UPDATE_VERSION,
                            "The partition changed meanwhile (" + w + ").");
                    return;
                }
                states.put(tp, new Versioned<>(written, ok.version()));
                publish(Set.of(tp), Set.of(), List.of());
            }
            result[0] = new AlterPartitionResult(Errors.NONE, "", Optional.of(infos(List.of(tp)).get(0)));
        });
        return done ? result[0] : AlterPartitionResult.failed(Errors.NOT_CONTROLLER, Errors.NOT_CONTROLLER.message());
    }

    /** The name of the topic with this id, if this controller knows it (AlterPartition v2+ names topics by id). */
    public Optional<String> topicName(java.util.UUID topicId) {
        for (Versioned<TopicAssignment> topic : topics.values()) {
            if (topic.value().topicId().equals(topicId)) {
                return Optional.of(topic.value().name());
            }
        }
        return Optional.empty();
    }

    /**
     * New settings (a dynamic broker config changed). When unclean elections become allowed, partitions
     * without a leader get one now (Kafka's controller does the same on that change), not at the next broker event.
     */
    public void settingsChanged(ControllerSettings next) {
        boolean uncleanEnabled = !settings.uncleanLeaderElection() && next.uncleanLeaderElection();
        settings = Objects.requireNonNull(next, "next");
        if (lease == null || !uncleanEnabled) {
            return;
        }
        guarded(() -> {
            Set<TopicPartition> changed = new TreeSet<>();
            for (TopicPartition tp : List.copyOf(states.keySet())) {
                if (apply(tp, afterBrokerChange(tp))) {
                    changed.add(tp);
                }
            }
            publish(changed, Set.of(), List.of());
        });
    }

    /** The periodic preferred-leader rebalance ({@code auto.leader.rebalance.enable}). */
    public void checkLeaderImbalance() {
        if (lease == null) {
            return;
        }
        guarded(() -> {
            Map<TopicPartition, PartitionLeadership> leaderships = new LinkedHashMap<>();
            for (TopicPartition tp : states.keySet()) {
                leadership(tp).ifPresent(l -> leaderships.put(tp, l));
            }
            Set<TopicPartition> changed = new TreeSet<>();
            for (TopicPartition tp : LeaderImbalance.partitionsToRebalance(leaderships, eligible(),
                    settings.leaderImbalancePercentage())) {
                if (apply(tp, s -> LeaderElection.preferred(s, eligible()) instanceof Election.Elected e
                        ? new PartitionChange.Changed(e.state(), false) : PartitionChange.UNCHANGED)) {
                    changed.add(tp);
                }
            }
            publish(changed, Set.of(), List.of());
        });
    }

    // ---- internals

    /** Runs {@code body}; a fenced write inside resigns. False if this controller was deposed. */
    private boolean guarded(Runnable body) {
        uncleanByTopic.clear();
        try {
            body.run();
            return lease != null;
        } catch (Deposed d) {
            LOG.log(System.Logger.Level.WARNING, "a newer controller fenced broker {0}'s write: resigning", brokerId);
            resign();
            return false;
        }
    }

    private Set<Integer> eligible() {
        Set<Integer> eligible = new HashSet<>(live.keySet());
        eligible.removeAll(shuttingDown);
        return eligible;
    }

    private List<Integer> replicas(TopicPartition tp) {
        Versioned<TopicAssignment> topic = topics.get(tp.topic());
        if (topic == null) {
            return List.of();
        }
        return topic.value().replicas().getOrDefault(tp.partition(), List.of());
    }

    private Optional<PartitionLeadership> leadership(TopicPartition tp) {
        Versioned<PartitionState> s = states.get(tp);
        List<Integer> replicas = replicas(tp);
        if (s == null || replicas.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PartitionLeadership(replicas, s.value().leader(), s.value().leaderEpoch(), s.value().isr()));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "partition {0} has an inconsistent state {1} (replicas {2}): left alone",
                    tp, s.value(), replicas);
            return Optional.empty();
        }
    }

    /** The election after brokers failed or returned, unclean if the partition's topic allows it. */
    private Function<PartitionLeadership, PartitionChange> afterBrokerChange(TopicPartition tp) {
        return s -> LeaderElection.afterBrokerChange(s, eligible(), uncleanAllowed(tp.topic()));
    }

    /**
     * {@code unclean.leader.election.enable} for a topic: its override in the store, else the broker's
     * setting. Read once per topic per event ({@link #guarded} clears the memo): an override changed
     * meanwhile counts from the next event on.
     */
    private boolean uncleanAllowed(String topic) {
        return uncleanByTopic.computeIfAbsent(topic, name -> {
            String override = store.config(ConfigEntity.topic(name)).get(UNCLEAN_KEY);
            return override == null ? settings.uncleanLeaderElection() : Boolean.parseBoolean(override.trim());
        });
    }

    private Set<TopicPartition> applyToReplicasOf(Set<Integer> brokers,
                                                  Function<TopicPartition, Function<PartitionLeadership, PartitionChange>> rule) {
        Set<TopicPartition> changed = new TreeSet<>();
        if (brokers.isEmpty()) {
            return changed;
        }
        for (TopicPartition tp : List.copyOf(states.keySet())) {
            List<Integer> replicas = replicas(tp);
            if (replicas.stream().anyMatch(brokers::contains) && apply(tp, rule.apply(tp))) {
                changed.add(tp);
            }
        }
        return changed;
    }

    /**
     * Applies a rule to one partition and writes the change conditionally on the version read. A version
     * conflict re-reads the partition and applies the rule again; fenced throws {@link Deposed}.
     * True if a new state was written.
     */
    private boolean apply(TopicPartition tp, Function<PartitionLeadership, PartitionChange> rule) {
        for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
            Optional<PartitionLeadership> current = leadership(tp);
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
            PartitionState written = new PartitionState(next.leader(), next.leaderEpoch(), next.isr(), lease.epoch());
            WriteOutcome outcome = store.updatePartitionState(lease, tp.topic(), tp.partition(), written,
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

    /** First states for partitions of known topics that have none (new topics, added partitions). */
    private Set<TopicPartition> createMissingStates() {
        Set<TopicPartition> created = new TreeSet<>();
        for (Versioned<TopicAssignment> topic : List.copyOf(topics.values())) {
            String name = topic.value().name();
            Map<Integer, PartitionState> fresh = new TreeMap<>();
            topic.value().replicas().forEach((p, replicas) -> {
                if (states.containsKey(new TopicPartition(name, p))) {
                    return;
                }
                Election first = LeaderElection.newPartition(replicas, eligible(), 0);
                if (first instanceof Election.Elected e) {
                    PartitionLeadership l = e.state();
                    fresh.put(p, new PartitionState(l.leader(), l.leaderEpoch(), l.isr(), lease.epoch()));
                } else {
                    LOG.log(System.Logger.Level.WARNING, "partition {0}-{1}: no replica of {2} is live; its state is"
                            + " created when one registers", name, p, replicas);
                }
            });
            if (fresh.isEmpty()) {
                continue;
            }
            WriteOutcome outcome = store.createPartitionStates(lease, name, fresh);
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

    /** Deletes every requested topic: StopReplica with delete to its live replicas, then the records. */
    private List<TopicPartition> deleteRequestedTopics() {
        List<TopicPartition> deleted = new ArrayList<>();
        for (String name : store.topicDeletionRequests()) {
            Versioned<TopicAssignment> topic = topics.get(name);
            if (topic != null) {
                Map<Integer, List<TopicPartition>> byBroker = new TreeMap<>();
                topic.value().replicas().forEach((p, replicas) -> {
                    for (int b : replicas) {
                        byBroker.computeIfAbsent(b, x -> new ArrayList<>()).add(new TopicPartition(name, p));
                    }
                });
                byBroker.forEach((b, tps) -> {
                    RegisteredBroker broker = live.get(b);
                    if (broker != null) {
                        channel.send(b, new ControlMessage.StopReplica(brokerId, lease.epoch(), broker.epoch(), tps, true));
                    }
                });
            }
            WriteOutcome outcome = store.deleteTopic(lease, name);
            if (outcome instanceof WriteOutcome.Fenced) {
                throw new Deposed();
            }
            topics.remove(name);
            states.keySet().removeIf(tp -> {
                if (tp.topic().equals(name)) {
                    deleted.add(tp);
                    return true;
                }
                return false;
            });
        }
        return deleted;
    }

    /**
     * Tells the brokers: UpdateMetadata to every live broker (the full state to {@code startedBrokers},
     * the changed partitions to the others), then LeaderAndIsr to each live replica of a changed
     * partition, and to each started broker for every partition it replicates.
     */
    private void publish(Set<TopicPartition> changed, Set<Integer> startedBrokers, List<TopicPartition> deleted) {
        publish(changed, startedBrokers, deleted, false);
    }

    /**
     * Sends UpdateMetadata (the live brokers and the changed partitions) to every live broker, and
     * LeaderAndIsr for the changed partitions to their replicas; a started broker gets every partition.
     * Nothing is sent when nothing changed, unless {@code liveBrokersChanged} (Kafka's controller also
     * tells every broker of a failed one when no leader had to move).
     */
    private void publish(Set<TopicPartition> changed, Set<Integer> startedBrokers, List<TopicPartition> deleted,
                         boolean liveBrokersChanged) {
        if (changed.isEmpty() && startedBrokers.isEmpty() && deleted.isEmpty() && !liveBrokersChanged) {
            return;
        }
        List<RegisteredBroker> brokers = List.copyOf(live.values());
        List<PartitionLeaderInfo> changedInfo = infos(changed);
        List<PartitionLeaderInfo> allInfo = infos(states.keySet());
        for (RegisteredBroker b : brokers) {
            boolean started = startedBrokers.contains(b.id());
            channel.send(b.id(), new ControlMessage.UpdateMetadata(brokerId, lease.epoch(), b.epoch(), brokers,
                    started ? allInfo : changedInfo, deleted));
        }
        for (RegisteredBroker b : brokers) {
            List<PartitionLeaderInfo> mine = new ArrayList<>();
            for (PartitionLeaderInfo info : startedBrokers.contains(b.id()) ? allInfo : changedInfo) {
                if (info.replicas().contains(b.id())) {
                    mine.add(info);
                }
            }
            if (!mine.isEmpty()) {
                channel.send(b.id(), new ControlMessage.LeaderAndIsr(brokerId, lease.epoch(), b.epoch(), mine));
            }
        }
    }

    private List<PartitionLeaderInfo> infos(Collection<TopicPartition> partitions) {
        List<PartitionLeaderInfo> infos = new ArrayList<>(partitions.size());
        for (TopicPartition tp : partitions) {
            Versioned<PartitionState> s = states.get(tp);
            Versioned<TopicAssignment> topic = topics.get(tp.topic());
            if (s == null || topic == null) {
                continue;
            }
            PartitionState st = s.value();
            infos.add(new PartitionLeaderInfo(tp, topic.value().topicId(), st.leader(), st.leaderEpoch(), st.isr(),
                    replicas(tp), st.controllerEpoch(), s.version()));
        }
        return infos;
    }
}
