package dev.sluice.replication;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.replica.ReplicaFetching;
import dev.sluice.broker.replica.ReplicaFetchingProvider;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.client.config.ClientSecurity;
import dev.sluice.client.network.Node;
import dev.sluice.replication.fetch.FetcherThread;
import dev.sluice.replication.fetch.ReplicaFetcher;
import dev.sluice.replication.network.NetworkLeaderEndpoint;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The broker's replica fetchers (Kafka's ReplicaFetcherManager): {@code num.replica.fetchers}
 * fetchers per source broker, each partition to fetcher {@code abs(31 * hash(topic) + partition) %
 * num.replica.fetchers} of its leader, as Kafka assigns them. A fetcher thread starts with its first
 * partition and stops when its last one leaves.
 *
 * <p>Threads: request handlers applying LeaderAndIsr / StopReplica (one control request at a
 * time) and shutdown; every method is synchronized.
 */
final class ReplicaFetcherManager implements ReplicaFetching {
    private static final System.Logger LOG = System.getLogger(ReplicaFetcherManager.class.getName());
    private static final UUID ZERO_UUID = new UUID(0, 0);

    private final ReplicaFetchingProvider.Context context;
    /** How every fetcher's connection is secured: the inter-broker listener's TLS and SASL login. */
    private final ClientSecurity security;
    private final Map<FetcherId, FetcherThread> fetchers = new HashMap<>();
    private final Map<TopicPartition, FetcherId> assigned = new HashMap<>();
    private boolean closed;

    /** One fetcher: its source broker and index among that broker's fetchers. */
    record FetcherId(int sourceBroker, int index) {
    }

    ReplicaFetcherManager(ReplicaFetchingProvider.Context context) {
        this.context = context;
        this.security = ClientSecurity.of(context.interBrokerTls(), context.interBrokerSasl());
    }

    @Override
    public synchronized void follow(Partition partition, int leaderId, int leaderEpoch) {
        if (closed) {
            return;
        }
        TopicPartition tp = partition.topicPartition();
        removeFromFetcher(tp);
        FetcherId id = new FetcherId(leaderId, fetcherIndex(tp, context.settings().numFetchers()));
        FetcherThread fetcher = fetchers.computeIfAbsent(id, this::startFetcher);
        UUID topicId = context.partitions().topics().get(tp.topic()).map(TopicMetadata::id).orElse(ZERO_UUID);
        fetcher.fetcher().add(partition, topicId, leaderEpoch);
        assigned.put(tp, id);
        LOG.log(System.Logger.Level.INFO, () -> "broker " + context.brokerId() + " follows " + tp + " from broker "
                + leaderId + " in epoch " + leaderEpoch + " at offset " + partition.logEndOffset());
    }

    @Override
    public synchronized void unfollow(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            removeFromFetcher(tp);
        }
    }

    private void removeFromFetcher(TopicPartition tp) {
        FetcherId id = assigned.remove(tp);
        if (id == null) {
            return;
        }
        FetcherThread fetcher = fetchers.get(id);
        fetcher.fetcher().remove(List.of(tp));
        if (fetcher.fetcher().partitionCount() == 0) {
            fetchers.remove(id);
            fetcher.close();
        }
    }

    /** Kafka's AbstractFetcherManager.getFetcherId. */
    static int fetcherIndex(TopicPartition tp, int numFetchers) {
        return ((31 * tp.topic().hashCode() + tp.partition()) & 0x7fffffff) % numFetchers;
    }

    private FetcherThread startFetcher(FetcherId id) {
        String name = "sluice-replica-fetcher-" + context.brokerId() + "-from-" + id.sourceBroker() + "-" + id.index();
        NetworkLeaderEndpoint leader = new NetworkLeaderEndpoint(name, context.brokerId(), context.brokerEpoch(),
                id.sourceBroker(), this::endpoint, context.settings(), context.time(), security);
        FetcherThread thread = new FetcherThread(name, new ReplicaFetcher(name, leader, context.settings(),
                context.time(), context.partitions()::storageFailed, context.partitions().replicaEvents()));
        thread.start();
        return thread;
    }

    /** Where a broker is reached now, from the metadata cache (the controller's UpdateMetadata). */
    private Optional<Node> endpoint(int brokerId) {
        Optional<BrokerNode> node = context.metadata().snapshot().liveBroker(brokerId)
                .map(n -> n.on(context.interBrokerListener()));
        return node.map(n -> new Node(n.id(), n.host(), n.port()));
    }

    /** Partitions per fetcher thread now (tests, diagnostics). */
    synchronized Map<FetcherId, Integer> fetcherSizes() {
        Map<FetcherId, Integer> sizes = new HashMap<>();
        fetchers.forEach((id, f) -> sizes.put(id, f.fetcher().partitionCount()));
        return sizes;
    }

    @Override
    public synchronized void close() {
        closed = true;
        List<FetcherThread> all = new ArrayList<>(fetchers.values());
        fetchers.clear();
        assigned.clear();
        all.forEach(FetcherThread::close);
    }
}
