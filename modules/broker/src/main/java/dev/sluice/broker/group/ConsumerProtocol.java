package dev.sluice.broker.group;

import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The little the coordinator reads of the consumer protocol (protocol type "consumer"): the
 * topics in a member's subscription, to refuse OffsetDelete of a topic the group consumes.
 * Layout (ConsumerProtocolSubscription, every version): int16 version | int32 n | n × (int16 length | UTF-8 topic) | ...
 */
final class ConsumerProtocol {
    static final String TYPE = "consumer";

    private ConsumerProtocol() {
    }

    /** The subscribed topics, or none if the metadata cannot be read. */
    static Set<String> subscribedTopics(byte[] metadata) {
        Set<String> topics = new HashSet<>();
        try {
            ByteBuffer in = ByteBuffer.wrap(metadata);
            in.getShort();
            int count = in.getInt();
            for (int i = 0; i < count; i++) {
                int length = in.getShort();
                byte[] name = new byte[length];
                in.get(name);
                topics.add(new String(name, StandardCharsets.UTF_8));
            }
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            return Set.of();
        }
        return topics;
    }
}
