package dev.sluice.broker.cluster;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.cluster.ConfigEntity;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.topic.TopicRegistry;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A cluster broker's topic catalogue: the local one (its logs' topics, with their engines and leader
 * epochs) filled from the cluster metadata store, where topics are created. A topic the controller
 * assigns here is found in the store on its first lookup (the LeaderAndIsr naming it may arrive
 * before this broker's own store event) and kept locally; {@link #refresh()} takes in new topics and
 * added partitions after a store event. Topic config overrides live in the store
 * ({@code /config/topics/T}): {@link #writeConfigs} writes there, {@link #reloadConfigs} takes a
 * change in (every broker knows every topic, so DescribeConfigs answers the same everywhere). Topics are removed locally only by StopReplica with delete
 * (topic deletion): a store that lacks a local topic (a new ZooKeeper) never deletes data.
 *
 * <p>Threads: reads from any thread; writes under this object's lock (handler threads, the store's
 * event thread).
 */
public final class ClusterTopicRegistry implements TopicRegistry {
    private static final System.Logger LOG = System.getLogger(ClusterTopicRegistry.class.getName());

    private final TopicRegistry local;
    private final ClusterMetadataStore store;
    private final String defaultEngine;
    private volatile java.util.function.Consumer<TopicMetadata> recreatedListener = topic -> { };

    /** @param defaultEngine the storage engine of topics without a {@code storage.engine} override ({@code log.storage}) */
    public ClusterTopicRegistry(TopicRegistry local, ClusterMetadataStore store, String defaultEngine) {
        this.local = local;
        this.store = store;
        this.defaultEngine = defaultEngine;
    }

    @Override
    public int initialLeaderEpoch() {
        return local.initialLeaderEpoch();
    }

    @Override
    public Optional<TopicMetadata> get(String name) {
        Optional<TopicMetadata> known = local.get(name);
        return known.isPresent() ? known : fromStore(name);
    }

    @Override
    public Optional<TopicMetadata> get(UUID id) {
        return local.get(id);
    }

    @Override
    public Collection<TopicMetadata> all() {
        return local.all();
    }

    @Override
    public synchronized void put(TopicMetadata topic) {
        local.put(topic);
    }

    @Override
    public synchronized void remove(String name) {
        local.remove(name);
    }

    /** Reads the store: its topic of that name if it has {@code id} and the local one another id. */
    @Override
    public Optional<TopicMetadata> recreated(String name, UUID id) {
        Optional<TopicMetadata> known = local.get(name);
        if (known.isEmpty() || known.get().id().equals(id)) {
            return Optional.empty();
        }
        try {
            return store.topic(name).map(Versioned::value).filter(t -> t.topicId().equals(id))
                    .map(t -> metadataOf(name, t));
        } catch (ClusterStoreException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read topic " + name + " from the cluster metadata store: "
                    + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Who replaces a topic that {@link #refresh} finds re-created in the store under another id while
     * the local catalogue still holds the deleted one (the broker: its stale replicas and data go).
     */
    public void onRecreated(java.util.function.Consumer<TopicMetadata> listener) {
        this.recreatedListener = listener;
    }

    /**
     * Writes the overrides to the cluster metadata store (with Kafka's change notification; every
     * broker re-reads them on the store's event), then takes them in here at once.
     *
     * @throws ClusterStoreException if the store cannot be reached (whether it was written is unknown)
     */
    @Override
    public void writeConfigs(String name, java.util.Map<String, String> overrides) {
        store.setConfig(ConfigEntity.topic(name), overrides);
        reloadConfigs(name);
    }

    /**
     * Re-reads a topic's overrides from the store into the local catalogue (a config change event,
     * or after this broker's own write). Read and update happen under this registry's lock, so of
     * concurrent reloads the last one applies the newest value. Internal topics are skipped: their
     * configs are the broker's ({@code offsets.topic.*}), set at creation and re-applied at start-up.
     *
     * @return whether the local overrides changed (the caller re-applies them to the partitions)
     */
    public synchronized boolean reloadConfigs(String name) {
        Optional<TopicMetadata> known = local.get(name);
        if (known.isEmpty() || dev.sluice.broker.topic.TopicNames.isInternal(name)) {
            return false;
        }
        java.util.Map<String, String> stored = store.config(ConfigEntity.topic(name));
        if (stored.equals(known.get().configs())) {
            return false;
        }
        java.util.Map<String, String> applicable = dev.sluice.broker.topic.TopicConfigDef.applicable(stored);
        if (applicable.size() != stored.size()) {
            java.util.Set<String> ignored = new java.util.TreeSet<>(stored.keySet());
            ignored.removeAll(applicable.keySet());
            LOG.log(System.Logger.Level.WARNING, "topic " + name + ": ignoring config overrides in the cluster metadata "
                    + "store that are unknown or invalid here: " + ignored);
        }
        local.put(known.get().withConfigs(stored));
        LOG.log(System.Logger.Level.INFO, "topic " + name + ": config overrides now " + stored);
        return true;
    }

    /**
     * {@link #reloadConfigs} for every topic known here (at start-up, before the partitions open,
     * and after a new store session, whose missed events may have carried config changes).
     *
     * @return the topics whose overrides changed
     */
    public List<String> reloadAllConfigs() {
        List<String> changed = new java.util.ArrayList<>();
        for (TopicMetadata topic : List.copyOf(local.all())) {
            if (reloadConfigs(topic.name())) {
                changed.add(topic.name());
            }
        }
        return changed;
    }

    /**
     * Takes in topics created and partitions added in the store since the last look, and forgets
     * topics the store no longer has once no partition of theirs is hosted here (their replicas were
     * deleted by StopReplica), so a re-created topic of that name is taken in with its new id.
     *
     * @param hosted whether this broker still hosts a partition of a topic
     */
    public void refresh(java.util.function.Predicate<String> hosted) {
        java.util.Set<String> inStore = store.topicNames();
        for (TopicMetadata known : List.copyOf(local.all())) {
            if (!inStore.contains(known.name()) && !dev.sluice.broker.topic.TopicNames.isInternal(known.name())
                    && !hosted.test(known.name())) {
                synchronized (this) {
                    local.remove(known.name());
                }
                LOG.log(System.Logger.Level.INFO, "topic " + known.name() + " was deleted in the cluster");
            }
        }
        for (String name : List.copyOf(inStore)) {
            Optional<TopicMetadata> known = local.get(name);
            if (known.isEmpty()) {
                fromStore(name);
                continue;
            }
            Optional<TopicAssignment> assigned = store.topic(name).map(Versioned::value);
            if (assigned.isPresent() && !assigned.get().topicId().equals(known.get().id())) {
                LOG.log(System.Logger.Level.WARNING, "topic " + name + " was deleted and re-created in the cluster (id "
                        + known.get().id() + " -> " + assigned.get().topicId() + "): replacing the stale local topic");
                recreatedListener.accept(metadataOf(name, assigned.get()));
                continue;
            }
            assigned.ifPresent(a -> grow(known.get(), a));
        }
    }

    private synchronized void grow(TopicMetadata known, TopicAssignment assigned) {
        TopicMetadata current = local.get(known.name()).orElse(known);
        if (current.id().equals(assigned.topicId()) && assigned.partitionCount() > current.partitions()) {
            local.put(current.withPartitions(assigned.partitionCount()));
        }
    }

    private synchronized Optional<TopicMetadata> fromStore(String name) {
        Optional<TopicMetadata> known = local.get(name);
        if (known.isPresent()) {
            return known;
        }
        Optional<Versioned<TopicAssignment>> assigned;
        try {
            assigned = store.topic(name);
        } catch (ClusterStoreException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read topic " + name + " from the cluster metadata store: "
                    + e.getMessage());
            return Optional.empty();
        }
        if (assigned.isEmpty()) {
            return Optional.empty();
        }
        TopicMetadata metadata = metadataOf(name, assigned.get().value());
        local.put(metadata);
        return Optional.of(metadata);
    }

    /** The local catalogue's entry for a topic as the store assigns it (its configs read from the store). */
    private TopicMetadata metadataOf(String name, TopicAssignment topic) {
        short replicationFactor = (short) topic.replicas().get(0).size();
        java.util.Map<String, String> configs = store.config(ConfigEntity.topic(name));
        return new TopicMetadata(name, topic.topicId(), topic.partitionCount(), replicationFactor,
                configs, local.initialLeaderEpoch(), configs.getOrDefault("storage.engine", defaultEngine));
    }
}
