package dev.sluice.broker.txn;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.api.ApiRouter;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.cluster.ClusterOffsetsTopic;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.controller.ClusterTopicAdmin;
import dev.sluice.broker.group.offset.BrokerTopicEngine;
import dev.sluice.broker.group.offset.SnapshotPolicy;
import dev.sluice.broker.metadata.GroupCoordinatorLookup;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.replica.LeadershipListener;
import dev.sluice.broker.replica.ReplicaManager;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.txn.api.TxnApis;
import dev.sluice.protocol.Errors;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The broker's transaction coordinator, assembled: {@code __transaction_state} through the broker's
 * own partitions, markers over the inter-broker connections, ownership following the topic's
 * leadership (a single node leads every partition: loaded at start-up if the topic exists, else
 * when the first FindCoordinator creates it), and the APIs registered with the router.
 *
 * <p>Threads: built and closed by the broker's start-up/shutdown thread; see {@link TransactionCoordinator}.
 */
public final class Transactions implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Transactions.class.getName());
    /** How long a write to {@code __transaction_state} waits for its in-sync replicas (Kafka: request.timeout.ms). */
    private static final long WRITE_TIMEOUT_MS = 30_000;
    private static final long MARKER_RETRY_BACKOFF_MS = 100;
    private static final int SOCKET_TIMEOUT_MS = 30_000;

    private final TransactionCoordinator coordinator;
    private final MarkerChannel channel;
    private final Scheduler markerRetries;

    private Transactions(TransactionCoordinator coordinator, MarkerChannel channel, Scheduler markerRetries) {
        this.coordinator = coordinator;
        this.channel = channel;
        this.markerRetries = markerRetries;
    }

    /**
     * @param store      the cluster metadata store, null on a single node
     * @param schedulers makes the named timer threads (closed with this)
     */
    public static Transactions start(BrokerConfig config, Path logDir, PartitionManager partitions, ReplicaManager replicas,
                                     BrokerState state, ApiRouter router, ClusterMetadataStore store, Time time,
                                     Function<String, Scheduler> schedulers) {
        int count = config.values().getInt("transaction.state.log.num.partitions");
        int segmentBytes = config.values().getInt("transaction.state.log.segment.bytes");
        // a single node's topic has one replica; a cluster's min.isr never exceeds its replication factor
        short replicationFactor = store == null ? 1 : (short) config.values().getInt("transaction.state.log.replication.factor");
        int minIsr = Math.min(config.values().getInt("transaction.state.log.min.isr"), replicationFactor);
        Map<String, String> topicConfigs = Map.of("cleanup.policy", "compact", "retention.ms", "-1",
                "retention.bytes", "-1", "segment.bytes", Integer.toString(segmentBytes),
                "min.insync.replicas", Integer.toString(minIsr));
        BrokerTopicEngine engine = new BrokerTopicEngine(logDir, partitions, count, topicConfigs);
        SnapshotPolicy snapshots = new SnapshotPolicy(segmentBytes, config.offsetsSnapshotIntervalMs(), 256 * 1024);
        LogConfig logConfig = LogConfig.DEFAULT.withRetentionMs(-1).withRetentionBytes(-1).withSegmentBytes(segmentBytes);
        TxnStateLog log = new TxnStateLog(engine, logConfig, snapshots, (tp, logEnd, done) -> replicas.awaitHighWatermark(
                tp, logEnd, WRITE_TIMEOUT_MS, error -> done.accept(writeError(error))), time);
        TxnSettings settings = new TxnSettings(count, config.values().getInt("transaction.max.timeout.ms"),
                config.values().getInt("transactional.id.expiration.ms"),
                config.values().getInt("transaction.abort.timed.out.transaction.cleanup.interval.ms"),
                config.values().getInt("transaction.remove.expired.transaction.cleanup.interval.ms"), MARKER_RETRY_BACKOFF_MS);
        MarkerChannel channel = new NetworkMarkerChannel(config.nodeId(), SOCKET_TIMEOUT_MS,
                dev.sluice.broker.interbroker.InterBrokerSecurity.from(config));
        Scheduler markerRetries = schedulers.apply("sluice-txn-markers");
        TxnMarkerSender markers = new TxnMarkerSender(channel, MarkerTargets.of(state.metadata(), tp -> exists(partitions, tp)),
                markerRetries, MARKER_RETRY_BACKOFF_MS);
        TransactionCoordinator coordinator = new TransactionCoordinator(settings, log, state.producerIds()::nextId, markers,
                time, schedulers.apply("sluice-txn-loader"), schedulers.apply("sluice-txn-timer"));
        replicas.onLeadershipChange(new LeadershipListener() {
            @Override
            public void becameLeader(TopicPartition tp, int leaderEpoch) {
                if (tp.topic().equals(TxnStateLog.TOPIC)) {
                    coordinator.becameLeader(tp.partition(), partitionCount(partitions, count), leaderEpoch);
                }
            }

            @Override
            public void resigned(TopicPartition tp, int leaderEpoch) {
                if (tp.topic().equals(TxnStateLog.TOPIC)) {
                    coordinator.resigned(tp.partition());
                }
            }
        });
        TxnTopic.Creator creator;
        if (store == null) {
            if (partitions.topics().get(TxnStateLog.TOPIC).isPresent()) {
                leadAll(partitions, engine, logConfig, coordinator, count); // a single node leads every partition
            }
            creator = () -> {
                synchronized (coordinator) {
                    if (partitions.topics().get(TxnStateLog.TOPIC).isEmpty()) {
                        LOG.log(System.Logger.Level.INFO, "creating " + TxnStateLog.TOPIC + " with " + count + " partitions");
                        leadAll(partitions, engine, logConfig, coordinator, count);
                    }
                }
            };
        } else {
            creator = new ClusterOffsetsTopic(store, TxnStateLog.TOPIC, new ClusterTopicAdmin(store, new java.util.Random()),
                    count, replicationFactor, topicConfigs)::createIfMissing;
        }
        TxnApis.register(router, coordinator, state, new TxnTopic(state.metadata(), creator),
                () -> partitions.topics().get(GroupCoordinatorLookup.OFFSETS_TOPIC).map(TopicMetadata::partitions)
                        .orElse(config.offsetsTopicNumPartitions()));
        return new Transactions(coordinator, channel, markerRetries);
    }

    /** Opens (creating the topic if needed) and takes the lead of every partition: a single node. */
    private static void leadAll(PartitionManager partitions, BrokerTopicEngine engine, LogConfig logConfig,
                                TransactionCoordinator coordinator, int configured) {
        engine.open(new TopicPartition(TxnStateLog.TOPIC, 0), logConfig);
        int count = partitionCount(partitions, configured);
        for (int p = 0; p < count; p++) {
            int epoch = partitions.partition(TxnStateLog.TOPIC, p).map(Partition::leaderEpoch).orElse(0);
            coordinator.becameLeader(p, count, epoch);
        }
    }

    private static int partitionCount(PartitionManager partitions, int configured) {
        return partitions.topics().get(TxnStateLog.TOPIC).map(TopicMetadata::partitions).orElse(configured);
    }

    private static boolean exists(PartitionManager partitions, TopicPartition tp) {
        return partitions.topics().get(tp.topic()).map(t -> tp.partition() < t.partitions()).orElse(false);
    }

    /** Kafka's mapping of a transaction log append's error to the coordinator's answer. */
    static Errors writeError(Errors appendError) {
        return switch (appendError) {
            case NONE -> Errors.NONE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            default -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }

    public TransactionCoordinator coordinator() {
        return coordinator;
    }

    @Override
    public void close() {
        coordinator.close();
        markerRetries.close();
        channel.close();
    }
}
