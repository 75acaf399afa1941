package dev.sluice.broker.api;

import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.control.Fenced;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.MetadataUpdate;
import dev.sluice.broker.metadata.PartitionState;
import dev.sluice.broker.replica.LeaderAndIsrPartition;
import dev.sluice.broker.replica.StopReplicaPartition;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The controller's requests to a broker (Kafka 3.9.1's ZooKeeper-mode schemas): LeaderAndIsr,
 * UpdateMetadata, StopReplica, every version. Each is decoded, admitted by the
 * {@link dev.sluice.broker.control.ControlFence} (STALE_CONTROLLER_EPOCH, STALE_BROKER_EPOCH: then
 * nothing changes and every partition carries the error too) and applied through the replica
 * manager or the metadata cache; the answer lists each partition's error.
 *
 * <p>Not advertised in ApiVersions: clients never send them, and leaving them out keeps the
 * ApiVersions answer exactly what kafka-clients 3.x/4.x and librdkafka saw before. The controller
 * is Sluice's own and knows these versions.
 */
final class ControlHandlers {
    private static final UUID ZERO_UUID = new UUID(0, 0);
    private static final short PLAINTEXT = 0;

    private final BrokerState broker;
    private final String listenerName;

    /** @param listenerName the listener whose endpoints clients are given (UpdateMetadata lists several) */
    ControlHandlers(BrokerState broker, String listenerName) {
        this.broker = broker;
        this.listenerName = listenerName;
    }

    void leaderAndIsr(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        List<LeaderAndIsrPartition> states = new ArrayList<>();
        if (version <= 1) {
            for (Struct state : request.getArray("UngroupedPartitionStates")) {
                states.add(leaderAndIsrState(state.getString("TopicName"), ZERO_UUID, state));
            }
        } else {
            for (Struct topic : request.getArray("TopicStates")) {
                UUID id = version >= 5 ? topic.getUuid("TopicId") : ZERO_UUID;
                for (Struct state : topic.getArray("PartitionStates")) {
                    states.add(leaderAndIsrState(topic.getString("TopicName"), id, state));
                }
            }
        }
        Fenced<List<Errors>> outcome = broker.control().apply("LeaderAndIsr from controller " + request.getInt("ControllerId"),
                request.getInt("ControllerEpoch"), version >= 2 ? request.getLong("BrokerEpoch") : -1,
                () -> broker.replicas().becomeLeaderOrFollower(states));
        Errors refused = outcome instanceof Fenced.Refused<List<Errors>> r ? r.error() : Errors.NONE;
        List<Errors> errors = outcome instanceof Fenced.Applied<List<Errors>> a ? a.result()
                : Collections.nCopies(states.size(), refused);

        Struct response = ctx.newResponse().set("ErrorCode", refused.code());
        if (version <= 4) {
            for (int i = 0; i < states.size(); i++) {
                TopicPartition tp = states.get(i).topicPartition();
                response.addStruct("PartitionErrors").set("TopicName", tp.topic()).set("PartitionIndex", tp.partition())
                        .set("ErrorCode", errors.get(i).code());
            }
        } else {
            Map<UUID, Struct> byTopic = new LinkedHashMap<>();
            for (int i = 0; i < states.size(); i++) {
                LeaderAndIsrPartition state = states.get(i);
                Struct topic = byTopic.computeIfAbsent(state.topicId(),
                        id -> response.addStruct("Topics").set("TopicId", id));
                topic.addStruct("PartitionErrors").set("PartitionIndex", state.topicPartition().partition())
                        .set("ErrorCode", errors.get(i).code());
            }
        }
        ctx.respond(response);
    }

    private static LeaderAndIsrPartition leaderAndIsrState(String topic, UUID topicId, Struct state) {
        return new LeaderAndIsrPartition(new TopicPartition(topic, state.getInt("PartitionIndex")), topicId,
                state.getInt("Leader"), state.getInt("LeaderEpoch"), state.<Integer>getList("Isr"),
                state.getInt("PartitionEpoch"), state.<Integer>getList("Replicas"));
    }

