package dev.sluice.coordination.zookeeper;

import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.cluster.ControllerLease;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.cluster.WriteOutcome;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.sluice.coordination.zookeeper.ZkCalls.CAS_ATTEMPTS;
import static dev.sluice.coordination.zookeeper.ZkCalls.OPEN;
import static dev.sluice.coordination.zookeeper.ZkCalls.failedOp;

/**
 * Partition states ({@code /brokers/topics/T/partitions/P/state}: leader, epochs, ISR): read by
 * anyone, written only by the controller, each write a multi-op fenced by its lease and
 * conditional on the version read.
 *
 * <p>Threads: any caller thread (the controller writing, brokers reading); no state of its own.
 */
final class PartitionStateZNodes {

    private final ZkCalls zk;
    private final TopicZNodes topics;
    private final ControllerElection election;

    PartitionStateZNodes(ZkCalls zk, TopicZNodes topics, ControllerElection election) {
        this.zk = zk;
        this.topics = topics;
        this.election = election;
    }

    Optional<Versioned<PartitionState>> state(String topic, int partition) {
        Stat stat = new Stat();
        byte[] data = zk.dataOrNull(ZNodes.partitionState(topic, partition), stat);
        return data == null ? Optional.empty() : Optional.of(new Versioned<>(ZNodes.decodeState(data), stat.getVersion()));
    }

    Map<Integer, Versioned<PartitionState>> states(String topic) {
        Map<Integer, Versioned<PartitionState>> states = new TreeMap<>();
        for (String child : zk.childrenOrEmpty(ZNodes.partitions(topic))) {
            int p = Integer.parseInt(child);
            state(topic, p).ifPresent(s -> states.put(p, s));
        }
        return states;
    }

    WriteOutcome create(ControllerLease lease, String topic, Map<Integer, PartitionState> states) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<Versioned<TopicAssignment>> assignment = topics.topic(topic);
            if (assignment.isEmpty()) {
                return election.fenced(lease) ? new WriteOutcome.Fenced(lease) : new WriteOutcome.NotFound("topic " + topic);
            }
            List<Op> ops = new ArrayList<>();
            ops.add(ControllerElection.checkLease(lease));
            // the assignment must still be the one read (partitions exist in it)
            ops.add(Op.check(ZNodes.topic(topic), assignment.get().version()));
            if (!zk.exists(ZNodes.partitions(topic))) {
                ops.add(Op.create(ZNodes.partitions(topic), null, OPEN, CreateMode.PERSISTENT));
            }
            for (Map.Entry<Integer, PartitionState> e : new TreeMap<>(states).entrySet()) {
                int p = e.getKey();
                if (!assignment.get().value().replicas().containsKey(p)) {
                    return new WriteOutcome.NotFound("partition " + topic + "-" + p);
                }
                if (!zk.exists(ZNodes.partition(topic, p))) {
                    ops.add(Op.create(ZNodes.partition(topic, p), null, OPEN, CreateMode.PERSISTENT));
                }
                ops.add(Op.create(ZNodes.partitionState(topic, p), ZNodes.encodeState(e.getValue()), OPEN, CreateMode.PERSISTENT));
            }
            try {
                zk.call("create partition states", h -> h.multi(ops));
                return WriteOutcome.WRITTEN_NEW;
            } catch (KeeperException e) {
                int failed = failedOp(e);
                if (failed == 0) {
                    return new WriteOutcome.Fenced(lease);
                }
                Op op = failed > 0 ? ops.get(failed) : null;
                if (op != null && op.getPath().endsWith("/state") && e.code() == KeeperException.Code.NODEEXISTS) {
                    return new WriteOutcome.AlreadyExists("partition state " + op.getPath());
                }
                // the assignment changed or a parent appeared/vanished meanwhile: read again
            }
        }
        throw new ClusterStoreException("creating partition states of " + topic + " did not settle");
    }

    WriteOutcome update(ControllerLease lease, String topic, int partition, PartitionState state, int expectedVersion) {
        String path = ZNodes.partitionState(topic, partition);
        try {
            List<OpResult> results = zk.call("update partition state", h -> h.multi(List.of(
                    ControllerElection.checkLease(lease), Op.setData(path, ZNodes.encodeState(state), expectedVersion))));
            return new WriteOutcome.Written(((OpResult.SetDataResult) results.get(1)).getStat().getVersion());
        } catch (KeeperException e) {
            return switch (failedOp(e)) {
                case 0 -> new WriteOutcome.Fenced(lease);
                case 1 -> e.code() == KeeperException.Code.NONODE
                        ? new WriteOutcome.NotFound("partition state " + topic + "-" + partition)
                        : new WriteOutcome.VersionConflict(expectedVersion);
                default -> throw new ClusterStoreException("update " + path + ": " + e.getMessage(), e);
            };
        }
    }
}
