package dev.sluice.coordination.zookeeper;

import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.BrokerInfo;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.api.internal.json.JsonWriter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Kafka's ZooKeeper-mode layout: the paths and the JSON of each znode, as Kafka's brokers write
 * them, so operators' tools (zkCli, zoonavigator) show what they know. Stateless; any thread.
 */
final class ZNodes {

    static final String BROKER_IDS = "/brokers/ids";
    static final String TOPICS = "/brokers/topics";
    static final String CONTROLLER = "/controller";
    static final String CONTROLLER_EPOCH = "/controller_epoch";
    static final String CONFIG_TOPICS = "/config/topics";
    static final String CONFIG_BROKERS = "/config/brokers";
    static final String CONFIG_USERS = "/config/users";
    static final String CONFIG_CLIENTS = "/config/clients";
    static final String CONFIG_CHANGES = "/config/changes";
    /** Prefix of Kafka's sequential change notifications under {@link #CONFIG_CHANGES}. */
    static final String CONFIG_CHANGE_PREFIX = "config_change_";
    static final String DELETE_TOPICS = "/admin/delete_topics";
    static final String PRODUCER_ID_BLOCK = "/latest_producer_id_block";
    static final String CLUSTER_ID = "/cluster/id";

    /** Created at start-up if missing (Kafka's persistent paths). */
    static final List<String> PERSISTENT_PATHS = List.of(BROKER_IDS, TOPICS, "/brokers/seqid", CONFIG_CHANGES,
            CONFIG_TOPICS, CONFIG_BROKERS, CONFIG_USERS, CONFIG_CLIENTS, DELETE_TOPICS, PRODUCER_ID_BLOCK,
            AclZNodes.LITERAL_ROOT, AclZNodes.PREFIXED_ROOT, AclZNodes.LITERAL_CHANGES, AclZNodes.EXTENDED_CHANGES);

    private ZNodes() {
    }

    static String broker(int id) {
        return BROKER_IDS + "/" + id;
    }

    static String topic(String name) {
        return TOPICS + "/" + name;
    }

    static String partitions(String topic) {
        return topic(topic) + "/partitions";
    }

    static String partition(String topic, int partition) {
        return partitions(topic) + "/" + partition;
    }

    static String partitionState(String topic, int partition) {
        return partition(topic, partition) + "/state";
    }

    static String deleteRequest(String topic) {
        return DELETE_TOPICS + "/" + topic;
    }

    // ---- /brokers/ids/N (version 5: endpoints, listener map, rack, features)

    static byte[] encodeBroker(BrokerInfo broker, long timestampMs) {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> protocols = new LinkedHashMap<>();
        List<Object> endpoints = new ArrayList<>();
        for (BrokerEndpoint e : broker.endpoints()) {
            endpoints.add(e.uri());
            protocols.put(e.listener(), e.securityProtocol());
        }
        // top-level host/port: the first PLAINTEXT endpoint, for old clients (as Kafka)
        BrokerEndpoint plaintext = broker.endpoints().stream()
                .filter(e -> e.securityProtocol().equals("PLAINTEXT")).findFirst().orElse(null);
        json.put("features", Map.of());
        json.put("listener_security_protocol_map", protocols);
        json.put("endpoints", endpoints);
        json.put("jmx_port", -1L);
        json.put("port", plaintext == null ? -1L : (long) plaintext.port());
        json.put("host", plaintext == null ? null : plaintext.host());
        json.put("version", 5L);
        json.put("timestamp", Long.toString(timestampMs));
        broker.rack().ifPresent(r -> json.put("rack", r));
        return writeJson(json);
    }

    @SuppressWarnings("unchecked")
    static BrokerInfo decodeBroker(int id, byte[] data) {
        Map<String, Object> json = readJson(data);
        Map<String, Object> protocols = (Map<String, Object>) json.getOrDefault("listener_security_protocol_map", Map.of());
        List<BrokerEndpoint> endpoints = new ArrayList<>();
        for (Object uri : (List<Object>) json.get("endpoints")) {
            endpoints.add(parseEndpoint((String) uri, protocols));
        }
        return new BrokerInfo(id, endpoints, Optional.ofNullable((String) json.get("rack")));
    }

    private static BrokerEndpoint parseEndpoint(String uri, Map<String, Object> protocols) {
        int sep = uri.indexOf("://");
        int colon = uri.lastIndexOf(':');
        if (sep < 0 || colon <= sep) {
            throw new IllegalArgumentException("bad endpoint " + uri);
        }
        String listener = uri.substring(0, sep);
        String host = uri.substring(sep + 3, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        Object protocol = protocols.getOrDefault(listener, listener);
        return new BrokerEndpoint(listener, protocol.toString(), host, Integer.parseInt(uri.substring(colon + 1)));
    }

    // ---- /controller and /controller_epoch

    static byte[] encodeController(int brokerId, long timestampMs) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", 1L);
        json.put("brokerid", (long) brokerId);
        json.put("timestamp", Long.toString(timestampMs));
        return writeJson(json);
    }

    static int decodeController(byte[] data) {
        return toInt(readJson(data).get("brokerid"));
    }

