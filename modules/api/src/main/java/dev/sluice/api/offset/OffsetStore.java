package dev.sluice.api.offset;

import dev.sluice.api.storage.TopicPartition;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /** Removes a group's offsets and metadata (DeleteGroups). */
    void deleteGroup(String group);

    /** Stores the coordinator's opaque serialized state of a group, replacing the previous one. */
    void storeGroupMetadata(String group, byte[] metadata);

    /** The last stored metadata of every group, for the coordinator to rebuild at start-up. */
    Map<String, byte[]> loadGroupMetadata();

    @Override
    void close();
}
