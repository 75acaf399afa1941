package dev.sluice.broker.controller.network;

import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.RegisteredBroker;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.controller.ControlMessage;
import dev.sluice.broker.controller.PartitionLeaderInfo;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Encodes a {@link ControlMessage} as the Kafka 3.9.1 request it stands for, at the newest version
 * (LeaderAndIsr 7, UpdateMetadata 8, StopReplica 4): the broker's control handlers read every
 * version, and only Sluice's controller sends them. Stateless; any thread.
 */
final class ControlRequests {
    private static final UUID NO_TOPIC_ID = new UUID(0, 0);
    /** Kafka's marker of a deleted partition in UpdateMetadata (LeaderAndIsr.LeaderDuringDelete). */
    private static final int LEADER_DURING_DELETE = -2;
    /** LeaderAndIsr v5+ Type: 0 incremental (1 full, a KRaft-migration notion). */
    private static final byte INCREMENTAL = 0;

    private ControlRequests() {
    }

    /** A request ready to write: its API, version and body. */
    record Encoded(ApiKey api, short version, Struct body) {
    }

    static Encoded encode(ControlMessage message) {
        if (message instanceof ControlMessage.LeaderAndIsr m) {
            return leaderAndIsr(m);
        }
        if (message instanceof ControlMessage.UpdateMetadata m) {
            return updateMetadata(m);
        }
        return stopReplica((ControlMessage.StopReplica) message);
    }

    private static Encoded leaderAndIsr(ControlMessage.LeaderAndIsr m) {
        ApiKey api = ApiKey.LEADER_AND_ISR;
        Struct request = api.newRequest().set("ControllerId", m.controllerId()).set("ControllerEpoch", m.controllerEpoch())
                .set("BrokerEpoch", m.brokerEpoch()).set("Type", INCREMENTAL);
        Map<String, Struct> topics = new LinkedHashMap<>();
        for (PartitionLeaderInfo p : m.partitions()) {
            Struct topic = topics.computeIfAbsent(p.partition().topic(), name -> request.addStruct("TopicStates")
                    .set("TopicName", name).set("TopicId", p.topicId()));
            topic.addStruct("PartitionStates").set("PartitionIndex", p.partition().partition())
                    .set("ControllerEpoch", p.controllerEpoch()).set("Leader", p.leader()).set("LeaderEpoch", p.leaderEpoch())
                    .set("Isr", p.isr()).set("PartitionEpoch", p.partitionEpoch()).set("Replicas", p.replicas())
                    .set("AddingReplicas", List.of()).set("RemovingReplicas", List.of());
        }
        return new Encoded(api, api.latestVersion(), request);
    }

    private static Encoded updateMetadata(ControlMessage.UpdateMetadata m) {
        ApiKey api = ApiKey.UPDATE_METADATA;
        Struct request = api.newRequest().set("ControllerId", m.controllerId()).set("ControllerEpoch", m.controllerEpoch())
                .set("BrokerEpoch", m.brokerEpoch());
        Set<Integer> live = new HashSet<>();
        for (RegisteredBroker b : m.liveBrokers()) {
            live.add(b.id());
            Struct node = request.addStruct("LiveBrokers").set("Id", b.id()).set("Rack", b.info().rack().orElse(null));
            for (BrokerEndpoint e : b.info().endpoints()) {
                node.addStruct("Endpoints").set("Port", e.port()).set("Host", e.host()).set("Listener", e.listener())
                        .set("SecurityProtocol", securityProtocolId(e.securityProtocol()));
            }
        }
        Map<String, Struct> topics = new LinkedHashMap<>();
        for (PartitionLeaderInfo p : m.partitions()) {
            Struct topic = topics.computeIfAbsent(p.partition().topic(), name -> request.addStruct("TopicStates")
                    .set("TopicName", name).set("TopicId", p.topicId()));
            List<Integer> offline = p.replicas().stream().filter(r -> !live.contains(r)).toList();
            topic.addStruct("PartitionStates").set("PartitionIndex", p.partition().partition())
                    .set("ControllerEpoch", p.controllerEpoch()).set("Leader", p.leader()).set("LeaderEpoch", p.leaderEpoch())
                    .set("Isr", p.isr()).set("ZkVersion", p.partitionEpoch()).set("Replicas", p.replicas())
                    .set("OfflineReplicas", offline);
        }
        for (TopicPartition tp : m.deleted()) {
            Struct topic = topics.computeIfAbsent(tp.topic(), name -> request.addStruct("TopicStates")
                    .set("TopicName", name).set("TopicId", NO_TOPIC_ID));
            topic.addStruct("PartitionStates").set("PartitionIndex", tp.partition()).set("ControllerEpoch", m.controllerEpoch())
                    .set("Leader", LEADER_DURING_DELETE).set("LeaderEpoch", 0).set("Isr", List.of()).set("ZkVersion", 0)
                    .set("Replicas", List.of()).set("OfflineReplicas", List.of());
        }
        return new Encoded(api, api.latestVersion(), request);
    }

    private static Encoded stopReplica(ControlMessage.StopReplica m) {
        ApiKey api = ApiKey.STOP_REPLICA;
        Struct request = api.newRequest().set("ControllerId", m.controllerId()).set("ControllerEpoch", m.controllerEpoch())
                .set("BrokerEpoch", m.brokerEpoch());
        Map<String, Struct> topics = new LinkedHashMap<>();
        for (TopicPartition tp : m.partitions()) {
            Struct topic = topics.computeIfAbsent(tp.topic(), name -> request.addStruct("TopicStates").set("TopicName", name));
            // Kafka's sentinels: -2 (EpochDuringDelete) for a deletion, else -1: whatever epoch the broker has
            topic.addStruct("PartitionStates").set("PartitionIndex", tp.partition()).set("LeaderEpoch", m.delete() ? -2 : -1)
                    .set("DeletePartition", m.delete());
        }
        return new Encoded(api, api.latestVersion(), request);
    }

    /** Kafka's SecurityProtocol ids. */
    static short securityProtocolId(String name) {
        return switch (name) {
            case "SSL" -> 1;
            case "SASL_PLAINTEXT" -> 2;
            case "SASL_SSL" -> 3;
            default -> 0;
        };
    }
}
