package dev.sluice.connect.mirror;

import dev.sluice.api.storage.TopicPartition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A consumer group's committed offset translated to the target: the group had consumed {@code upstream}
 * records of the source partition, so on the target it resumes at {@code downstream} of
 * {@code remote} (at or before the first record it had not consumed: it may read a few again, never
 * skips one). Kept in {@code <source>.checkpoints.internal} on the target in MirrorMaker 2's binary
 * layout (key: group, topic, partition; value: version INT16 0, upstream INT64, downstream INT64,
 * metadata string), which MirrorMaker 2's RemoteClusterUtils reads too. Immutable.
 */
record Checkpoint(String group, TopicPartition remote, long upstream, long downstream, String metadata) {
    private static final short VERSION = 0;

    byte[] key() {
        return KafkaStruct.topicPartition(group, remote);
    }

    byte[] value() {
        byte[] meta = metadata.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + 8 + 8 + 2 + meta.length).putShort(VERSION).putLong(upstream).putLong(downstream)
                .putShort((short) meta.length).put(meta).array();
    }

    /**
     * Reads a record written by {@link #key}/{@link #value}.
     *
     * @throws IllegalArgumentException when the bytes are not a version-0 checkpoint
     */
    static Checkpoint decode(byte[] key, byte[] value) {
        if (key == null || value == null) {
            throw new IllegalArgumentException("not a checkpoint");
        }
        ByteBuffer k = ByteBuffer.wrap(key);
        String group = KafkaStruct.string(k);
        String topic = KafkaStruct.string(k);
        int partition = KafkaStruct.int32(k);
        ByteBuffer v = ByteBuffer.wrap(value);
        if (v.remaining() < 20 || v.getShort() != VERSION) {
            throw new IllegalArgumentException("not a version 0 checkpoint");
        }
        long upstream = v.getLong();
        long downstream = v.getLong();
        return new Checkpoint(group, new TopicPartition(topic, partition), upstream, downstream, KafkaStruct.string(v));
    }
}
