package dev.sluice.broker.txn;

import dev.sluice.api.storage.TopicPartition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How a transactional id's state is laid out in {@code __transaction_state} (big-endian; strings
 * are int16 length + UTF-8). The key is Kafka's {@code TransactionLogKey} v0; the value keeps
 * Kafka's fields in Kafka's order plus the previous producer id and last epoch (which Kafka keeps
 * as tagged fields) in a fixed layout of Sluice's own:
 * <pre>
 * key:   int16 0 (version) | transactionalId
 * value: int16 0 (version) | int64 producerId | int64 prevProducerId | int16 producerEpoch
 *        | int16 lastProducerEpoch | int32 timeoutMs | int8 state id
 *        | int32 topic count, per topic: topic | int32 count | int32 partition...
 *        | int64 lastUpdateMs | int64 txnStartMs
 * </pre>
 * A null value (a tombstone) removes the id: it expired. Stateless; any thread.
 */
public final class TxnRecords {
    private static final short KEY_VERSION = 0;
    private static final short VALUE_VERSION = 0;

    private TxnRecords() {
    }

    public static byte[] key(String transactionalId) {
        byte[] id = utf8(transactionalId);
        return ByteBuffer.allocate(2 + 2 + id.length).putShort(KEY_VERSION).putShort((short) id.length).put(id).array();
    }

    public static String readKey(ByteBuffer key) {
        short version = key.getShort();
        if (version != KEY_VERSION) {
            throw new IllegalArgumentException("unknown transaction log key version " + version);
        }
        return string(key);
    }

    public static byte[] value(TxnMetadata m) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : m.partitions()) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        int size = 2 + 8 + 8 + 2 + 2 + 4 + 1 + 4 + 8 + 8;
        List<byte[]> names = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
            byte[] name = utf8(e.getKey());
            names.add(name);
            size += 2 + name.length + 4 + 4 * e.getValue().size();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putShort(VALUE_VERSION).putLong(m.producerId()).putLong(m.prevProducerId()).putShort(m.producerEpoch())
                .putShort(m.lastProducerEpoch()).putInt(m.timeoutMs()).put(m.state().id()).putInt(byTopic.size());
        int i = 0;
        for (List<Integer> partitions : byTopic.values()) {
            byte[] name = names.get(i++);
            out.putShort((short) name.length).put(name).putInt(partitions.size());
            partitions.stream().sorted().forEach(out::putInt);
        }
        out.putLong(m.lastUpdateMs()).putLong(m.txnStartMs());
        return out.array();
    }

    public static TxnMetadata readValue(String transactionalId, ByteBuffer value) {
        short version = value.getShort();
        if (version != VALUE_VERSION) {
            throw new IllegalArgumentException("unknown transaction log value version " + version);
        }
        long producerId = value.getLong();
        long prevProducerId = value.getLong();
        short epoch = value.getShort();
        short lastEpoch = value.getShort();
        int timeoutMs = value.getInt();
        TxnState state = TxnState.byId(value.get());
        int topics = value.getInt();
        Set<TopicPartition> partitions = new HashSet<>();
        for (int t = 0; t < topics; t++) {
            String topic = string(value);
            int count = value.getInt();
            for (int p = 0; p < count; p++) {
                partitions.add(new TopicPartition(topic, value.getInt()));
            }
        }
        long lastUpdateMs = value.getLong();
        long txnStartMs = value.getLong();
        return new TxnMetadata(transactionalId, producerId, prevProducerId, epoch, lastEpoch, timeoutMs, state, partitions,
                txnStartMs, lastUpdateMs);
    }

    private static byte[] utf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes is longer than 32767");
        }
        return bytes;
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[in.getShort()];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