    void updateMetadata(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        List<BrokerNode> live = new ArrayList<>();
        for (Struct node : request.getArray("LiveBrokers")) {
            BrokerNode decoded = liveBroker(node, version);
            if (decoded != null) {
                live.add(decoded);
            }
        }
        List<MetadataUpdate.PartitionUpdate> partitions = new ArrayList<>();
        if (version <= 4) {
            for (Struct state : request.getArray("UngroupedPartitionStates")) {
                partitions.add(partitionUpdate(state.getString("TopicName"), ZERO_UUID, state));
            }
        } else {
            for (Struct topic : request.getArray("TopicStates")) {
                UUID id = version >= 7 ? topic.getUuid("TopicId") : ZERO_UUID;
                for (Struct state : topic.getArray("PartitionStates")) {
                    partitions.add(partitionUpdate(topic.getString("TopicName"), id, state));
                }
            }
        }
        int controllerId = request.getInt("ControllerId");
        int controllerEpoch = request.getInt("ControllerEpoch");
        MetadataUpdate update = new MetadataUpdate(controllerId, controllerEpoch, live, partitions);
        Fenced<List<TopicPartition>> outcome = broker.control().apply("UpdateMetadata from controller " + controllerId,
                controllerEpoch, version >= 5 ? request.getLong("BrokerEpoch") : -1,
                () -> broker.metadata().update(update));
        Errors error = outcome instanceof Fenced.Refused<List<TopicPartition>> r ? r.error() : Errors.NONE;
        ctx.respond(ctx.newResponse().set("ErrorCode", error.code()));
    }

    /**
     * A live broker with the address of each of its listeners; its default address is the one of our default
     * listener (else its PLAINTEXT one); null if it has neither.
     */
    private BrokerNode liveBroker(Struct node, short version) {
        int id = node.getInt("Id");
        String rack = version >= 2 ? node.getString("Rack") : null;
        if (version == 0) {
            return new BrokerNode(id, node.getString("V0Host"), node.getInt("V0Port"), null);
        }
        Struct chosen = null;
        Map<String, BrokerNode.Address> listeners = new HashMap<>();
        for (Struct endpoint : node.getArray("Endpoints")) {
            short protocol = endpoint.getShort("SecurityProtocol");
            // before v3 a listener is named after its protocol
            String name = version >= 3 ? endpoint.getString("Listener")
                    : SecurityProtocol.byId(protocol).map(Enum::name).orElse("");
            listeners.putIfAbsent(name, new BrokerNode.Address(endpoint.getString("Host"), endpoint.getInt("Port")));
            if (name.equals(listenerName)) {
                chosen = endpoint;
            } else if (chosen == null && protocol == PLAINTEXT) {
                chosen = endpoint;
            }
        }
        return chosen == null ? null
                : new BrokerNode(id, chosen.getString("Host"), chosen.getInt("Port"), rack, listeners);
    }

    private static MetadataUpdate.PartitionUpdate partitionUpdate(String topic, UUID id, Struct state) {
        return new MetadataUpdate.PartitionUpdate(topic, id, new PartitionState(state.getInt("PartitionIndex"),
                state.getInt("Leader"), state.getInt("LeaderEpoch"), state.<Integer>getList("Replicas"),
                state.<Integer>getList("Isr"), state.<Integer>getList("OfflineReplicas")));
    }

    void stopReplica(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        List<StopReplicaPartition> stops = new ArrayList<>();
        if (version == 0) {
            boolean delete = request.getBool("DeletePartitions");
            for (Struct p : request.getArray("UngroupedPartitions")) {
                stops.add(new StopReplicaPartition(new TopicPartition(p.getString("TopicName"), p.getInt("PartitionIndex")),
                        StopReplicaPartition.NO_EPOCH, delete));
            }
        } else if (version <= 2) {
            boolean delete = request.getBool("DeletePartitions");
            for (Struct topic : request.getArray("Topics")) {
                for (int index : topic.<Integer>getList("PartitionIndexes")) {
                    stops.add(new StopReplicaPartition(new TopicPartition(topic.getString("Name"), index),
                            StopReplicaPartition.NO_EPOCH, delete));
                }
            }
        } else {
            for (Struct topic : request.getArray("TopicStates")) {
                for (Struct p : topic.getArray("PartitionStates")) {
                    stops.add(new StopReplicaPartition(new TopicPartition(topic.getString("TopicName"),
                            p.getInt("PartitionIndex")), p.getInt("LeaderEpoch"), p.getBool("DeletePartition")));
                }
            }
        }
        Fenced<List<Errors>> outcome = broker.control().apply("StopReplica from controller " + request.getInt("ControllerId"),
                request.getInt("ControllerEpoch"), version >= 1 ? request.getLong("BrokerEpoch") : -1,
                () -> broker.replicas().stopReplicas(stops));
        Errors refused = outcome instanceof Fenced.Refused<List<Errors>> r ? r.error() : Errors.NONE;
        List<Errors> errors = outcome instanceof Fenced.Applied<List<Errors>> a ? a.result()
                : Collections.nCopies(stops.size(), refused);
        Struct response = ctx.newResponse().set("ErrorCode", refused.code());
        for (int i = 0; i < stops.size(); i++) {
            TopicPartition tp = stops.get(i).topicPartition();
            response.addStruct("PartitionErrors").set("TopicName", tp.topic()).set("PartitionIndex", tp.partition())
                    .set("ErrorCode", errors.get(i).code());
        }
        ctx.respond(response);
    }
}
