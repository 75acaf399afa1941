package dev.sluice.broker.api;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.MetadataSnapshot;
import dev.sluice.broker.metadata.PartitionState;
import dev.sluice.broker.replica.LeaderHint;
import dev.sluice.protocol.message.Struct;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The leaders a Produce (v10+) or Fetch (v16+) response points clients to (KIP-951): the
 * CurrentLeader hint of a partition refused with NOT_LEADER_OR_FOLLOWER (and, for fetch,
 * FENCED_LEADER_EPOCH), and in NodeEndpoints the address of every leader so named, so a client
 * can go there without a Metadata round trip. The hint comes from the partition's role when this
 * broker knows the leader, else from the metadata cache; only live brokers are listed.
 *
 * <p>Threads: one per response, on the thread that completes it.
 */
final class LeaderEndpoints {
    private final MetadataSnapshot snapshot;
    private final int self;
    private final String listenerName;
    private final Map<Integer, BrokerNode> named = new TreeMap<>();

    /** @param listenerName the listener the request came in on: clients are given addresses on it */
    LeaderEndpoints(MetadataSnapshot snapshot, int self, String listenerName) {
        this.snapshot = snapshot;
        this.self = self;
        this.listenerName = listenerName;
    }

    /** The hint for {@code tp}: the partition's own if it names a leader, else the cache's, else null. */
    LeaderHint hint(TopicPartition tp, LeaderHint fromPartition) {
        if (fromPartition != null && fromPartition.leaderId() >= 0) {
            return fromPartition;
        }
        Optional<PartitionState> state = tp == null ? Optional.empty() : snapshot.partition(tp);
        if (state.isPresent() && state.get().hasLeader()) {
            return new LeaderHint(state.get().leader(), state.get().leaderEpoch());
        }
        return fromPartition;
    }

    /**
     * A partition this broker does not host but the cluster says another live broker leads: the
     * client's metadata is stale, and (as Kafka answers a partition it knows but does not host)
     * this is NOT_LEADER_OR_FOLLOWER with that leader, not UNKNOWN_TOPIC_OR_PARTITION. Null if not so.
     */
    LeaderHint ledElsewhere(TopicPartition tp) {
        Optional<PartitionState> state = tp == null ? Optional.empty() : snapshot.partition(tp);
        if (state.isPresent() && state.get().hasLeader() && state.get().leader() != self
                && snapshot.isAlive(state.get().leader())) {
            return new LeaderHint(state.get().leader(), state.get().leaderEpoch());
        }
        return null;
    }

    /** Writes {@code hint} as the partition's CurrentLeader and remembers the leader's endpoint. */
    void setCurrentLeader(Struct partitionOut, LeaderHint hint) {
        partitionOut.set("CurrentLeader", partitionOut.newStruct("CurrentLeader").set("LeaderId", hint.leaderId())
                .set("LeaderEpoch", hint.leaderEpoch()));
        if (hint.leaderId() >= 0) {
            snapshot.liveBroker(hint.leaderId()).ifPresent(node -> named.put(node.id(), node.on(listenerName)));
        }
    }

    /** Adds the NodeEndpoints of every leader named (nothing if none). */
    void writeTo(Struct response) {
        for (BrokerNode node : named.values()) {
            response.addStruct("NodeEndpoints").set("NodeId", node.id()).set("Host", node.host())
                    .set("Port", node.port()).set("Rack", node.rack());
        }
    }
}
