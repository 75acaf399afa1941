package dev.sluice.replication.fetch;

import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.Map;

/** A leader's answer to a {@link FetchRequest}, per partition. */
public record FetchResponse(Map<TopicPartition, PartitionData> partitions) {

    /**
     * @param records        the batches as the leader stored them (possibly ending in a partial batch); never null
     * @param divergingEpoch the leader's (epoch, end offset) where this replica's log diverged, or null
     */
    public record PartitionData(Errors error, long highWatermark, long logStartOffset, ByteBuffer records,
                                EpochEndOffset divergingEpoch) {

        public static PartitionData error(Errors error) {
            return new PartitionData(error, -1, -1, ByteBuffer.allocate(0), null);
        }
    }
}
