package dev.sluice.client.consumer.internals;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.NoOffsetForPartitionException;
import dev.sluice.client.consumer.OffsetResetStrategy;
import dev.sluice.client.metadata.Cluster;
import dev.sluice.client.metadata.Metadata;
import dev.sluice.client.metadata.TopicInfo;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.client.network.Response;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The consumer's I/O-thread side (a {@link NetworkClient.Ticker}) and the buffer poll reads from.
 * It resolves missing positions with ListOffsets ({@code auto.offset.reset}) and keeps one fetch
 * in flight per leader for every fetchable partition that has no buffered data — so the next
 * batch of data is already on its way while the application processes the last one.
 * {@link #poll} hands out buffered records and advances positions.
 */
final class Fetcher implements NetworkClient.Ticker {
    private static final System.Logger LOG = System.getLogger(Fetcher.class.getName());

    private final ConsumerConfig config;
    private final NetworkClient network;
    private final Metadata metadata;
    private final SubscriptionState subscriptions;
    private final OffsetLookup lookup;
    private final CompressionCodecs codecs = CompressionCodecs.installed();
    private final ArrayDeque<CompletedFetch> completed = new ArrayDeque<>(); // guarded by subscriptions
    private final Set<Node> fetching = new HashSet<>();                        // I/O thread only
    private long nextResetAttemptMs;                                           // I/O thread only

    Fetcher(ConsumerConfig config, NetworkClient network, Metadata metadata, SubscriptionState subscriptions,
            OffsetLookup lookup) {
        this.config = config;
        this.network = network;
        this.metadata = metadata;
        this.subscriptions = subscriptions;
        this.lookup = lookup;
    }

    @Override
    public long tick(long now) {
        long next = Long.MAX_VALUE;
        if (now >= nextResetAttemptMs) {
            resetPositions(now);
        } else {
            next = nextResetAttemptMs - now;
        }
        Map<TopicPartition, Long> positions = subscriptions.fetchPositions();
        synchronized (subscriptions) {
            completed.forEach(f -> positions.remove(f.partition)); // buffered data first
        }
        Cluster cluster = metadata.cluster();
        Map<Node, Map<TopicPartition, Long>> byLeader = new LinkedHashMap<>();
        positions.forEach((tp, offset) -> {
            Node leader = cluster.leader(tp.topic(), tp.partition());
            if (leader == null) {
                metadata.add(tp.topic());
                metadata.requestUpdate();
            } else {
                byLeader.computeIfAbsent(leader, n -> new LinkedHashMap<>()).put(tp, offset);
            }
        });
        for (Map.Entry<Node, Map<TopicPartition, Long>> e : byLeader.entrySet()) {
            Node node = e.getKey();
            if (fetching.contains(node)) {
                continue;
            }
            if (!network.ready(node, config.client().maxInFlightPerConnection())) {
                next = Math.min(next, config.client().retryBackoffMs());
                continue;
            }
            fetch(node, e.getValue(), cluster);
        }
        return next;
    }

    private void resetPositions(long now) {
        Map<TopicPartition, OffsetResetStrategy> resets = subscriptions.takeResets();
        resets.values().removeIf(s -> s == OffsetResetStrategy.NONE); // poll reports those
        if (resets.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> timestamps = new LinkedHashMap<>();
        resets.forEach((tp, strategy) -> {
            subscriptions.markResetInFlight(tp);
            metadata.add(tp.topic());
            timestamps.put(tp, strategy == OffsetResetStrategy.EARLIEST ? OffsetLookup.EARLIEST : OffsetLookup.LATEST);
        });
        lookup.attempt(timestamps).whenComplete((found, error) -> {
            for (TopicPartition tp : timestamps.keySet()) {
                OffsetLookup.Found f = found == null ? null : found.get(tp);
                if (f != null && f.offset() >= 0) {
                    subscriptions.resetCompleted(tp, resets.get(tp), f.offset());
                } else {
                    subscriptions.resetFailed(tp);
                    nextResetAttemptMs = network.clockMs() + config.client().retryBackoffMs();
                }
            }
            if (error != null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "offset reset failed: " + error.getMessage());
            }
        });
    }

    private void fetch(Node node, Map<TopicPartition, Long> wanted, Cluster cluster) {
        Map<String, UUID> ids = new HashMap<>();
        for (TopicPartition tp : wanted.keySet()) {
            TopicInfo topic = cluster.topic(tp.topic());
            ids.put(tp.topic(), topic == null ? new UUID(0, 0) : topic.id());
        }
        fetching.add(node);
        network.send(node, ApiKey.FETCH, v -> request(v, wanted, ids),
                        (long) config.client().requestTimeoutMs() + config.fetchMaxWaitMs(), true)
                .whenComplete((response, error) -> {
                    fetching.remove(node);
                    if (error != null) {
                        LOG.log(System.Logger.Level.DEBUG, () -> "fetch from " + node + " failed: " + error.getMessage());
                        metadata.requestUpdate();
                    } else {
                        handle(response, wanted, ids);
                    }
                });
    }

    private Struct request(short version, Map<TopicPartition, Long> wanted, Map<String, UUID> ids) {
        Struct body = ApiKey.FETCH.newRequest()
                .set("MaxWaitMs", config.fetchMaxWaitMs())
                .set("MinBytes", config.fetchMinBytes())
                .set("MaxBytes", config.fetchMaxBytes());
        if (config.readCommitted()) {
            body.set("IsolationLevel", (byte) 1); // Fetch v4+ (the oldest this client speaks)
        }
        Map<String, Struct> topics = new LinkedHashMap<>();
        wanted.forEach((tp, offset) -> {
            Struct topic = topics.computeIfAbsent(tp.topic(), t -> {
                Struct s = body.addStruct("Topics");
                return version >= 13 ? s.set("TopicId", ids.get(t)) : s.set("Topic", t);
            });
            topic.addStruct("Partitions").set("Partition", tp.partition()).set("FetchOffset", offset)
                    .set("PartitionMaxBytes", config.maxPartitionFetchBytes());
        });
        return body;
    }

    private void handle(Response response, Map<TopicPartition, Long> wanted, Map<String, UUID> ids) {
        Map<UUID, String> names = new HashMap<>();
        ids.forEach((name, id) -> names.put(id, name));
        short topLevel = response.body().getShort("ErrorCode");
        if (topLevel != 0) {
            LOG.log(System.Logger.Level.DEBUG, () -> "fetch failed: " + Errors.forCode(topLevel));
            metadata.requestUpdate();
            return;
        }
        synchronized (subscriptions) {
            for (Struct topic : response.body().getArray("Responses")) {
                String name = response.version() >= 13 ? names.get(topic.getUuid("TopicId")) : topic.getString("Topic");
                for (Struct p : topic.getArray("Partitions")) {
                    TopicPartition tp = new TopicPartition(name, p.getInt("PartitionIndex"));
                    Long fetchOffset = wanted.get(tp);
                    if (fetchOffset == null || !subscriptions.isAssigned(tp)
                            || !fetchOffset.equals(subscriptions.position(tp))) {
                        continue; // unasked, unassigned or sought elsewhere meanwhile
                    }
                    partition(tp, fetchOffset, p);
                }
            }
            subscriptions.notifyAll();
        }
    }

    private void partition(TopicPartition tp, long fetchOffset, Struct p) {
        Errors error = Errors.forCode(p.getShort("ErrorCode"));
        switch (error) {
            case NONE -> {
                subscriptions.highWatermark(tp, p.getLong("HighWatermark"));
                ByteBuffer records = p.getRecordsBuffer("Records");
                if (records != null && records.hasRemaining()) {
                    completed.add(new CompletedFetch(tp, fetchOffset, records, codecs,
                            config.readCommitted() ? abortedTransactions(p) : null));
                }
            }
            case OFFSET_OUT_OF_RANGE -> {
                LOG.log(System.Logger.Level.DEBUG, () -> "offset " + fetchOffset + " out of range for " + tp
                        + ", resetting to " + config.autoOffsetReset());
                subscriptions.requestReset(tp, config.autoOffsetReset());
            }
            default -> {
                if (!error.retriable()) {
                    LOG.log(System.Logger.Level.WARNING, () -> "fetch of " + tp + " failed: " + error);
                }
                metadata.requestUpdate();
            }
        }
    }

    private static AbortedTransactions abortedTransactions(Struct partition) {
        List<Struct> entries = partition.getArray("AbortedTransactions");
        List<AbortedTransactions.Aborted> aborted = new ArrayList<>();
        if (entries != null) {
            for (Struct e : entries) {
                aborted.add(new AbortedTransactions.Aborted(e.getLong("ProducerId"), e.getLong("FirstOffset")));
            }
        }
        return new AbortedTransactions(aborted);
    }

    /**
     * Up to max.poll.records buffered records, waiting until {@code deadlineMs} for some, or
     * until {@code stopWaiting} holds (checked whenever {@link #wakeup} is called).
     */
    Map<TopicPartition, List<ConsumerRecord>> poll(long deadlineMs, BooleanSupplier stopWaiting)
            throws InterruptedException {
        synchronized (subscriptions) {
            while (true) {
                checkNoOffset();
                Map<TopicPartition, List<ConsumerRecord>> out = drain(config.maxPollRecords());
                if (!out.isEmpty()) {
                    network.wakeup(); // a partition may be fetchable again: prefetch it now
                    return out;
                }
                long left = deadlineMs - network.clockMs();
                if (left <= 0 || stopWaiting.getAsBoolean()) {
                    return out;
                }
                subscriptions.wait(left);
            }
        }
    }

    private void checkNoOffset() {
        Set<TopicPartition> missing = new HashSet<>();
        for (TopicPartition tp : subscriptions.assignment()) {
            if (subscriptions.position(tp) == null && subscriptions.resetStrategy(tp) == OffsetResetStrategy.NONE
                    && !subscriptions.isAwaitingCommitted(tp)) {
                missing.add(tp);
            }
        }
        if (!missing.isEmpty()) {
            throw new NoOffsetForPartitionException(missing, "no valid position");
        }
    }

    private Map<TopicPartition, List<ConsumerRecord>> drain(int max) {
        Map<TopicPartition, List<ConsumerRecord>> out = new LinkedHashMap<>();
        int count = 0;
        for (Iterator<CompletedFetch> it = completed.iterator(); it.hasNext() && count < max; ) {
            CompletedFetch fetch = it.next();
            TopicPartition tp = fetch.partition;
            Long position = subscriptions.isAssigned(tp) ? subscriptions.position(tp) : null;
            if (position == null || position != fetch.position) {
                it.remove();
                continue;
            }
            if (!subscriptions.isFetchable(tp)) {
                continue; // paused: keep the data for resume
            }
            List<ConsumerRecord> records = fetch.take(max - count);
            subscriptions.advance(tp, position, fetch.position);
            if (!records.isEmpty()) {
                out.computeIfAbsent(tp, k -> new ArrayList<>()).addAll(records);
                count += records.size();
            }
            if (fetch.isDrained()) {
                it.remove();
            }
        }
        return out;
    }

    /** Wakes a poll waiting for records so it re-checks its stop condition. */
    void wakeup() {
        synchronized (subscriptions) {
            subscriptions.notifyAll();
        }
    }

    /** Discards buffered data of partitions no longer assigned. */
    void retainAssigned() {
        synchronized (subscriptions) {
            completed.removeIf(f -> !subscriptions.isAssigned(f.partition));
        }
    }
}
