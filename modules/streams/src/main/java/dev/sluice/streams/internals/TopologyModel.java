package dev.sluice.streams.internals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A built topology: nodes, stores, internal topics and sub-topologies. Immutable, shared by all tasks. */
public final class TopologyModel {
    private final Map<String, NodeDef> nodes;
    private final Map<String, List<String>> children = new LinkedHashMap<>();
    private final Map<String, StoreSpec> stores;
    private final Map<TopicRef, Integer> repartitionTopics;
    private final List<Subtopology> subtopologies;

    TopologyModel(Map<String, NodeDef> nodes, Map<String, StoreSpec> stores, Map<TopicRef, Integer> repartitionTopics,
                  List<Subtopology> subtopologies) {
        this.nodes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        this.stores = new LinkedHashMap<>(stores);
        this.repartitionTopics = new LinkedHashMap<>(repartitionTopics);
        this.subtopologies = List.copyOf(subtopologies);
        nodes.keySet().forEach(n -> children.put(n, new ArrayList<>()));
        nodes.values().forEach(n -> n.parents().forEach(p -> children.get(p).add(n.name())));
    }

    public NodeDef node(String name) {
        return nodes.get(name);
    }

    public List<String> children(String name) {
        return children.get(name);
    }

    public StoreSpec store(String name) {
        return stores.get(name);
    }

    public Map<String, StoreSpec> stores() {
        return stores;
    }

    public List<Subtopology> subtopologies() {
        return subtopologies;
    }

    /** Repartition topics and the partition count asked for (null: derived from the writing sub-topology). */
    public Map<TopicRef, Integer> repartitionTopics() {
        return repartitionTopics;
    }

    /** The sub-topology reading {@code topic}, if any. */
    public Optional<Subtopology> readerOf(TopicRef topic) {
        return subtopologies.stream().filter(s -> s.sourceTopics().contains(topic)).findFirst();
    }

    /** The fixed topics the sinks of a sub-topology write. */
    public Set<TopicRef> sinkTopics(Subtopology s) {
        Set<TopicRef> out = new LinkedHashSet<>();
        for (String n : s.nodes()) {
            if (nodes.get(n) instanceof NodeDef.Sink sink && sink.topic() != null) {
                out.add(sink.topic());
            }
        }
        return out;
    }

    /** Every source topic of the topology. */
    public Set<TopicRef> sourceTopics() {
        Set<TopicRef> out = new LinkedHashSet<>();
        subtopologies.forEach(s -> out.addAll(s.sourceTopics()));
        return out;
    }
}
