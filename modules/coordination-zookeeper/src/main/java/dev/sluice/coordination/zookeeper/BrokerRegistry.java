package dev.sluice.coordination.zookeeper;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.BrokerInfo;
import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.cluster.RegisteredBroker;
import dev.sluice.api.cluster.RegistrationOutcome;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.data.Stat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.sluice.coordination.zookeeper.ZkCalls.CAS_ATTEMPTS;
import static dev.sluice.coordination.zookeeper.ZkCalls.OPEN;

/**
 * Who is in the cluster: the cluster id ({@code /cluster/id}, settled by the first broker) and the
 * live brokers' ephemeral registrations ({@code /brokers/ids/N}, whose czxid is the broker epoch).
 *
 * <p>Threads: any caller thread (a broker starting or re-registering after a new session, the
 * controller listing brokers); no state of its own.
 */
final class BrokerRegistry {

    private final ZkCalls zk;
    private final Time time;

    BrokerRegistry(ZkCalls zk, Time time) {
        this.zk = zk;
        this.time = time;
    }

    String clusterId(String proposed) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            byte[] data = zk.dataOrNull(ZNodes.CLUSTER_ID, null);
            if (data != null) {
                return ZNodes.decodeClusterId(data);
            }
            zk.createRecursively("/cluster");
            try {
                zk.call("create " + ZNodes.CLUSTER_ID, h -> h.create(ZNodes.CLUSTER_ID, ZNodes.encodeClusterId(proposed),
                        OPEN, CreateMode.PERSISTENT));
                return proposed;
            } catch (KeeperException.NodeExistsException raced) {
                // another broker's id won: read it
            } catch (KeeperException e) {
                throw new ClusterStoreException("create " + ZNodes.CLUSTER_ID + ": " + e.getMessage(), e);
            }
        }
        throw new ClusterStoreException("cannot settle the cluster id");
    }

    RegistrationOutcome register(BrokerInfo broker) {
        String path = ZNodes.broker(broker.id());
        byte[] data = ZNodes.encodeBroker(broker, time.milliseconds());
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Stat created = new Stat();
            try {
                zk.call("register broker " + broker.id(), h -> h.create(path, data, OPEN, CreateMode.EPHEMERAL, created));
                return new RegistrationOutcome.Registered(created.getCzxid());
            } catch (KeeperException.NodeExistsException e) {
                Stat existing = new Stat();
                if (zk.dataOrNull(path, existing) == null) {
                    continue; // its session just ended
                }
                if (existing.getEphemeralOwner() != zk.sessionId()) {
                    return new RegistrationOutcome.IdInUse(broker.id());
                }
                // this session's own registration: replace it, which gives a new czxid (epoch)
                try {
                    zk.call("re-register broker " + broker.id(), h -> h.multi(List.of(
                            Op.delete(path, existing.getVersion()),
                            Op.create(path, data, OPEN, CreateMode.EPHEMERAL))));
                } catch (KeeperException raced) {
                    continue;
                }
                Stat now = new Stat();
                if (zk.dataOrNull(path, now) != null && now.getEphemeralOwner() == zk.sessionId()) {
                    return new RegistrationOutcome.Registered(now.getCzxid());
                }
            } catch (KeeperException e) {
                throw new ClusterStoreException("register broker " + broker.id() + ": " + e.getMessage(), e);
            }
        }
        throw new ClusterStoreException("cannot register broker " + broker.id());
    }

    Map<Integer, RegisteredBroker> liveBrokers() {
        Map<Integer, RegisteredBroker> live = new TreeMap<>();
        for (String child : zk.childrenOrEmpty(ZNodes.BROKER_IDS)) {
            int id;
            try {
                id = Integer.parseInt(child);
            } catch (NumberFormatException e) {
                continue; // not a broker registration
            }
            Stat stat = new Stat();
            byte[] data = zk.dataOrNull(ZNodes.broker(id), stat);
            if (data != null) {
                live.put(id, new RegisteredBroker(ZNodes.decodeBroker(id, data), stat.getCzxid()));
            }
        }
        return live;
    }
}
