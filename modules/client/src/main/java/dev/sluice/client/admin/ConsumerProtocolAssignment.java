package dev.sluice.client.admin;

import dev.sluice.api.storage.TopicPartition;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a member's assignment as Kafka's consumer protocol writes it (the bytes a group leader
 * hands out in SyncGroup): int16 version, then [topic: string, partitions: [int32]], then user
 * data. Every version (0-3) starts with that layout; later fields are not needed here.
 */
final class ConsumerProtocolAssignment {
    private ConsumerProtocolAssignment() {
    }

    /** The partitions, or an empty list for no or undecodable (non-consumer) bytes. */
    static List<TopicPartition> decode(ByteBuffer bytes) {
        if (bytes == null || bytes.remaining() < 2) {
            return List.of();
        }
        ByteBuffer b = bytes.duplicate();
        List<TopicPartition> out = new ArrayList<>();
        try {
            b.getShort(); // version
            int topics = b.getInt();
            for (int t = 0; t < topics; t++) {
                byte[] name = new byte[b.getShort()];
                b.get(name);
                String topic = new String(name, StandardCharsets.UTF_8);
                int partitions = b.getInt();
                for (int p = 0; p < partitions; p++) {
                    out.add(new TopicPartition(topic, b.getInt()));
                }
            }
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            return List.of(); // another protocol type's bytes: nothing we can show
        }
        return out;
    }
}
