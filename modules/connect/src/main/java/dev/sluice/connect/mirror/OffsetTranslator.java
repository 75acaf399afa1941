package dev.sluice.connect.mirror;

import dev.sluice.api.storage.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Translates a consumer group's source offset to the target from the flow's offset syncs (MirrorMaker
 * 2's OffsetSyncStore). A group that committed {@code U} has consumed the records before {@code U}; the
 * newest sync {@code (u, d)} with {@code u <= U} gives {@code d} when {@code u == U}, else {@code d + 1}.
 * That never skips a record: every record after {@code u} was copied after {@code u}'s copy at {@code d}
 * (in order, by the same or a later run of the mirror), so it has a copy past {@code d}; the records
 * between {@code u} and {@code U} are read again. Keeps at most {@link #MAX_SYNCS} syncs a partition
 * (the oldest go; an offset older than all kept is not translated). Used by one checkpoint thread.
 */
final class OffsetTranslator {
    static final int MAX_SYNCS = 1024;

    private final Map<TopicPartition, TreeMap<Long, Long>> syncs = new HashMap<>();

    void add(OffsetSync sync) {
        TreeMap<Long, Long> partition = syncs.computeIfAbsent(sync.partition(), p -> new TreeMap<>());
        // a record copied again by a later run: its later copy is as good, and nearer the records after it
        partition.merge(sync.upstream(), sync.downstream(), Math::max);
        if (partition.size() > MAX_SYNCS) {
            partition.pollFirstEntry();
        }
    }

    /** The target offset to resume {@code partition} at for a group that committed {@code upstream}; empty if unknown. */
    OptionalLong translate(TopicPartition partition, long upstream) {
        TreeMap<Long, Long> known = syncs.get(partition);
        Map.Entry<Long, Long> sync = known == null ? null : known.floorEntry(upstream);
        if (sync == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(sync.getKey() == upstream ? sync.getValue() : sync.getValue() + 1);
    }
}
