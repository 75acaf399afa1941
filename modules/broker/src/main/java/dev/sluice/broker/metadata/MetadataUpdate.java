package dev.sluice.broker.metadata;

import java.util.List;
import java.util.UUID;

/**
 * What an UpdateMetadata request says, decoded: the controller, every live broker (the full set,
 * replacing the previous one) and the partitions whose state changed (a delta; a leader of
 * {@link PartitionState#LEADER_DURING_DELETE} removes the partition).
 */
public record MetadataUpdate(int controllerId, int controllerEpoch, List<BrokerNode> liveBrokers,
                             List<PartitionUpdate> partitions) {
    public MetadataUpdate {
        liveBrokers = List.copyOf(liveBrokers);
        partitions = List.copyOf(partitions);
    }

    /** One partition's new state; {@code topicId} is the zero UUID when the request version has none. */
    public record PartitionUpdate(String topic, UUID topicId, PartitionState state) {
    }
}
