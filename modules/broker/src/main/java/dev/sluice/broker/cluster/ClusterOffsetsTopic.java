package dev.sluice.broker.cluster;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.broker.controller.ClusterTopicAdmin;
import dev.sluice.broker.group.OffsetsTopicCreator;
import dev.sluice.broker.group.offset.LogOffsetStore;

import java.util.Map;

/**
 * Creates {@code __consumer_offsets} in the cluster metadata store on the first FindCoordinator
 * that finds it missing, as ZooKeeper-mode Kafka does ({@code KafkaApis.createInternalTopic}): with
 * {@code offsets.topic.num.partitions} partitions and {@code offsets.topic.replication.factor}
 * replicas placed by {@link ClusterTopicAdmin} over the live brokers, written with its configs in
 * one write, so every broker opening a replica reads them. While fewer brokers are alive than the
 * replication factor the topic is not created and FindCoordinator keeps answering
 * COORDINATOR_NOT_AVAILABLE (Kafka's rule: "internal topic creation will fail until the cluster size
 * meets this replication factor requirement").
 *
 * <p>Threads: request handler threads, concurrently; creation is serialised on this object and a
 * topic created elsewhere meanwhile is simply found.
 */
public final class ClusterOffsetsTopic implements OffsetsTopicCreator {
    private static final System.Logger LOG = System.getLogger(ClusterOffsetsTopic.class.getName());

    private final ClusterMetadataStore store;
    private final String topic;
    private final ClusterTopicAdmin admin;
    private final int partitions;
    private final short replicationFactor;
    private final Map<String, String> configs;
    /** The live broker count last warned about, so a waiting cluster logs once per change, not per request. */
    private int warnedAt = -1;

    public ClusterOffsetsTopic(ClusterMetadataStore store, ClusterTopicAdmin admin, int partitions,
                               short replicationFactor, Map<String, String> configs) {
        this(store, LogOffsetStore.TOPIC, admin, partitions, replicationFactor, configs);
    }

    /** The same for another internal topic ({@code __transaction_state}, by {@code transaction.state.log.*}). */
    public ClusterOffsetsTopic(ClusterMetadataStore store, String topic, ClusterTopicAdmin admin, int partitions,
                               short replicationFactor, Map<String, String> configs) {
        this.store = store;
        this.topic = topic;
        this.admin = admin;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.configs = Map.copyOf(configs);
    }

    @Override
    public synchronized void createIfMissing() {
        try {
            if (store.topic(topic).isPresent()) {
                return; // created: the controller is electing its leaders
            }
            int live = store.liveBrokers().size();
            if (live < replicationFactor) {
                if (warnedAt != live) {
                    warnedAt = live;
                    LOG.log(System.Logger.Level.WARNING, "not creating " + topic + " yet: its replication factor is "
                            + replicationFactor + " but only " + live + " broker(s) are alive; its coordinators are "
                            + "not available until enough brokers are");
                }
                return;
            }
            ClusterTopicAdmin.Outcome outcome = admin.createTopic(topic, partitions, replicationFactor, Map.of(), configs,
                    false);
            if (outcome instanceof ClusterTopicAdmin.Outcome.Done) {
                LOG.log(System.Logger.Level.INFO, "created " + topic + " with " + partitions + " partitions, replication factor "
                        + replicationFactor);
            } else if (outcome instanceof ClusterTopicAdmin.Outcome.Refused refused) {
                LOG.log(System.Logger.Level.DEBUG, () -> "creating " + topic + " refused: " + refused.message());
            }
        } catch (ClusterStoreException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot create " + topic + " in the cluster metadata store: " + e.getMessage());
        }
    }
}
