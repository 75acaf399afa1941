package dev.sluice.coordination.zookeeper;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.cluster.ConfigEntity;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

import java.util.List;
import java.util.Map;

import static dev.sluice.coordination.zookeeper.ZkCalls.CAS_ATTEMPTS;
import static dev.sluice.coordination.zookeeper.ZkCalls.OPEN;
import static dev.sluice.coordination.zookeeper.ZkCalls.failedOp;

/**
 * Config overrides of topics and brokers ({@code /config/topics/T}, {@code /config/brokers/N} and
 * {@code /config/brokers/<default>}) and Kafka's change notifications under
 * {@code /config/changes}, written with them and purged after {@link #CHANGE_NOTIFICATION_EXPIRY_MS}.
 *
 * <p>Threads: any caller thread (request handlers altering configs, brokers reading them); no
 * state of its own.
 */
final class ConfigZNodes {

    /** Kafka's {@code ZkNodeChangeNotificationListener} default: notifications live 15 minutes. */
    static final long CHANGE_NOTIFICATION_EXPIRY_MS = 15 * 60 * 1000L;

    private final ZkCalls zk;
    private final Time time;

    ConfigZNodes(ZkCalls zk, Time time) {
        this.zk = zk;
        this.time = time;
    }

    static String path(ConfigEntity entity) {
        return (entity.type() == ConfigEntity.Type.TOPIC ? ZNodes.CONFIG_TOPICS : ZNodes.CONFIG_BROKERS) + "/" + entity.name();
    }

    /** Kafka's entity path of a change notification: {@code topics/T}, {@code brokers/1}, {@code brokers/<default>}. */
    private static String entityPath(ConfigEntity entity) {
        return (entity.type() == ConfigEntity.Type.TOPIC ? "topics/" : "brokers/") + entity.name();
    }

    Map<String, String> config(ConfigEntity entity) {
        return ZNodes.decodeConfig(zk.dataOrNull(path(entity), null));
    }

    /**
     * Writes the overrides and, in the same multi-op, Kafka's change notification
     * {@code /config/changes/config_change_NNNNNNNNNN} (Sluice's brokers watch the config znodes
     * themselves; the notification is for Kafka-era tools). Notifications older than
     * {@link #CHANGE_NOTIFICATION_EXPIRY_MS} are removed on the way, as Kafka's brokers purge them.
     */
    void set(ConfigEntity entity, Map<String, String> overrides) {
        String path = path(entity);
        byte[] data = ZNodes.encodeConfig(overrides);
        Op notification = Op.create(ZNodes.CONFIG_CHANGES + "/" + ZNodes.CONFIG_CHANGE_PREFIX,
                ZNodes.encodeConfigChange(entityPath(entity)), OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            boolean exists = zk.exists(path);
            List<Op> ops = List.of(exists ? Op.setData(path, data, -1) : Op.create(path, data, OPEN, CreateMode.PERSISTENT),
                    notification);
            try {
                List<OpResult> results = zk.call("set config", h -> h.multi(ops));
                String written = ((OpResult.CreateResult) results.get(1)).getPath();
                try {
                    purgeOldChangeNotifications(written.substring(written.lastIndexOf('/') + 1));
                } catch (ClusterStoreException e) {
                    // written; the next change purges
                }
                return;
            } catch (KeeperException e) {
                if (failedOp(e) != 0) {
                    throw new ClusterStoreException("set " + path + ": " + e.getMessage(), e);
                }
                // created or deleted meanwhile: look again
            }
        }
        throw new ClusterStoreException("setting " + path + " did not settle");
    }

    /** Removes notifications older than the expiry, never {@code justWritten}. */
    private void purgeOldChangeNotifications(String justWritten) {
        long oldest = time.milliseconds() - CHANGE_NOTIFICATION_EXPIRY_MS;
        for (String child : zk.childrenOrEmpty(ZNodes.CONFIG_CHANGES)) {
            if (child.equals(justWritten)) {
                continue;
            }
            String path = ZNodes.CONFIG_CHANGES + "/" + child;
            Stat stat = new Stat();
            if (child.startsWith(ZNodes.CONFIG_CHANGE_PREFIX) && zk.dataOrNull(path, stat) != null && stat.getCtime() < oldest) {
                try {
                    zk.call("purge " + path, h -> {
                        h.delete(path, -1);
                        return null;
                    });
                } catch (KeeperException ignored) {
                    // another broker purged it
                }
            }
        }
    }
}
