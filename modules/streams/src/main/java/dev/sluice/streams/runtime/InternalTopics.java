package dev.sluice.streams.runtime;

import dev.sluice.client.ApiException;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.admin.TopicDescription;
import dev.sluice.streams.StreamsException;
import dev.sluice.streams.internals.StoreSpec;
import dev.sluice.streams.internals.Subtopology;
import dev.sluice.streams.internals.TopicRef;
import dev.sluice.streams.internals.TopologyModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Works out every topic's partition count and creates the internal topics before the application
 * joins its group (Kafka Streams' rules): a repartition topic gets the count asked for, else the
 * largest count among the input topics of the sub-topology writing it; a changelog as many
 * partitions as its sub-topology has tasks. Changelogs are compacted (windowed ones also deleted past
 * retention). Existing internal topics must have the expected counts; joined topics must be
 * co-partitioned. Called once, by the stream thread at start-up.
 */
final class InternalTopics {
    private static final System.Logger LOG = System.getLogger(InternalTopics.class.getName());

    private InternalTopics() {
    }

    /** Partition counts of every source topic (resolved names) after creating what is missing. */
    static Map<String, Integer> prepare(SluiceAdmin admin, TopologyModel model, String appId, int replicationFactor) {
        List<String> userTopics = new ArrayList<>();
        model.sourceTopics().stream().filter(t -> !t.internal()).forEach(t -> userTopics.add(t.name()));
        Map<String, Integer> counts = new HashMap<>();
        if (!userTopics.isEmpty()) {
            Set<String> existing = admin.listTopics().join();
            List<String> missing = userTopics.stream().filter(t -> !existing.contains(t)).toList();
            if (!missing.isEmpty()) {
                throw new StreamsException("source topics " + missing + " do not exist; create them first");
            }
            admin.describeTopics(userTopics).join().forEach((name, d) -> counts.put(name, d.partitions().size()));
        }
        // repartition topics: from their writers' inputs, until every count is known
        Map<TopicRef, Integer> repartition = new LinkedHashMap<>(model.repartitionTopics());
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Map.Entry<TopicRef, Integer> e : repartition.entrySet()) {
                String name = e.getKey().resolve(appId);
                if (counts.containsKey(name)) {
                    continue;
                }
                Integer n = e.getValue();
                if (n == null) {
                    for (Subtopology s : model.subtopologies()) {
                        if (model.sinkTopics(s).contains(e.getKey())) {
                            n = maxCount(s, counts, appId);
                        }
                    }
                }
                if (n != null) {
                    counts.put(name, n);
                    progress = true;
                }
            }
        }
        Map<String, NewTopic> wanted = new LinkedHashMap<>();
        for (TopicRef t : repartition.keySet()) {
            String name = t.resolve(appId);
            if (!counts.containsKey(name)) {
                throw new StreamsException("cannot work out the partition count of " + name);
            }
            wanted.put(name, new NewTopic(name, counts.get(name), (short) replicationFactor,
                    Map.of("cleanup.policy", "delete", "retention.ms", "-1")));
        }
        for (Subtopology s : model.subtopologies()) {
            Integer tasks = maxCount(s, counts, appId);
            for (String store : s.stores()) {
                StoreSpec spec = model.store(store);
                if (spec.logged()) {
                    String name = spec.changelog().resolve(appId);
                    wanted.put(name, new NewTopic(name, tasks, (short) replicationFactor, spec.changelogTopicConfigs()));
                }
            }
            for (Set<TopicRef> group : s.copartitioned()) {
                Map<String, Integer> sizes = new LinkedHashMap<>();
                group.forEach(t -> sizes.put(t.resolve(appId), counts.get(t.resolve(appId))));
                if (sizes.values().stream().distinct().count() > 1) {
                    throw new StreamsException("topics " + sizes + " are joined but not co-partitioned: they need the same"
                            + " number of partitions");
                }
            }
        }
        create(admin, wanted);
        return counts;
    }

    /** The task count of a sub-topology: its largest input partition count (null while one is unknown). */
    static Integer maxCount(Subtopology s, Map<String, Integer> counts, String appId) {
        int max = 0;
        for (TopicRef t : s.sourceTopics()) {
            Integer n = counts.get(t.resolve(appId));
            if (n == null) {
                return null;
            }
            max = Math.max(max, n);
        }
        return max;
    }

    private static void create(SluiceAdmin admin, Map<String, NewTopic> wanted) {
        if (wanted.isEmpty()) {
            return;
        }
        Set<String> existing = admin.listTopics().join();
        List<NewTopic> missing = wanted.values().stream().filter(t -> !existing.contains(t.name())).toList();
        if (!missing.isEmpty()) {
            try {
                admin.createTopics(missing).join();
                LOG.log(System.Logger.Level.INFO, () -> "created internal topics " + missing.stream().map(NewTopic::name).toList());
            } catch (CompletionException e) {
                // another instance may have created them first: fine if they now exist as wanted
                if (!(e.getCause() instanceof ApiException a && a.errorName().equals("TOPIC_ALREADY_EXISTS"))) {
                    throw new StreamsException("cannot create internal topics: " + e.getCause(), e.getCause());
                }
            }
        }
        Map<String, TopicDescription> described = admin.describeTopics(wanted.keySet()).join();
        for (NewTopic t : wanted.values()) {
            int actual = described.get(t.name()).partitions().size();
            if (actual != t.partitions()) {
                throw new StreamsException("internal topic " + t.name() + " has " + actual + " partitions, the topology needs "
                        + t.partitions() + "; reset the application (delete its internal topics) after changing the inputs");
            }
        }
    }
}
