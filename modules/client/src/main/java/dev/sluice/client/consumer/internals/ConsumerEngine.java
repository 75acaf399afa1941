package dev.sluice.client.consumer.internals;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.OffsetAndTimestamp;
import dev.sluice.client.consumer.OffsetResetStrategy;
import dev.sluice.client.metadata.Metadata;
import dev.sluice.client.network.NetworkClient;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Everything behind {@link dev.sluice.client.consumer.SluiceConsumer}; see there for the contract. */
public final class ConsumerEngine implements AutoCloseable {
    private final ConsumerConfig config;
    private final NetworkClient network;
    private final Metadata metadata;
    private final SubscriptionState subscriptions;
    private final OffsetLookup lookup;
    private final Fetcher fetcher;

    public ConsumerEngine(ConsumerConfig config) {
        this.config = config;
        this.network = new NetworkClient(config.client(), "sluice-consumer-io-" + config.client().clientId());
        this.metadata = new Metadata(network, config.allowAutoCreateTopics());
        this.subscriptions = new SubscriptionState(config.autoOffsetReset());
        this.lookup = new OffsetLookup(network, metadata);
        this.fetcher = new Fetcher(config, network, metadata, subscriptions, lookup);
        network.addTicker(metadata);
        network.addTicker(fetcher);
        network.start();
    }

    public void assign(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> metadata.add(tp.topic()));
        subscriptions.assign(partitions);
        fetcher.retainAssigned();
        network.wakeup();
    }

    public Set<TopicPartition> assignment() {
        return subscriptions.assignment();
    }

    public Map<TopicPartition, List<ConsumerRecord>> poll(long timeoutMs) {
        try {
            return fetcher.poll(NetworkClient.nowMs() + timeoutMs);
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

    /** The next offset poll returns for {@code tp}, waiting for a pending reset to resolve. */
    public long position(TopicPartition tp, long timeoutMs) {
        long deadline = NetworkClient.nowMs() + timeoutMs;
        synchronized (subscriptions) {
            while (true) {
                Long position = subscriptions.position(tp);
                if (position != null) {
                    return position;
                }
                if (subscriptions.resetStrategy(tp) == OffsetResetStrategy.NONE) {
                    throw new dev.sluice.client.consumer.NoOffsetForPartitionException(Set.of(tp), "no position");
                }
                long left = deadline - NetworkClient.nowMs();
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
            Map<TopicPartition, OffsetLookup.Found> found = lookup.lookup(timestamps, NetworkClient.nowMs() + timeoutMs);
            Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
            found.forEach((tp, f) -> out.put(tp, f.offset() < 0 ? null : new OffsetAndTimestamp(f.offset(), f.timestamp())));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceClientException("interrupted", e);
        }
    }

    public long defaultApiTimeoutMs() {
        return config.defaultApiTimeoutMs();
    }

    @Override
    public void close() {
        network.close();
    }
}