    static byte[] encodeControllerEpoch(int epoch) {
        return Integer.toString(epoch).getBytes(StandardCharsets.UTF_8);
    }

    static int decodeControllerEpoch(byte[] data) {
        return Integer.parseInt(new String(data, StandardCharsets.UTF_8).trim());
    }

    // ---- /brokers/topics/T (version 2 with topic_id, as Kafka 2.8+)

    static byte[] encodeTopic(TopicAssignment assignment) {
        Map<String, Object> partitions = new LinkedHashMap<>();
        assignment.replicas().forEach((p, replicas) ->
                partitions.put(p.toString(), replicas.stream().map(Integer::longValue).toList()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("partitions", partitions);
        json.put("topic_id", kafkaUuid(assignment.topicId()));
        json.put("adding_replicas", Map.of());
        json.put("removing_replicas", Map.of());
        json.put("version", 2L);
        return writeJson(json);
    }

    @SuppressWarnings("unchecked")
    static TopicAssignment decodeTopic(String name, byte[] data) {
        Map<String, Object> json = readJson(data);
        Map<Integer, List<Integer>> replicas = new TreeMap<>();
        ((Map<String, Object>) json.get("partitions")).forEach((p, r) ->
                replicas.put(Integer.parseInt(p), ((List<Object>) r).stream().map(ZNodes::toInt).toList()));
        Object id = json.get("topic_id");
        if (id == null) {
            throw new IllegalArgumentException("topic " + name + " has no topic_id (written by a Kafka before 2.8)");
        }
        return new TopicAssignment(name, javaUuid((String) id), replicas);
    }

    /** Kafka's Uuid text: the 16 bytes in URL-safe base64 without padding. */
    static String kafkaUuid(UUID id) {
        ByteBuffer b = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    static UUID javaUuid(String kafka) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getUrlDecoder().decode(kafka));
        return new UUID(b.getLong(), b.getLong());
    }

    // ---- .../partitions/P/state

    static byte[] encodeState(PartitionState state) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("controller_epoch", (long) state.controllerEpoch());
        json.put("leader", (long) state.leader());
        json.put("version", 1L);
        json.put("leader_epoch", (long) state.leaderEpoch());
        json.put("isr", state.isr().stream().map(Integer::longValue).toList());
        return writeJson(json);
    }

    @SuppressWarnings("unchecked")
    static PartitionState decodeState(byte[] data) {
        Map<String, Object> json = readJson(data);
        return new PartitionState(toInt(json.get("leader")), toInt(json.get("leader_epoch")),
                ((List<Object>) json.get("isr")).stream().map(ZNodes::toInt).toList(), toInt(json.get("controller_epoch")));
    }

    // ---- /config/<type>/<name>

    static byte[] encodeConfig(Map<String, String> config) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", 1L);
        json.put("config", new TreeMap<>(config));
        return writeJson(json);
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> decodeConfig(byte[] data) {
        if (data == null || data.length == 0) {
            return Map.of();
        }
        Object config = readJson(data).get("config");
        Map<String, String> out = new TreeMap<>();
        if (config instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).forEach((k, v) -> out.put(k, String.valueOf(v)));
        }
        return out;
    }

    // ---- /config/changes/config_change_NNNNNNNNNN

    /**
     * Kafka's version-2 change notification: {@code {"version":2,"entity_path":"topics/T"}} (or
     * {@code brokers/1}, {@code brokers/<default>}), written with every config change so Kafka-era
     * tools and brokers watching {@code /config/changes} see it.
     */
    static byte[] encodeConfigChange(String entityPath) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", 2L);
        json.put("entity_path", entityPath);
        return writeJson(json);
    }

    // ---- /latest_producer_id_block

    static byte[] encodeProducerIdBlock(int brokerId, long first, long last) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", 1L);
        json.put("broker", (long) brokerId);
        json.put("block_start", Long.toString(first));
        json.put("block_end", Long.toString(last));
        return writeJson(json);
    }

    /** The first id after the last reserved block (0 if none was reserved yet). */
    static long nextProducerId(byte[] data) {
        if (data == null || data.length == 0) {
            return 0;
        }
        return Long.parseLong(readJson(data).get("block_end").toString()) + 1;
    }

    // ---- /cluster/id

    static byte[] encodeClusterId(String id) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", "1");
        json.put("id", id);
        return writeJson(json);
    }

    static String decodeClusterId(byte[] data) {
        return (String) readJson(data).get("id");
    }

    private static int toInt(Object o) {
        return Math.toIntExact(((Number) o).longValue());
    }

    /** A znode's JSON, compact and in the map's key order, as Kafka writes it. */
    static byte[] writeJson(Map<String, Object> json) {
        return JsonWriter.write(json).getBytes(StandardCharsets.UTF_8);
    }

    /** A znode's JSON object; Kafka's znodes hold only integers, so a fraction is refused. */
    static Map<String, Object> readJson(byte[] data) {
        return JsonReader.parseObject(new String(data, StandardCharsets.UTF_8), JsonReader.Option.INTEGERS_ONLY);
    }
}
