package dev.sluice.coordination.zookeeper;

import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.cluster.ConfigEntity;
import dev.sluice.api.cluster.ControllerLease;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.cluster.WriteOutcome;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.sluice.coordination.zookeeper.ZkCalls.CAS_ATTEMPTS;
import static dev.sluice.coordination.zookeeper.ZkCalls.OPEN;
import static dev.sluice.coordination.zookeeper.ZkCalls.failedOp;

/**
 * Topics: the assignment znodes {@code /brokers/topics/T} (created together with the topic's
 * config overrides), deletion requests under {@code /admin/delete_topics} and the controller's
 * fenced deletion of everything a topic left.
 *
 * <p>Threads: any caller thread (request handlers creating topics, the controller updating and
 * deleting them); no state of its own.
 */
final class TopicZNodes {

    private final ZkCalls zk;

    TopicZNodes(ZkCalls zk) {
        this.zk = zk;
    }

    Set<String> names() {
        return Set.copyOf(zk.childrenOrEmpty(ZNodes.TOPICS));
    }

    Optional<Versioned<TopicAssignment>> topic(String name) {
        Stat stat = new Stat();
        byte[] data = zk.dataOrNull(ZNodes.topic(name), stat);
        return data == null ? Optional.empty() : Optional.of(new Versioned<>(ZNodes.decodeTopic(name, data), stat.getVersion()));
    }

    WriteOutcome create(TopicAssignment assignment, Map<String, String> configs) {
        String path = ZNodes.topic(assignment.name());
        String configPath = ConfigZNodes.path(ConfigEntity.topic(assignment.name()));
        byte[] config = ZNodes.encodeConfig(configs);
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            // the configs and the topic in one multi-op: a broker that sees the topic sees its configs
            Stat stat = new Stat();
            boolean configExists = zk.dataOrNull(configPath, stat) != null; // a leftover of an earlier topic of that name
            List<Op> ops = List.of(configExists ? Op.setData(configPath, config, stat.getVersion())
                            : Op.create(configPath, config, OPEN, CreateMode.PERSISTENT),
                    Op.create(path, ZNodes.encodeTopic(assignment), OPEN, CreateMode.PERSISTENT));
            try {
                zk.call("create topic", h -> h.multi(ops));
                return WriteOutcome.WRITTEN_NEW;
            } catch (KeeperException e) {
                if (failedOp(e) == 1 && e.getResults() != null
                        && ((OpResult.ErrorResult) e.getResults().get(1)).getErr() == KeeperException.Code.NODEEXISTS.intValue()) {
                    return new WriteOutcome.AlreadyExists("topic " + assignment.name());
                }
                if (failedOp(e) != 0) {
                    throw new ClusterStoreException("create topic " + assignment.name() + ": " + e.getMessage(), e);
                }
                // the config znode changed between the read and the write: read again
            }
        }
        throw new ClusterStoreException("creating topic " + assignment.name() + " did not settle");
    }

    WriteOutcome update(TopicAssignment assignment, int expectedVersion) {
        String path = ZNodes.topic(assignment.name());
        try {
            Stat stat = zk.call("update topic", h -> h.setData(path, ZNodes.encodeTopic(assignment), expectedVersion));
            return new WriteOutcome.Written(stat.getVersion());
        } catch (KeeperException.NoNodeException e) {
            return new WriteOutcome.NotFound("topic " + assignment.name());
        } catch (KeeperException.BadVersionException e) {
            return new WriteOutcome.VersionConflict(expectedVersion);
        } catch (KeeperException e) {
            throw new ClusterStoreException("update topic " + assignment.name() + ": " + e.getMessage(), e);
        }
    }

    void requestDeletion(String topic) {
        try {
            zk.call("request deletion", h -> h.create(ZNodes.deleteRequest(topic), null, OPEN, CreateMode.PERSISTENT));
        } catch (KeeperException.NodeExistsException e) {
            // asked before
        } catch (KeeperException e) {
            throw new ClusterStoreException("request deletion of " + topic + ": " + e.getMessage(), e);
        }
    }

    Set<String> deletionRequests() {
        return new HashSet<>(zk.childrenOrEmpty(ZNodes.DELETE_TOPICS));
    }

    /** Removes the topic's partitions, assignment, configs and deletion request in one fenced multi-op. */
    WriteOutcome delete(ControllerLease lease, String topic) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            List<Op> ops = new ArrayList<>();
            ops.add(ControllerElection.checkLease(lease));
            if (zk.exists(ZNodes.topic(topic))) {
                for (String p : zk.childrenOrEmpty(ZNodes.partitions(topic))) {
                    String partition = ZNodes.partitions(topic) + "/" + p;
                    for (String child : zk.childrenOrEmpty(partition)) {
                        ops.add(Op.delete(partition + "/" + child, -1));
                    }
                    ops.add(Op.delete(partition, -1));
                }
                if (zk.exists(ZNodes.partitions(topic))) {
                    ops.add(Op.delete(ZNodes.partitions(topic), -1));
                }
                ops.add(Op.delete(ZNodes.topic(topic), -1));
            }
            String config = ZNodes.CONFIG_TOPICS + "/" + topic;
            if (zk.exists(config)) {
                ops.add(Op.delete(config, -1));
            }
            if (zk.exists(ZNodes.deleteRequest(topic))) {
                ops.add(Op.delete(ZNodes.deleteRequest(topic), -1));
            }
            try {
                zk.call("delete topic", h -> h.multi(ops));
                return ops.size() == 1 ? new WriteOutcome.NotFound("topic " + topic) : WriteOutcome.WRITTEN_NEW;
            } catch (KeeperException e) {
                if (failedOp(e) == 0) {
                    return new WriteOutcome.Fenced(lease);
                }
                // something under the topic changed meanwhile: list again
            }
        }
        throw new ClusterStoreException("deleting topic " + topic + " did not settle");
    }
}
