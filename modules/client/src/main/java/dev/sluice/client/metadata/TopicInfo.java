package dev.sluice.client.metadata;

import java.util.List;
import java.util.UUID;

/** A topic in a metadata snapshot: its id (zero UUID if the broker has none) and partitions by index. */
public record TopicInfo(String name, UUID id, boolean internal, List<PartitionInfo> partitions) {
    public TopicInfo {
        partitions = List.copyOf(partitions);
    }
}
