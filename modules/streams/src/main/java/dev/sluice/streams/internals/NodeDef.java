package dev.sluice.streams.internals;

import dev.sluice.streams.kstream.TopicNameExtractor;
import dev.sluice.streams.processor.ProcessorSupplier;
import dev.sluice.streams.serde.Serde;

import java.util.List;
import java.util.Set;

/** A node of a topology as built: a source, a processor, or a sink. Immutable once the topology is built. */
public sealed interface NodeDef {
    String name();

    List<String> parents();

    /** Reads topics (all deserialized with the same serdes). */
    record Source(String name, List<TopicRef> topics, Serde<?> keySerde, Serde<?> valueSerde) implements NodeDef {
        @Override
        public List<String> parents() {
            return List.of();
        }
    }

    record Processor(String name, List<String> parents, ProcessorSupplier<?, ?, ?, ?> supplier, Set<String> stores)
            implements NodeDef {
    }

    /** Writes to a fixed topic ({@code topic}) or one chosen per record ({@code extractor}). */
    record Sink(String name, List<String> parents, TopicRef topic, TopicNameExtractor<?, ?> extractor,
                Serde<?> keySerde, Serde<?> valueSerde) implements NodeDef {
    }
}
