package dev.sluice.client.consumer;

import dev.sluice.api.storage.TopicPartition;

import java.util.Collection;

/**
 * Told when a group rebalance takes partitions away from this consumer or hands it new ones.
 * Called on the application thread, inside {@link SluiceConsumer#poll}, {@code unsubscribe} or
 * {@code close}; calling {@link SluiceConsumer#commitSync()} from {@link #onPartitionsRevoked} is
 * the usual way to hand a partition over with nothing lost and nothing read twice.
 *
 * <p>Eager assignors revoke everything before each rebalance and assign everything after it;
 * {@code cooperative-sticky} revokes only the partitions that move to another member.
 */
public interface ConsumerRebalanceListener {
    /** A listener that does nothing. */
    ConsumerRebalanceListener NONE = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    };

    /** These partitions stop being ours; their positions may still be committed now. */
    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    /** These partitions are ours from now on (possibly none, at the end of every rebalance). */
    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    /**
     * These partitions were already given to someone else (our membership expired), so committing
     * them would fail. By default the same as {@link #onPartitionsRevoked}.
     */
    default void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }
}
