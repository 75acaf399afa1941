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
import java.util.function.UnaryOperator;

import static dev.sluice.coordination.zookeeper.ZkCalls.CAS_ATTEMPTS;
import static dev.sluice.coordination.zookeeper.ZkCalls.OPEN;

/**
 * Config overrides of topics and brokers ({@code /config/topics/T}, {@code /config/brokers/N} and
 * {@code /config/brokers/<default>}), client quotas ({@code /config/users/U}, {@code /config/clients/C},
 * {@code /config/users/U/clients/C}) and Kafka's change notifications under
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
        return "/config/" + entityPath(entity);
    }

    /**
     * Kafka's entity path of a change notification: {@code topics/T}, {@code brokers/1},
     * {@code brokers/<default>}, {@code users/U}, {@code clients/C}, {@code users/U/clients/C}.
     */
    private static String entityPath(ConfigEntity entity) {
        String kind = switch (entity.type()) {
            case TOPIC -> "topics/";
            case BROKER -> "brokers/";
            case USER -> "users/";
            case CLIENT -> "clients/";
        };
        return kind + entity.name();
    }

    Map<String, String> config(ConfigEntity entity) {
        return ZNodes.decodeConfig(zk.dataOrNull(path(entity), null));
    }

    /** Every entity of the type with non-empty overrides; USER includes {@code U/clients/C}. */
    Map<ConfigEntity, Map<String, String>> configs(ConfigEntity.Type type) {
        Map<ConfigEntity, Map<String, String>> found = new java.util.HashMap<>();
        String root = path(new ConfigEntity(type, "")).replaceAll("/$", "");
        for (String child : zk.childrenOrEmpty(root)) {
            addIfSet(found, new ConfigEntity(type, child));
            if (type == ConfigEntity.Type.USER) {
                for (String client : zk.childrenOrEmpty(root + "/" + child + "/clients")) {
                    addIfSet(found, new ConfigEntity(type, child + ConfigEntity.USER_CLIENT_SEPARATOR + client));
                }
            }
        }
        return found;
    }

    private void addIfSet(Map<ConfigEntity, Map<String, String>> found, ConfigEntity entity) {
        Map<String, String> overrides = config(entity);
        if (!overrides.isEmpty()) {
            found.put(entity, overrides);
        }
    }

    /**
     * Reads the overrides, applies {@code change} and writes the result conditionally on the version read
     * (created if the znode was missing), with Kafka's change notification
     * {@code /config/changes/config_change_NNNNNNNNNN} in the same multi-op (Sluice's brokers watch the
     * config znodes themselves; the notification is for Kafka-era tools). A write by anyone in between
     * (another key of the same entity, another broker) fails the condition: read and change again, so no
     * writer loses another's change. Notifications older than {@link #CHANGE_NOTIFICATION_EXPIRY_MS} are
     * removed on the way, as Kafka's brokers purge them.
     */
    void update(ConfigEntity entity, UnaryOperator<Map<String, String>> change) {
        String path = path(entity);
        Op notification = Op.create(ZNodes.CONFIG_CHANGES + "/" + ZNodes.CONFIG_CHANGE_PREFIX,
                ZNodes.encodeConfigChange(entityPath(entity)), OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Stat stat = new Stat();
            byte[] stored = zk.dataOrNull(path, stat);
            byte[] data = ZNodes.encodeConfig(change.apply(ZNodes.decodeConfig(stored)));
            List<Op> ops = new java.util.ArrayList<>();
            if (stored == null) {
                missingParents(path).forEach(parent -> ops.add(Op.create(parent, ZNodes.encodeConfig(Map.of()), OPEN,
                        CreateMode.PERSISTENT)));
                ops.add(Op.create(path, data, OPEN, CreateMode.PERSISTENT));
            } else {
                ops.add(Op.setData(path, data, stat.getVersion()));
            }
            ops.add(notification);
            try {
                List<OpResult> results = zk.call("set config", h -> h.multi(ops));
                String written = ((OpResult.CreateResult) results.get(results.size() - 1)).getPath();
                try {
                    purgeOldChangeNotifications(written.substring(written.lastIndexOf('/') + 1));
                } catch (ClusterStoreException e) {
                    // written; the next change purges
                }
                return;
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                     | KeeperException.NoNodeException e) {
                // written, created or deleted meanwhile: read and change again
            } catch (KeeperException e) {
                throw new ClusterStoreException("set " + path + ": " + e.getMessage(), e);
            }
        }
        throw new ClusterStoreException("setting " + path + " did not settle");
    }

    /**
     * The parents of a user-and-client quota znode ({@code /config/users/U}, {@code .../U/clients}) that do
     * not exist yet, outermost first; other config znodes sit in persistent paths made at start-up.
     */
    private List<String> missingParents(String path) {
        List<String> missing = new java.util.ArrayList<>();
        String parent = path.substring(0, path.lastIndexOf('/'));
        while (parent.startsWith(ZNodes.CONFIG_USERS + "/") && !zk.exists(parent)) {
            missing.add(0, parent);
            parent = parent.substring(0, parent.lastIndexOf('/'));
        }
        return missing;
    }

    /** Removes notifications older than the expiry, never {@code justWritten}. */
    private void purgeOldChangeNotifications(String justWritten) {
        zk.purgeOldChildren(ZNodes.CONFIG_CHANGES, ZNodes.CONFIG_CHANGE_PREFIX,
                time.milliseconds() - CHANGE_NOTIFICATION_EXPIRY_MS, justWritten);
    }
}
