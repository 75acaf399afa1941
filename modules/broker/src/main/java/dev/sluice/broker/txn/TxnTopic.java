package dev.sluice.broker.txn;

import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.MetadataCache;
import dev.sluice.broker.metadata.MetadataSnapshot;
import dev.sluice.broker.metadata.PartitionState;
import dev.sluice.broker.metadata.TopicState;

import java.util.Optional;

/**
 * Which broker coordinates a transactional id: the leader of its partition of
 * {@code __transaction_state} ({@link TransactionCoordinator#partitionFor}), from the metadata cache.
 * The topic is created on the first lookup that finds it missing (Kafka's lazy creation of internal
 * topics): by the {@link Creator}, at once on a single node, through the cluster metadata store in a
 * cluster (the controller then elects its leaders). Threads: request handler threads; stateless.
 */
public final class TxnTopic {
    /** Creates {@code __transaction_state} if it does not exist. */
    @FunctionalInterface
    public interface Creator {
        void createIfMissing();
    }

    private final MetadataCache metadata;
    private final Creator creator;

    public TxnTopic(MetadataCache metadata, Creator creator) {
        this.metadata = metadata;
        this.creator = creator;
    }

    /** The live coordinator of {@code transactionalId}, or empty if none is available now (the topic may be created meanwhile). */
    public Optional<BrokerNode> coordinator(String transactionalId) {
        Optional<BrokerNode> found = lookup(transactionalId);
        if (found.isPresent()) {
            return found;
        }
        if (metadata.snapshot().topic(TxnStateLog.TOPIC).isEmpty()) {
            creator.createIfMissing();
            return lookup(transactionalId);
        }
        return Optional.empty();
    }

    private Optional<BrokerNode> lookup(String transactionalId) {
        MetadataSnapshot snapshot = metadata.snapshot();
        Optional<TopicState> topic = snapshot.topic(TxnStateLog.TOPIC);
        if (topic.isEmpty() || topic.get().partitions().isEmpty()) {
            return Optional.empty();
        }
        PartitionState state = topic.get().partition(TransactionCoordinator.partitionFor(transactionalId,
                topic.get().partitions().size()));
        if (state == null || !state.hasLeader()) {
            return Optional.empty();
        }
        return snapshot.liveBroker(state.leader());
    }
}
