package dev.sluice.api.offset;

import dev.sluice.api.storage.TopicPartition;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * SPI: durable storage of consumer groups' committed offsets and of their serialized group
 * metadata (members, generation), so both survive restarts and crashes.
 * A commit is durable when {@link #commit} returns.
 */
public interface OffsetStore extends AutoCloseable {

    void commit(String group, Map<TopicPartition, CommittedOffset> offsets);

    Optional<CommittedOffset> fetch(String group, TopicPartition partition);

    /** Every committed offset of {@code group}. */
    Map<TopicPartition, CommittedOffset> fetchAll(String group);

    /** Groups that have offsets or metadata. */
    Set<String> groups();

    /** Removes the given partitions' offsets of a group (OffsetDelete). */
    void delete(String group, Set<TopicPartition> partitions);

    /**
     * Removes every group's offsets of the partitions {@code deleted} accepts (their topic was
     * deleted), durably when it returns: a recreated topic must not inherit them (Kafka's
     * GroupCoordinator.onPartitionsDeleted). Groups keep their metadata and other offsets.
     * The default goes through {@link #fetchAll} and {@link #delete}; a store may do it in one step.
     *
     * @return the number of offsets removed
     */
    default int deletePartitions(Predicate<TopicPartition> deleted) {
        int removed = 0;
        for (String group : groups()) {
            Set<TopicPartition> gone = fetchAll(group).keySet().stream().filter(deleted).collect(Collectors.toSet());
            if (!gone.isEmpty()) {
                delete(group, gone);
                removed += gone.size();
            }
        }
        return removed;
    }

    /** Removes a group's offsets and metadata (DeleteGroups). */
    void deleteGroup(String group);

    /** Stores the coordinator's opaque serialized state of a group, replacing the previous one. */
    void storeGroupMetadata(String group, byte[] metadata);

    /** The last stored metadata of every group, for the coordinator to rebuild at start-up. */
    Map<String, byte[]> loadGroupMetadata();

    @Override
    void close();
}
