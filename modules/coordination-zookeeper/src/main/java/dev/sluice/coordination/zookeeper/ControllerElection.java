package dev.sluice.coordination.zookeeper;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.cluster.ControllerLease;
import dev.sluice.api.cluster.ElectionOutcome;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

import java.util.List;
import java.util.OptionalInt;

import static dev.sluice.coordination.zookeeper.ZkCalls.CAS_ATTEMPTS;
import static dev.sluice.coordination.zookeeper.ZkCalls.OPEN;
import static dev.sluice.coordination.zookeeper.ZkCalls.failedOp;

/**
 * The controller's election and lease, as Kafka fenced them: one multi-op creates the ephemeral
 * {@code /controller} and bumps {@code /controller_epoch} conditionally on the version it read;
 * the lease is that new version, and every later controller write starts with
 * {@link #checkLease} so that a deposed controller's write fails as a whole.
 *
 * <p>Threads: any caller thread (brokers electing, the controller resigning); no state of its own.
 */
final class ControllerElection {

    private final ZkCalls zk;
    private final Time time;

    ControllerElection(ZkCalls zk, Time time) {
        this.zk = zk;
        this.time = time;
    }

    /** The first op of every fenced write: {@code /controller_epoch} is still at the lease's version. */
    static Op checkLease(ControllerLease lease) {
        return Op.check(ZNodes.CONTROLLER_EPOCH, lease.epochVersion());
    }

    OptionalInt controllerId() {
        byte[] data = zk.dataOrNull(ZNodes.CONTROLLER, null);
        return data == null ? OptionalInt.empty() : OptionalInt.of(ZNodes.decodeController(data));
    }

    int controllerEpoch() {
        byte[] data = zk.dataOrNull(ZNodes.CONTROLLER_EPOCH, null);
        return data == null || data.length == 0 ? 0 : ZNodes.decodeControllerEpoch(data);
    }

    /** The version of {@code /controller_epoch}, or -1 if there is none yet. */
    int controllerEpochVersion() {
        Stat stat = new Stat();
        return zk.dataOrNull(ZNodes.CONTROLLER_EPOCH, stat) == null ? -1 : stat.getVersion();
    }

    /** Whether a lease no longer holds: an epoch exists and has moved past the lease's version. */
    boolean fenced(ControllerLease lease) {
        return zk.exists(ZNodes.CONTROLLER_EPOCH) && controllerEpochVersion() != lease.epochVersion();
    }

    ElectionOutcome elect(int brokerId) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Stat epochStat = new Stat();
            byte[] epochData = zk.dataOrNull(ZNodes.CONTROLLER_EPOCH, epochStat);
            if (epochData == null) {
                // the very first election: /controller_epoch starts at 0 (version 0)
                try {
                    zk.call("create " + ZNodes.CONTROLLER_EPOCH, h -> h.create(ZNodes.CONTROLLER_EPOCH,
                            ZNodes.encodeControllerEpoch(0), OPEN, CreateMode.PERSISTENT));
                } catch (KeeperException.NodeExistsException raced) {
                    // another broker created it
                } catch (KeeperException e) {
                    throw new ClusterStoreException("create " + ZNodes.CONTROLLER_EPOCH + ": " + e.getMessage(), e);
                }
                continue;
            }
            int epoch = ZNodes.decodeControllerEpoch(epochData) + 1;
            int expectedVersion = epochStat.getVersion();
            try {
                List<OpResult> results = zk.call("elect", h -> h.multi(List.of(
                        Op.create(ZNodes.CONTROLLER, ZNodes.encodeController(brokerId, time.milliseconds()), OPEN, CreateMode.EPHEMERAL),
                        Op.setData(ZNodes.CONTROLLER_EPOCH, ZNodes.encodeControllerEpoch(epoch), expectedVersion))));
                int newVersion = ((OpResult.SetDataResult) results.get(1)).getStat().getVersion();
                return new ElectionOutcome.Elected(new ControllerLease(brokerId, epoch, newVersion));
            } catch (KeeperException e) {
                if (failedOp(e) == 0 || e.code() == KeeperException.Code.NODEEXISTS) {
                    OptionalInt current = controllerId();
                    if (current.isPresent()) {
                        return new ElectionOutcome.AlreadyElected(current.getAsInt());
                    }
                }
                // the epoch moved (another election won and its controller is already gone): retry
            }
        }
        throw new ClusterStoreException("controller election did not settle");
    }

    void resign(ControllerLease lease) {
        try {
            zk.call("resign", h -> h.multi(List.of(checkLease(lease), Op.delete(ZNodes.CONTROLLER, -1))));
        } catch (KeeperException e) {
            // not the controller any more (fenced) or nothing to delete: nothing to give up
        }
    }
}
