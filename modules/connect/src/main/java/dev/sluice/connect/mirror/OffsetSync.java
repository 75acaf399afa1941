package dev.sluice.connect.mirror;

import dev.sluice.api.storage.TopicPartition;

import java.nio.ByteBuffer;

/**
 * One fact of a flow: source record {@code upstream} of {@code partition} was written to the remote
 * partition at {@code downstream}, and the target acknowledged it. Kept in
 * {@code mm2-offset-syncs.<target>.internal} on the source cluster in MirrorMaker 2's binary layout
 * (key: topic as an INT16-length string, partition INT32; value: upstream INT64, downstream INT64), so
 * the checkpoints can translate group offsets after a restart. Immutable.
 */
record OffsetSync(TopicPartition partition, long upstream, long downstream) {

    byte[] key() {
        return KafkaStruct.topicPartition(null, partition);
    }

    byte[] value() {
        return ByteBuffer.allocate(16).putLong(upstream).putLong(downstream).array();
    }

    /**
     * Reads a record written by {@link #key}/{@link #value}.
     *
     * @throws IllegalArgumentException when the bytes are not an offset sync
     */
    static OffsetSync decode(byte[] key, byte[] value) {
        if (key == null || value == null || value.length < 16) {
            throw new IllegalArgumentException("not an offset sync");
        }
        ByteBuffer k = ByteBuffer.wrap(key);
        String topic = KafkaStruct.string(k);
        int partition = KafkaStruct.int32(k);
        ByteBuffer v = ByteBuffer.wrap(value);
        return new OffsetSync(new TopicPartition(topic, partition), v.getLong(), v.getLong());
    }
}
