package dev.sluice.storage.lmdb.offsets;

import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.lmdb.env.Scratch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Layouts of the offset store's three databases. Groups get a small integer id so a group's
 * offsets are one contiguous key range:
 *
 * <pre>
 * groups          groupKey(name)                         -&gt; id:4 name(UTF-8)
 * offsets         [id:4][topicLength:2][topic][partition:4] -&gt; offset:8 leaderEpoch:4 commitTs:8 expireTs:8 metadata(UTF-8)
 * group-metadata  [id:4]                                  -&gt; the coordinator's bytes
 * </pre>
 *
 * LMDB keys are at most 511 bytes and Kafka puts no limit on group names, so a long name's key
 * is its first bytes plus a SHA-256 of all of it; the value always holds the whole name.
 */
final class OffsetTables {
    static final String GROUPS = "groups";
    static final String OFFSETS = "offsets";
    static final String GROUP_METADATA = "group-metadata";
    static final String[] ALL = {GROUPS, OFFSETS, GROUP_METADATA};

    private static final int MAX_PLAIN_NAME = 400;
    private static final int FIXED_OFFSET_BYTES = 8 + 4 + 8 + 8;

    private OffsetTables() {
    }

    static ByteBuffer groupKey(String group) {
        byte[] name = group.getBytes(StandardCharsets.UTF_8);
        ByteBuffer key = Scratch.key();
        if (name.length <= MAX_PLAIN_NAME) {
            return key.put(name).flip();
        }
        return key.put(name, 0, MAX_PLAIN_NAME).put(sha256(name)).flip();
    }

    static int groupIdOf(ByteBuffer groupValue) {
        return groupValue.getInt(0);
    }

    static String groupNameOf(ByteBuffer groupValue) {
        return StandardCharsets.UTF_8.decode(groupValue.duplicate().position(4)).toString();
    }

    static byte[] groupValue(int id, String group) {
        byte[] name = group.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + name.length).putInt(id).put(name).array();
    }

    static ByteBuffer groupPrefix(int id) {
        return Scratch.key().putInt(id).flip();
    }

    static ByteBuffer offsetKey(int id, TopicPartition partition) {
        byte[] topic = partition.topic().getBytes(StandardCharsets.UTF_8);
        return Scratch.key().putInt(id).putShort((short) topic.length).put(topic).putInt(partition.partition()).flip();
    }

    static TopicPartition partitionOf(ByteBuffer offsetKey) {
        int length = offsetKey.getShort(4);
        String topic = StandardCharsets.UTF_8.decode(offsetKey.duplicate().position(6).limit(6 + length)).toString();
        return new TopicPartition(topic, offsetKey.getInt(6 + length));
    }

    static byte[] offsetValue(CommittedOffset offset) {
        byte[] metadata = offset.metadata().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(FIXED_OFFSET_BYTES + metadata.length).putLong(offset.offset()).putInt(offset.leaderEpoch())
                .putLong(offset.commitTimestamp()).putLong(offset.expireTimestamp()).put(metadata).array();
    }

    static CommittedOffset offsetOf(ByteBuffer value) {
        String metadata = StandardCharsets.UTF_8.decode(value.duplicate().position(FIXED_OFFSET_BYTES)).toString();
        return new CommittedOffset(value.getLong(0), value.getInt(8), metadata, value.getLong(12), value.getLong(20));
    }

    static byte[] bytesOf(ByteBuffer value) {
        byte[] out = new byte[value.remaining()];
        value.duplicate().get(out);
        return out;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

}
