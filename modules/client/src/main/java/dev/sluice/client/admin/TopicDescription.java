package dev.sluice.client.admin;

import java.util.List;
import java.util.UUID;

/** A topic: its id and partitions in index order. */
public record TopicDescription(String name, UUID topicId, boolean internal, List<PartitionDescription> partitions) {
}
