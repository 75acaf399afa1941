package dev.sluice.client.metadata;

import dev.sluice.client.network.Node;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An immutable snapshot of the cluster from one Metadata response: brokers, and for each topic
 * asked about its id, partitions and leaders. Topics the broker reported with an error are absent
 * ({@link #topicErrors()} says why).
 */
public final class Cluster {
    private final String clusterId;
    private final int controllerId;
    private final Map<Integer, Node> nodes;
    private final Map<String, TopicInfo> topics;
    private final Map<UUID, String> namesById;
    private final Map<String, Short> topicErrors;

    public Cluster(String clusterId, int controllerId, Map<Integer, Node> nodes, Map<String, TopicInfo> topics,
                   Map<String, Short> topicErrors) {
        this.clusterId = clusterId;
        this.controllerId = controllerId;
        this.nodes = Map.copyOf(nodes);
        this.topics = Map.copyOf(topics);
        this.topicErrors = Map.copyOf(topicErrors);
        Map<UUID, String> ids = new HashMap<>();
        topics.values().forEach(t -> ids.put(t.id(), t.name()));
        this.namesById = ids;
    }

    /** A cluster known only by its bootstrap addresses (negative ids). */
    public static Cluster bootstrap(List<String> servers) {
        Map<Integer, Node> nodes = new HashMap<>();
        for (int i = 0; i < servers.size(); i++) {
            nodes.put(-(i + 1), Node.parse(-(i + 1), servers.get(i)));
        }
        return new Cluster(null, -1, nodes, Map.of(), Map.of());
    }

    /** Parses a Metadata response body (any version). */
    public static Cluster fromResponse(Struct body) {
        Map<Integer, Node> nodes = new HashMap<>();
        for (Struct b : body.getArray("Brokers")) {
            int id = b.getInt("NodeId");
            nodes.put(id, new Node(id, b.getString("Host"), b.getInt("Port")));
        }
        Map<String, TopicInfo> topics = new HashMap<>();
        Map<String, Short> errors = new HashMap<>();
        for (Struct t : body.getArray("Topics")) {
            String name = t.getString("Name");
            short error = t.getShort("ErrorCode");
            if (error != 0 || name == null) {
                if (name != null) {
                    errors.put(name, error);
                }
                continue;
            }
            List<PartitionInfo> partitions = new ArrayList<>();
            for (Struct p : t.getArray("Partitions")) {
                partitions.add(new PartitionInfo(name, p.getInt("PartitionIndex"),
                        p.getShort("ErrorCode") == 0 ? p.getInt("LeaderId") : -1, p.getInt("LeaderEpoch"),
                        p.getList("ReplicaNodes"), p.getList("IsrNodes")));
            }
            partitions.sort(Comparator.comparingInt(PartitionInfo::partition));
            UUID id = t.getUuid("TopicId");
            topics.put(name, new TopicInfo(name, id == null ? new UUID(0, 0) : id, t.getBool("IsInternal"), partitions));
        }
        return new Cluster(body.getString("ClusterId"), body.getInt("ControllerId"), nodes, topics, errors);
    }

    public String clusterId() {
        return clusterId;
    }

    public int controllerId() {
        return controllerId;
    }

    public Map<Integer, Node> nodes() {
        return nodes;
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    public TopicInfo topic(String name) {
        return topics.get(name);
    }

    public Set<String> topicNames() {
        return topics.keySet();
    }

    public Map<String, Short> topicErrors() {
        return topicErrors;
    }

    public String topicName(UUID id) {
        return namesById.get(id);
    }

    /** Partition count, or -1 if the topic is unknown. */
    public int partitionCount(String topic) {
        TopicInfo t = topics.get(topic);
        return t == null ? -1 : t.partitions().size();
    }

    /** The leader's node, or null if unknown or leaderless. */
    public Node leader(String topic, int partition) {
        TopicInfo t = topics.get(topic);
        if (t == null || partition < 0 || partition >= t.partitions().size()) {
            return null;
        }
        PartitionInfo p = t.partitions().get(partition);
        return p.partition() == partition && p.leader() >= 0 ? nodes.get(p.leader()) : null;
    }

    /** Partitions of {@code topic} that have a leader now. */
    public List<Integer> availablePartitions(String topic) {
        TopicInfo t = topics.get(topic);
        if (t == null) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        for (PartitionInfo p : t.partitions()) {
            if (p.leader() >= 0 && nodes.containsKey(p.leader())) {
                out.add(p.partition());
            }
        }
        return out;
    }
}
