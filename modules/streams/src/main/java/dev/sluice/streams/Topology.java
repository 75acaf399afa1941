package dev.sluice.streams;

import dev.sluice.streams.internals.NodeDef;
import dev.sluice.streams.internals.Subtopology;
import dev.sluice.streams.internals.TopicRef;
import dev.sluice.streams.internals.TopologyModel;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A built stream-processing program: sources, processors, stores and sinks, split into sub-topologies
 * that run as tasks. Made by {@link StreamsBuilder#build()}; immutable, so one topology may run in any
 * number of {@link SluiceStreams} instances or test drivers.
 */
public final class Topology {
    private final TopologyModel model;

    Topology(TopologyModel model) {
        this.model = model;
    }

    /** For the runtime and the test driver (not part of the API). */
    public TopologyModel model() {
        return model;
    }

    /**
     * Sources, processors (with their stores) and sinks per sub-topology, in Kafka Streams' format:
     * internal topics are named without the application id prefix, which is only known at run time.
     */
    public Description describe() {
        StringBuilder out = new StringBuilder("Topologies:\n");
        for (Subtopology s : model.subtopologies()) {
            out.append("   Sub-topology: ").append(s.id()).append('\n');
            for (String name : s.nodes()) {
                NodeDef node = model.node(name);
                if (node instanceof NodeDef.Source src) {
                    out.append("    Source: ").append(name).append(" (topics: ")
                            .append(src.topics().stream().map(TopicRef::name).collect(Collectors.joining(", ", "[", "]")))
                            .append(")\n");
                } else if (node instanceof NodeDef.Processor p) {
                    out.append("    Processor: ").append(name).append(" (stores: ")
                            .append('[').append(String.join(", ", p.stores())).append("])\n");
                } else if (node instanceof NodeDef.Sink sink) {
                    out.append("    Sink: ").append(name).append(" (")
                            .append(sink.topic() != null ? "topic: " + sink.topic().name() : "extractor class: "
                                    + sink.extractor().getClass().getName()).append(")\n");
                }
                List<String> children = model.children(name);
                if (!children.isEmpty()) {
                    out.append("      --> ").append(String.join(", ", children)).append('\n');
                }
                if (!node.parents().isEmpty()) {
                    out.append("      <-- ").append(String.join(", ", node.parents())).append('\n');
                }
            }
            out.append('\n');
        }
        return new Description(out.toString(), model.subtopologies().size());
    }

    /** What {@link #describe()} prints, with the number of sub-topologies. */
    public record Description(String text, int subtopologies) {
        @Override
        public String toString() {
            return text;
        }
    }
}
