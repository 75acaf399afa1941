package dev.sluice.client.consumer.internals;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerGroupMetadata;
import dev.sluice.client.consumer.ConsumerRebalanceListener;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.NoOffsetForPartitionException;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.client.consumer.OffsetAndTimestamp;
import dev.sluice.client.consumer.OffsetCommitCallback;
import dev.sluice.client.consumer.OffsetResetStrategy;
import dev.sluice.client.consumer.group.ConsumerCoordinator;
import dev.sluice.client.metadata.Metadata;
import dev.sluice.client.network.NetworkClient;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Everything behind {@link dev.sluice.client.consumer.SluiceConsumer}; see there for the contract. */
public final class ConsumerEngine implements AutoCloseable {
    private final ConsumerConfig config;
    private final NetworkClient network;
    private final Metadata metadata;
    private final SubscriptionState subscriptions;
    private final OffsetLookup lookup;
    private final Fetcher fetcher;
    private final ConsumerCoordinator coordinator; // null without a group.id
    private boolean userAssigned;

    public ConsumerEngine(ConsumerConfig config) {
        this.config = config;
        this.network = new NetworkClient(config.client(), "sluice-consumer-io-" + config.client().clientId());
        this.metadata = new Metadata(network, config.allowAutoCreateTopics());
        this.subscriptions = new SubscriptionState(config.autoOffsetReset());
        this.lookup = new OffsetLookup(network, metadata, config.readCommitted());
        this.fetcher = new Fetcher(config, network, metadata, subscriptions, lookup);
        this.coordinator = config.groupId() == null ? null : new ConsumerCoordinator(config, network, metadata,
                subscriptions, () -> {
                    fetcher.retainAssigned();
                    network.wakeup();
                }, fetcher::wakeup);
        network.addTicker(metadata);
        network.addTicker(fetcher);
        network.start();
    }

    public void assign(Collection<TopicPartition> partitions) {
        if (coordinator != null && coordinator.isSubscribed()) {
            throw new IllegalStateException("assign and subscribe cannot be mixed: unsubscribe first");
        }
        userAssigned = !partitions.isEmpty();
        partitions.forEach(tp -> metadata.add(tp.topic()));
        subscriptions.assign(partitions);
        fetcher.retainAssigned();
        network.wakeup();
    }

    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        group("subscribe");
        checkNotAssigned();
        coordinator.subscribe(topics, listener);
    }

    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        group("subscribe");
        checkNotAssigned();
        coordinator.subscribe(pattern, listener);
    }

    private void checkNotAssigned() {
        if (userAssigned) {
            throw new IllegalStateException("subscribe and assign cannot be mixed: assign(List.of()) first");
        }
    }

    /** Leaves the group (revoking through the listener), or drops a manual assignment. */
    public void unsubscribe() {
        if (coordinator != null) {
            coordinator.unsubscribe();
        }
        userAssigned = false;
        subscriptions.assign(List.of());
        fetcher.retainAssigned();
    }

    public Set<String> subscription() {
        return coordinator == null ? Set.of() : coordinator.subscription();
    }

    public Set<TopicPartition> assignment() {
        return subscriptions.assignment();
    }

    public Map<TopicPartition, List<ConsumerRecord>> poll(long timeoutMs) {
        long deadline = network.clockMs() + timeoutMs;
        if (coordinator == null) {
            return fetch(deadline);
        }
        coordinator.pollStarted();
        try {
            while (true) {
                coordinator.poll(deadline);
                Map<TopicPartition, List<ConsumerRecord>> records = fetch(deadline);
                if (!records.isEmpty() || network.clockMs() >= deadline) {
                    return records;
                }
            }
        } finally {
            coordinator.pollEnded();
        }
    }

    private Map<TopicPartition, List<ConsumerRecord>> fetch(long deadline) {
        try {
            return fetcher.poll(deadline, coordinator == null ? () -> false : coordinator::needsAttention);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceClientException("interrupted during poll", e);
        }
    }

    public void seek(TopicPartition tp, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        subscriptions.seek(tp, offset);
        network.wakeup();
    }

    public void seekTo(Collection<TopicPartition> partitions, OffsetResetStrategy strategy) {
        Collection<TopicPartition> targets = partitions.isEmpty() ? subscriptions.assignment() : partitions;
        targets.forEach(tp -> subscriptions.requestReset(tp, strategy));
        network.wakeup();
    }

    /** The next offset poll returns for {@code tp}, waiting for a committed offset or reset to resolve. */
    public long position(TopicPartition tp, long timeoutMs) {
        long deadline = network.clockMs() + timeoutMs;
        if (coordinator != null && subscriptions.isAwaitingCommitted(tp)) {
            coordinator.refreshCommitted(deadline);
        }
        synchronized (subscriptions) {
            while (true) {
                Long position = subscriptions.position(tp);
                if (position != null) {
                    return position;
                }
                if (subscriptions.resetStrategy(tp) == OffsetResetStrategy.NONE && !subscriptions.isAwaitingCommitted(tp)) {
                    throw new NoOffsetForPartitionException(Set.of(tp), "no position");
                }
                long left = deadline - network.clockMs();
                if (left <= 0) {
                    throw new dev.sluice.client.TimeoutException("position of " + tp + " not known in time");
                }
                network.wakeup();
                try {
                    subscriptions.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SluiceClientException("interrupted", e);
                }
            }
        }
    }

    public void pause(Collection<TopicPartition> partitions, boolean paused) {
        subscriptions.pause(partitions, paused);
        network.wakeup();
    }

    public Set<TopicPartition> paused() {
        return subscriptions.paused();
    }

    /** ListOffsets with retries; a null value where no record is at or after the timestamp. */
    public Map<TopicPartition, OffsetAndTimestamp> offsets(Map<TopicPartition, Long> timestamps, long timeoutMs) {
        try {
            Map<TopicPartition, OffsetLookup.Found> found = lookup.lookup(timestamps, network.clockMs() + timeoutMs);
            Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
            found.forEach((tp, f) -> out.put(tp, f.offset() < 0 ? null : new OffsetAndTimestamp(f.offset(), f.timestamp())));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceClientException("interrupted", e);
        }
    }

    // ---- committed offsets (need a group.id)

    /** Commits {@code offsets}, or the position of every assigned partition when null. */
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, long timeoutMs) {
        group("commitSync").commitSync(offsets, network.clockMs() + timeoutMs);
    }

    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        group("commitAsync").commitAsync(offsets, callback);
    }

    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, long timeoutMs) {
        return group("committed").committed(partitions, network.clockMs() + timeoutMs);
    }

    public ConsumerGroupMetadata groupMetadata() {
        return group("groupMetadata").groupMetadata();
    }

    private ConsumerCoordinator group(String operation) {
        if (coordinator == null) {
            throw new SluiceClientException(operation + " needs a group.id in the consumer's configuration");
        }
        return coordinator;
    }

    public long defaultApiTimeoutMs() {
        return config.defaultApiTimeoutMs();
    }

    /** Commits (if auto-committing) and leaves the group, then stops the I/O thread. */
    @Override
    public void close() {
        try {
            if (coordinator != null) {
                coordinator.close(network.clockMs() + Math.min(config.defaultApiTimeoutMs(), 30_000));
            }
        } finally {
            network.close();
        }
    }
}
