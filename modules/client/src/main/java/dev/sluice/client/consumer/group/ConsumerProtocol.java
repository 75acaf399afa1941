package dev.sluice.client.consumer.group;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.consumer.assignor.MemberSubscription;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payloads of protocol type "consumer" that ride in JoinGroup and SyncGroup, byte for byte as
 * kafka-clients writes them (non-flexible encoding, int16 version prefix):
 * <pre>
 * ConsumerProtocolSubscription v0: Topics []string, UserData nullable bytes
 *                              v1: + OwnedPartitions [](Topic string, Partitions []int32)
 *                              v2: + GenerationId int32      v3: + RackId nullable string
 * ConsumerProtocolAssignment   v0..3: AssignedPartitions [](Topic, Partitions []int32), UserData nullable bytes
 * </pre>
 * We write version 3 of both. A newer version is read as version 3 (new fields are appended), as
 * kafka-clients does.
 */
public final class ConsumerProtocol {
    static final String TYPE = "consumer";
    static final short VERSION = 3;

    private ConsumerProtocol() {
    }

    /** What a member's subscription says; the member id is added by the reader. */
    record Subscription(List<String> topics, ByteBuffer userData, List<TopicPartition> ownedPartitions,
                        int generationId, String rackId) {
        MemberSubscription forMember(String memberId, String groupInstanceId) {
            return new MemberSubscription(memberId, groupInstanceId, topics, ownedPartitions, generationId, userData);
        }
    }

    static byte[] encodeSubscription(Subscription s) {
        Out out = new Out();
        out.int16(VERSION);
        out.int32(s.topics().size());
        s.topics().forEach(out::string);
        out.nullableBytes(s.userData());
        out.partitions(s.ownedPartitions());
        out.int32(s.generationId());
        out.nullableString(s.rackId());
        return out.toArray();
    }

    static Subscription decodeSubscription(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            short version = in.getShort();
            if (version < 0) {
                throw new SluiceClientException("subscription version " + version);
            }
            List<String> topics = new ArrayList<>();
            for (int i = in.getInt(); i > 0; i--) {
                topics.add(string(in));
            }
            ByteBuffer userData = nullableBytes(in);
            List<TopicPartition> owned = version >= 1 ? partitions(in) : List.of();
            int generation = version >= 2 ? in.getInt() : -1;
            String rack = version >= 3 ? nullableString(in) : null;
            return new Subscription(topics, userData, owned, generation, rack);
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new SluiceClientException("malformed consumer subscription: " + e);
        }
    }

    static byte[] encodeAssignment(List<TopicPartition> partitions) {
        Out out = new Out();
        out.int16(VERSION);
        out.partitions(partitions);
        out.nullableBytes(null);
        return out.toArray();
    }

    /**
     * The assigned partitions; an empty payload (a member the leader left out) is no partitions.
     * Also used by the admin client to show members' assignments.
     */
    public static List<TopicPartition> decodeAssignment(byte[] bytes) {
        if (bytes.length == 0) {
            return List.of();
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            in.getShort();
            return partitions(in);
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new SluiceClientException("malformed consumer assignment: " + e);
        }
    }

    private static List<TopicPartition> partitions(ByteBuffer in) {
        List<TopicPartition> out = new ArrayList<>();
        for (int t = in.getInt(); t > 0; t--) {
            String topic = string(in);
            for (int p = in.getInt(); p > 0; p--) {
                out.add(new TopicPartition(topic, in.getInt()));
            }
        }
        return out;
    }

    private static String string(ByteBuffer in) {
        short length = in.getShort();
        if (length < 0) {
            throw new IllegalArgumentException("null string");
        }
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String nullableString(ByteBuffer in) {
        short length = in.getShort(in.position());
        if (length < 0) {
            in.getShort();
            return null;
        }
        return string(in);
    }

    private static ByteBuffer nullableBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        byte[] b = new byte[length];
        in.get(b);
        return ByteBuffer.wrap(b);
    }

    /** A growable big-endian buffer; payloads are small. */
    private static final class Out {
        private ByteBuffer buffer = ByteBuffer.allocate(128);

        void int16(int v) {
            room(2).putShort((short) v);
        }

        void int32(int v) {
            room(4).putInt(v);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            int16(b.length);
            room(b.length).put(b);
        }

        void nullableString(String s) {
            if (s == null) {
                int16(-1);
            } else {
                string(s);
            }
        }

        void nullableBytes(ByteBuffer b) {
            if (b == null) {
                int32(-1);
                return;
            }
            ByteBuffer copy = b.duplicate();
            int32(copy.remaining());
            room(copy.remaining()).put(copy);
        }

        /** Grouped by topic in first-seen order, as the schema nests them. */
        void partitions(List<TopicPartition> partitions) {
            Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
            partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
            int32(byTopic.size());
            byTopic.forEach((topic, ids) -> {
                string(topic);
                int32(ids.size());
                ids.forEach(this::int32);
            });
        }

        private ByteBuffer room(int bytes) {
            if (buffer.remaining() < bytes) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes));
                buffer = bigger.put(buffer.flip());
            }
            return buffer;
        }

        byte[] toArray() {
            byte[] out = new byte[buffer.position()];
            buffer.flip().get(out);
            return out;
        }
    }
}
