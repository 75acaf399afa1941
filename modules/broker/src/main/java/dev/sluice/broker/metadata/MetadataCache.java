package dev.sluice.broker.metadata;

import dev.sluice.api.storage.TopicPartition;

import java.util.ArrayList;
import java.util.List;

/**
 * This broker's view of the cluster, as one {@link MetadataSnapshot} replaced atomically on every
 * change: Metadata, DescribeCluster and the leader hints of Produce/Fetch read it.
 *
 * <p>Two writers. A single node fills it from itself ({@link #publishLocal}, driven by
 * {@link LocalMetadataPublisher}: its own topics and partition roles, itself as the only broker
 * and controller). Once a controller sends UpdateMetadata ({@link #update}) the cache is the
 * controller's: local publications are ignored from then on, as in Kafka, where only the
 * controller's requests change a ZooKeeper-mode broker's metadata cache.
 *
 * <p>Threads: read from any thread (one volatile read); writes come from request handler threads
 * and are serialised by this object's lock.
 */
public final class MetadataCache {
    private final List<java.util.function.Consumer<List<TopicPartition>>> deletionListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final BrokerNode self;
    private volatile MetadataSnapshot snapshot;
    private volatile boolean controllerManaged;

    public MetadataCache(BrokerNode self) {
        this.self = self;
        this.snapshot = MetadataSnapshot.singleNode(self);
    }

    /** The current snapshot; read it once per request for a consistent answer. */
    public MetadataSnapshot snapshot() {
        return snapshot;
    }

    /** This broker as it advertises itself. */
    public BrokerNode self() {
        return self;
    }

    /** True once a controller's UpdateMetadata has been applied. */
    public boolean controllerManaged() {
        return controllerManaged;
    }

    /**
     * Single node: replaces a topic's state ({@code topic} null removes {@code name}). Ignored once a
     * controller manages the cache.
     */
    public synchronized void publishLocal(String name, TopicState topic) {
        if (controllerManaged) {
            return;
        }
        snapshot = topic == null ? snapshot.withoutTopic(name) : snapshot.withTopic(topic);
    }

    /**
     * Applies a controller's UpdateMetadata (the caller has checked its controller and broker
     * epochs). Returns the partitions it deleted.
     */
    public List<TopicPartition> update(MetadataUpdate update) {
        List<TopicPartition> deleted = new ArrayList<>();
        synchronized (this) {
            snapshot = snapshot.withUpdate(update, deleted);
            controllerManaged = true;
        }
        if (!deleted.isEmpty()) {
            for (java.util.function.Consumer<List<TopicPartition>> listener : deletionListeners) {
                listener.accept(List.copyOf(deleted));
            }
        }
        return deleted;
    }

    /**
     * Tells {@code listener} of the partitions each controller UpdateMetadata deletes (their topic was
     * deleted in the cluster), after the cache dropped them, on the thread applying the request
     * (Kafka's {@code onPartitionsDeleted}: the group coordinator drops their committed offsets).
     */
    public void onPartitionsDeleted(java.util.function.Consumer<List<TopicPartition>> listener) {
        deletionListeners.add(listener);
    }
}
