package dev.sluice.streams.internals;

import dev.sluice.streams.kstream.TopicNameExtractor;
import dev.sluice.streams.processor.ProcessorSupplier;
import dev.sluice.streams.serde.Serde;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects a topology's nodes, stores and internal topics while the DSL builds it, then freezes them
 * into a {@link TopologyModel}. Used by one thread (the one building the topology).
 */
public final class InternalTopologyBuilder {
    private final Map<String, NodeDef> nodes = new LinkedHashMap<>();
    private final Map<String, StoreSpec> stores = new LinkedHashMap<>();
    private final Map<String, Set<String>> storeUsers = new LinkedHashMap<>();
    private final Map<TopicRef, Integer> repartitionTopics = new LinkedHashMap<>();
    private final List<Set<String>> copartitionedNodes = new ArrayList<>();
    private int index;

    /** A fresh node name in Kafka's style, e.g. {@code KSTREAM-FILTER-0000000003}. */
    public String newName(String prefix) {
        return prefix + String.format("%010d", index++);
    }

    public void addSource(String name, List<TopicRef> topics, Serde<?> keySerde, Serde<?> valueSerde) {
        for (NodeDef n : nodes.values()) {
            if (n instanceof NodeDef.Source s) {
                for (TopicRef t : topics) {
                    if (s.topics().contains(t)) { // as Kafka: one source per topic (read it once, branch from there)
                        throw new IllegalArgumentException("topic " + t.name() + " is already read by source " + s.name());
                    }
                }
            }
        }
        add(new NodeDef.Source(name, List.copyOf(topics), keySerde, valueSerde));
    }

    public <KI, VI, KO, VO> void addProcessor(String name, ProcessorSupplier<KI, VI, KO, VO> supplier, List<String> parents,
                                              String... storeNames) {
        for (String s : storeNames) {
            if (!stores.containsKey(s)) {
                throw new IllegalArgumentException("no store named " + s);
            }
            storeUsers.computeIfAbsent(s, k -> new LinkedHashSet<>()).add(name);
        }
        add(new NodeDef.Processor(name, List.copyOf(parents), supplier, new LinkedHashSet<>(Arrays.asList(storeNames))));
    }

    public void addSink(String name, List<String> parents, TopicRef topic, TopicNameExtractor<?, ?> extractor,
                        Serde<?> keySerde, Serde<?> valueSerde) {
        add(new NodeDef.Sink(name, List.copyOf(parents), topic, extractor, keySerde, valueSerde));
    }

    public void addStore(StoreSpec spec) {
        if (stores.putIfAbsent(spec.name(), spec) != null) {
            throw new IllegalArgumentException("a store named " + spec.name() + " exists already");
        }
    }

    public boolean hasStore(String name) {
        return stores.containsKey(name);
    }

    /** An internal topic written and read by the topology; {@code partitions} null: as many as its writers' input. */
    public void addRepartitionTopic(TopicRef topic, Integer partitions) {
        repartitionTopics.put(topic, partitions);
    }

    /** The source topics feeding these nodes must have equal partition counts (a join's two sides). */
    public void copartition(String... nodeNames) {
        copartitionedNodes.add(Set.of(nodeNames));
    }

    private void add(NodeDef node) {
        if (nodes.containsKey(node.name())) {
            throw new IllegalArgumentException("a node named " + node.name() + " exists already");
        }
        for (String p : node.parents()) {
            if (!nodes.containsKey(p)) {
                throw new IllegalArgumentException("unknown parent " + p + " of " + node.name());
            }
            if (nodes.get(p) instanceof NodeDef.Sink) {
                throw new IllegalArgumentException("a sink has no children: " + p);
            }
        }
        nodes.put(node.name(), node);
    }

    public TopologyModel build() {
        List<String> names = new ArrayList<>(nodes.keySet());
        int[] group = new int[names.size()];
        for (int i = 0; i < group.length; i++) {
            group[i] = i;
        }
        for (NodeDef n : nodes.values()) {
            for (String p : n.parents()) {
                union(group, names.indexOf(n.name()), names.indexOf(p));
            }
        }
        for (Set<String> users : storeUsers.values()) {
            String first = users.iterator().next();
            for (String u : users) {
                union(group, names.indexOf(first), names.indexOf(u));
            }
        }
        Map<Integer, List<String>> byRoot = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            byRoot.computeIfAbsent(find(group, i), k -> new ArrayList<>()).add(names.get(i));
        }
        List<Subtopology> subtopologies = new ArrayList<>();
        for (List<String> members : byRoot.values()) {
            List<TopicRef> sources = new ArrayList<>();
            Set<String> usedStores = new LinkedHashSet<>();
            for (String m : members) {
                if (nodes.get(m) instanceof NodeDef.Source s) {
                    sources.addAll(s.topics());
                }
                if (nodes.get(m) instanceof NodeDef.Processor p) {
                    usedStores.addAll(p.stores());
                }
            }
            List<Set<TopicRef>> copartitioned = new ArrayList<>();
            for (Set<String> c : copartitionedNodes) {
                if (members.containsAll(c)) {
                    Set<TopicRef> topics = new LinkedHashSet<>();
                    c.forEach(n -> topics.addAll(upstreamSources(n, new HashSet<>())));
                    copartitioned.add(topics);
                }
            }
            subtopologies.add(new Subtopology(subtopologies.size(), List.copyOf(members), List.copyOf(sources),
                    List.copyOf(usedStores), List.copyOf(copartitioned)));
        }
        return new TopologyModel(nodes, stores, repartitionTopics, subtopologies);
    }

    private Set<TopicRef> upstreamSources(String node, Set<String> seen) {
        Set<TopicRef> topics = new LinkedHashSet<>();
        if (!seen.add(node)) {
            return topics;
        }
        NodeDef n = nodes.get(node);
        if (n instanceof NodeDef.Source s) {
            topics.addAll(s.topics());
        }
        for (String p : n.parents()) {
            topics.addAll(upstreamSources(p, seen));
        }
        return topics;
    }

    private static int find(int[] group, int i) {
        while (group[i] != i) {
            group[i] = group[group[i]];
            i = group[i];
        }
        return i;
    }

    private static void union(int[] group, int a, int b) {
        int ra = find(group, a);
        int rb = find(group, b);
        if (ra != rb) {
            group[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }
}
