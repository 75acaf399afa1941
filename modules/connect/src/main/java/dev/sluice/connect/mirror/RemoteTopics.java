package dev.sluice.connect.mirror;

import dev.sluice.client.admin.ConfigEntry;
import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.admin.TopicDescription;
import dev.sluice.connect.runtime.MissingTopics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds the source topics a flow copies and makes their remote topics on the target: the same partition
 * count and the settings set on the source topic (those {@code config.properties.exclude} does not name,
 * so e.g. {@code message.timestamp.type=LogAppendTime} is not copied and the copies keep the source's
 * timestamps). A remote topic with fewer partitions than its source is grown, and with
 * {@code sync.topic.configs.enabled} its settings follow the source's (changed, set or reset) at each
 * refresh. Used by the flow's thread.
 */
final class RemoteTopics {
    private static final long TIMEOUT_S = 30;
    /** Kafka's config source DYNAMIC_TOPIC_CONFIG: set on the topic itself. */
    private static final byte SET_ON_TOPIC = 1;
    private static final System.Logger LOG = System.getLogger(RemoteTopics.class.getName());

    private final MirrorConfig.Flow flow;
    private final SluiceAdmin source;
    private final SluiceAdmin target;

    RemoteTopics(MirrorConfig.Flow flow, SluiceAdmin source, SluiceAdmin target) {
        this.flow = flow;
        this.source = source;
        this.target = target;
    }

    /**
     * The source topics copied, with their partition counts, each with a remote topic as large.
     *
     * @throws ExecutionException when a cluster refuses a call
     */
    Map<String, Integer> refresh() throws ExecutionException, InterruptedException, TimeoutException {
        List<String> copied = source.listTopics().get(TIMEOUT_S, TimeUnit.SECONDS).stream().filter(flow::copies).toList();
        Map<String, Integer> partitions = new TreeMap<>();
        if (copied.isEmpty()) {
            return partitions;
        }
        source.describeTopics(copied).get(TIMEOUT_S, TimeUnit.SECONDS)
                .forEach((name, d) -> partitions.put(name, d.partitions().size()));
        Set<String> existing = target.listTopics().get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<String, Integer> grow = new HashMap<>();
        List<String> present = partitions.keySet().stream().map(this::remote).filter(existing::contains).toList();
        Map<String, TopicDescription> remotes = present.isEmpty() ? Map.of()
                : target.describeTopics(present).get(TIMEOUT_S, TimeUnit.SECONDS);
        for (Map.Entry<String, Integer> e : partitions.entrySet()) {
            String remote = remote(e.getKey());
            TopicDescription d = remotes.get(remote);
            if (d == null) {
                MissingTopics.create(target, new NewTopic(remote, e.getValue(), flow.replicationFactor(), settings(source, e.getKey())));
                LOG.log(System.Logger.Level.INFO, "flow " + flow.name() + ": created " + remote + " with " + e.getValue() + " partitions");
            } else {
                if (d.partitions().size() < e.getValue()) {
                    grow.put(remote, e.getValue());
                }
                if (flow.syncTopicConfigs()) {
                    syncSettings(e.getKey(), remote);
                }
            }
        }
        if (!grow.isEmpty()) {
            target.createPartitions(grow).get(TIMEOUT_S, TimeUnit.SECONDS);
            LOG.log(System.Logger.Level.INFO, "flow " + flow.name() + ": grew " + grow);
        }
        return partitions;
    }

    String remote(String topic) {
        return flow.policy().remoteTopic(flow.source(), topic);
    }

    /** Sets on {@code remote} the source topic's settings it lacks, and resets those the source does not set. */
    private void syncSettings(String topic, String remote) throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, String> wanted = settings(source, topic);
        Map<String, String> present = settings(target, remote);
        Map<String, String> set = new HashMap<>();
        wanted.forEach((name, value) -> {
            if (!value.equals(present.get(name))) {
                set.put(name, value);
            }
        });
        List<String> reset = present.keySet().stream().filter(name -> !wanted.containsKey(name)).toList();
        if (!set.isEmpty() || !reset.isEmpty()) {
            target.incrementalAlterConfigs(ConfigResource.topic(remote), set, reset).get(TIMEOUT_S, TimeUnit.SECONDS);
            LOG.log(System.Logger.Level.INFO, "flow " + flow.name() + ": " + remote + "'s settings follow " + topic
                    + "'s: set " + set + ", reset " + reset);
        }
    }

    /** The settings set on the topic itself, less the excluded ones. */
    private Map<String, String> settings(SluiceAdmin cluster, String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        ConfigResource resource = ConfigResource.topic(topic);
        Map<String, ConfigEntry> entries = cluster.describeConfigs(List.of(resource)).get(TIMEOUT_S, TimeUnit.SECONDS)
                .getOrDefault(resource, Map.of());
        Map<String, String> out = new HashMap<>();
        for (ConfigEntry e : entries.values()) {
            if (e.source() == SET_ON_TOPIC && e.value() != null && !flow.configExclude().matcher(e.name()).matches()) {
                out.put(e.name(), e.value());
            }
        }
        return out;
    }
}
