package dev.sluice.coordination.zookeeper;

import dev.sluice.api.cluster.ClusterListener;
import dev.sluice.api.cluster.ConfigEntity;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

import java.util.function.Consumer;

/**
 * Turns the persistent recursive watch's node events into {@link ClusterListener} events by path
 * ({@link ZNodes}' layout). Called on ZooKeeper's event thread; only hands events on.
 */
final class ZkEventRouter implements Watcher {

    private final Consumer<Consumer<ClusterListener>> publish;

    ZkEventRouter(Consumer<Consumer<ClusterListener>> publish) {
        this.publish = publish;
    }

    @Override
    public void process(WatchedEvent event) {
        if (event.getType() == Event.EventType.None || event.getPath() == null) {
            return;
        }
        route(event.getPath());
    }

    void route(String path) {
        dev.sluice.api.security.ResourcePattern acl = AclZNodes.patternOf(path);
        if (acl != null) {
            publish.accept(l -> l.aclsChanged(acl));
            return;
        }
        String[] parts = path.substring(1).split("/");
        if (path.equals(ZNodes.CONTROLLER)) {
            publish.accept(ClusterListener::controllerChanged);
        } else if (parts.length == 3 && path.startsWith(ZNodes.BROKER_IDS + "/")) {
            publish.accept(ClusterListener::brokersChanged);
        } else if (parts.length == 3 && path.startsWith(ZNodes.TOPICS + "/")) {
            publish.accept(ClusterListener::topicsChanged);
        } else if (parts.length == 6 && path.startsWith(ZNodes.TOPICS + "/") && parts[3].equals("partitions")
                && parts[5].equals("state")) {
            String topic = parts[2];
            int partition = Integer.parseInt(parts[4]);
            publish.accept(l -> l.partitionStateChanged(topic, partition));
        } else if (parts.length == 3 && path.startsWith(ZNodes.DELETE_TOPICS + "/")) {
            publish.accept(ClusterListener::topicDeletionRequested);
        } else if (parts.length == 3 && path.startsWith(ZNodes.CONFIG_TOPICS + "/")) {
            ConfigEntity entity = ConfigEntity.topic(parts[2]);
            publish.accept(l -> l.configChanged(entity));
        } else if (parts.length == 3 && path.startsWith(ZNodes.CONFIG_BROKERS + "/")) {
            ConfigEntity entity = new ConfigEntity(ConfigEntity.Type.BROKER, parts[2]);
            publish.accept(l -> l.configChanged(entity));
        } else if (parts.length == 3 && path.startsWith(ZNodes.CONFIG_CLIENTS + "/")) {
            ConfigEntity entity = new ConfigEntity(ConfigEntity.Type.CLIENT, parts[2]);
            publish.accept(l -> l.configChanged(entity));
        } else if (parts.length == 3 && path.startsWith(ZNodes.CONFIG_USERS + "/")) {
            ConfigEntity entity = new ConfigEntity(ConfigEntity.Type.USER, parts[2]);
            publish.accept(l -> l.configChanged(entity));
        } else if (parts.length == 5 && path.startsWith(ZNodes.CONFIG_USERS + "/") && parts[3].equals("clients")) {
            ConfigEntity entity = new ConfigEntity(ConfigEntity.Type.USER, parts[2] + ConfigEntity.USER_CLIENT_SEPARATOR + parts[4]);
            publish.accept(l -> l.configChanged(entity));
        }
    }
}
