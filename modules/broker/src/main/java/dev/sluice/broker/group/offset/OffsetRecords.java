package dev.sluice.broker.group.offset;

import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.storage.TopicPartition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How the log-backed offset store lays out its records in {@code __consumer_offsets}. Keys say
 * what a record is about, so the latest record per key is the state (a null value deletes):
 * <pre>
 * offset key:   int16 1 | group | topic | int32 partition
 * group key:    int16 2 | group
 * pending key:  int16 3 | group | int64 producerId | topic | int32 partition   (an offset of an open transaction;
 *               its value is an offset value; it counts once that producer's COMMIT marker follows in the log)
 * offset value: int8 0 (version) | int64 offset | int32 leaderEpoch | metadata | int64 commitTimestamp | int64 expireTimestamp
 * group value:  the coordinator's opaque bytes
 * </pre>
 * Strings are int16 length + UTF-8, as on the Kafka wire (so anything a request carried fits).
 */
final class OffsetRecords {
    static final short OFFSET_KEY = 1;
    static final short GROUP_KEY = 2;
    static final short PENDING_KEY = 3;
    private static final byte OFFSET_VALUE_VERSION = 0;

    private OffsetRecords() {
    }

    /** A decoded key: an offset key has a partition, a group key does not; a pending key has a producer id too. */
    record Key(String group, TopicPartition partition, long producerId) {
        Key(String group, TopicPartition partition) {
            this(group, partition, -1L);
        }

        boolean isOffset() {
            return partition != null && producerId < 0;
        }

        boolean isPending() {
            return producerId >= 0;
        }
    }

    static byte[] pendingKey(String group, long producerId, TopicPartition partition) {
        byte[] g = utf8(group);
        byte[] t = utf8(partition.topic());
        ByteBuffer out = ByteBuffer.allocate(2 + 2 + g.length + 8 + 2 + t.length + 4);
        out.putShort(PENDING_KEY);
        putString(out, g);
        out.putLong(producerId);
        putString(out, t);
        out.putInt(partition.partition());
        return out.array();
    }

    static byte[] offsetKey(String group, TopicPartition partition) {
        byte[] g = utf8(group);
        byte[] t = utf8(partition.topic());
        ByteBuffer out = ByteBuffer.allocate(2 + 2 + g.length + 2 + t.length + 4);
        out.putShort(OFFSET_KEY);
        putString(out, g);
        putString(out, t);
        out.putInt(partition.partition());
        return out.array();
    }

    static byte[] groupKey(String group) {
        byte[] g = utf8(group);
        ByteBuffer out = ByteBuffer.allocate(2 + 2 + g.length);
        out.putShort(GROUP_KEY);
        putString(out, g);
        return out.array();
    }

    static byte[] offsetValue(CommittedOffset offset) {
        byte[] metadata = utf8(offset.metadata());
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 4 + 2 + metadata.length + 8 + 8);
        out.put(OFFSET_VALUE_VERSION).putLong(offset.offset()).putInt(offset.leaderEpoch());
        putString(out, metadata);
        out.putLong(offset.commitTimestamp()).putLong(offset.expireTimestamp());
        return out.array();
    }

    static Key readKey(ByteBuffer key) {
        short type = key.getShort();
        String group = getString(key);
        return switch (type) {
            case OFFSET_KEY -> new Key(group, new TopicPartition(getString(key), key.getInt()));
            case GROUP_KEY -> new Key(group, null);
            case PENDING_KEY -> {
                long producerId = key.getLong();
                yield new Key(group, new TopicPartition(getString(key), key.getInt()), producerId);
            }
            default -> throw new IllegalArgumentException("unknown offsets record key type " + type);
        };
    }

    static CommittedOffset readOffsetValue(ByteBuffer value) {
        byte version = value.get();
        if (version != OFFSET_VALUE_VERSION) {
            throw new IllegalArgumentException("unknown offset value version " + version);
        }
        long offset = value.getLong();
        int leaderEpoch = value.getInt();
        String metadata = getString(value);
        return new CommittedOffset(offset, leaderEpoch, metadata, value.getLong(), value.getLong());
    }

    static byte[] utf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes is longer than 32767");
        }
        return bytes;
    }

    private static void putString(ByteBuffer out, byte[] bytes) {
        out.putShort((short) bytes.length).put(bytes);
    }

    private static String getString(ByteBuffer in) {
        int length = in.getShort();
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
