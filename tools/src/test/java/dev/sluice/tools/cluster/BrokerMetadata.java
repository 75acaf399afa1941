package dev.sluice.tools.cluster;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one broker answers to Metadata (v12): the live brokers it knows, the controller it names and
 * per partition the leader, leader epoch, replicas and ISR. Kafka-clients hides the leader epoch
 * and asks whichever broker it likes; failure tests need both.
 */
public record BrokerMetadata(Set<Integer> brokers, int controllerId, Map<String, Map<Integer, Partition>> topics) {
    static final short VERSION = 12;

    /** A partition as this broker describes it; {@code error} is the partition's error code (0 = none). */
    public record Partition(short error, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr) {
    }

    static BrokerMetadata fetch(String address, List<String> topics) throws IOException {
        Struct request = ApiKey.METADATA.newRequest().set("AllowAutoTopicCreation", false);
        if (topics.isEmpty()) {
            request.set("Topics", null);
        }
        for (String topic : topics) {
            request.addStruct("Topics").set("Name", topic);
        }
        Struct response = Wire.call(address, ApiKey.METADATA, VERSION, request);
        Set<Integer> brokers = new TreeSet<>();
        for (Struct b : response.getArray("Brokers")) {
            brokers.add(b.getInt("NodeId"));
        }
        Map<String, Map<Integer, Partition>> described = new TreeMap<>();
        for (Struct t : response.getArray("Topics")) {
            Map<Integer, Partition> partitions = new TreeMap<>();
            for (Struct p : t.getArray("Partitions")) {
                partitions.put(p.getInt("PartitionIndex"), new Partition(p.getShort("ErrorCode"), p.getInt("LeaderId"),
                        p.getInt("LeaderEpoch"), p.getList("ReplicaNodes"), p.getList("IsrNodes")));
            }
            described.put(t.getString("Name"), partitions);
        }
        return new BrokerMetadata(brokers, response.getInt("ControllerId"), described);
    }

    /** The partition's description, or null if this broker does not know it. */
    public Partition partition(String topic, int partition) {
        Map<Integer, Partition> t = topics.get(topic);
        return t == null ? null : t.get(partition);
    }

    /** How many partitions of {@code topic} this broker knows with a leader. */
    public long ledPartitions(String topic) {
        Map<Integer, Partition> t = topics.get(topic);
        return t == null ? 0 : t.values().stream().filter(p -> p.leader() >= 0).count();
    }

    /** The leader of {@code topic}-{@code partition}, -1 when none or unknown. */
    public int leader(String topic, int partition) {
        Partition p = partition(topic, partition);
        return p == null ? -1 : p.leader();
    }
}
