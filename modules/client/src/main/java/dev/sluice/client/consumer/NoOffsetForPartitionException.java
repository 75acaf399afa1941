package dev.sluice.client.consumer;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.SluiceClientException;

import java.util.Set;

/**
 * A partition needs a position and {@code auto.offset.reset=none} forbids choosing one: no
 * position was set, or the position fell out of the log's range. Seek, then poll again.
 */
public class NoOffsetForPartitionException extends SluiceClientException {
    private final Set<TopicPartition> partitions;

    public NoOffsetForPartitionException(Set<TopicPartition> partitions, String why) {
        super(why + " for " + partitions + " and auto.offset.reset=none");
        this.partitions = Set.copyOf(partitions);
    }

    public Set<TopicPartition> partitions() {
        return partitions;
    }
}
