package dev.sluice.connect.mirror;

import dev.sluice.api.storage.TopicPartition;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The pieces of Kafka's protocol struct layout MirrorMaker 2's internal records use: a STRING is an
 * INT16 byte length and UTF-8 bytes, integers big-endian. Stateless; any thread.
 */
final class KafkaStruct {
    private KafkaStruct() {
    }

    /** [group STRING] topic STRING, partition INT32: the keys of offset syncs (no group) and checkpoints. */
    static byte[] topicPartition(String group, TopicPartition tp) {
        byte[] g = group == null ? null : group.getBytes(StandardCharsets.UTF_8);
        byte[] t = tp.topic().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate((g == null ? 0 : 2 + g.length) + 2 + t.length + 4);
        if (g != null) {
            b.putShort((short) g.length).put(g);
        }
        return b.putShort((short) t.length).put(t).putInt(tp.partition()).array();
    }

    static String string(ByteBuffer in) {
        try {
            int length = in.getShort();
            if (length < 0 || length > in.remaining()) {
                throw new IllegalArgumentException("bad string length " + length);
            }
            byte[] bytes = new byte[length];
            in.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("record too short", e);
        }
    }

    static int int32(ByteBuffer in) {
        if (in.remaining() < 4) {
            throw new IllegalArgumentException("record too short");
        }
        return in.getInt();
    }
}
