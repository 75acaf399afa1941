package dev.sluice.broker.txn;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.MetadataCache;
import dev.sluice.broker.metadata.MetadataSnapshot;
import dev.sluice.broker.metadata.PartitionState;

import java.util.Optional;
import java.util.function.Predicate;

/** Where a partition's marker goes now: its live leader, nowhere yet, or nowhere ever (deleted). */
public interface MarkerTargets {

    sealed interface Target {
        record Leader(BrokerNode node) implements Target {
        }

        /** No live leader known now: try again later. */
        record Unavailable() implements Target {
        }

        /** The partition no longer exists: its marker is not needed (Kafka skips it too). */
        record Deleted() implements Target {
        }
    }

    Target of(TopicPartition tp);

    /**
     * From the metadata cache; a partition the cache does not know is deleted unless the topic
     * catalogue ({@code exists}) still has it (the cache may lag behind a creation).
     */
    static MarkerTargets of(MetadataCache metadata, Predicate<TopicPartition> exists) {
        return tp -> {
            MetadataSnapshot snapshot = metadata.snapshot();
            Optional<PartitionState> state = snapshot.partition(tp);
            if (state.isEmpty()) {
                return exists.test(tp) ? new Target.Unavailable() : new Target.Deleted();
            }
            if (!state.get().hasLeader()) {
                return new Target.Unavailable();
            }
            return snapshot.liveBroker(state.get().leader()).<Target>map(Target.Leader::new).orElse(new Target.Unavailable());
        };
    }
}
