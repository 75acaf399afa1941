package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.internals.InternalTopologyBuilder;
import dev.sluice.streams.internals.TopicRef;
import dev.sluice.streams.processor.ProcessorSupplier;
import dev.sluice.streams.serde.Serde;

import java.util.List;

/** The builder the DSL objects of one {@code StreamsBuilder} share. Building thread only. */
public final class DslContext {
    final InternalTopologyBuilder builder = new InternalTopologyBuilder();

    public InternalTopologyBuilder builder() {
        return builder;
    }

    /** Adds a processor named {@code prefix + index} under {@code parents}; returns its name. */
    <KI, VI, KO, VO> String processor(String prefix, ProcessorSupplier<KI, VI, KO, VO> supplier, List<String> parents,
                                      String... stores) {
        String name = builder.newName(prefix);
        builder.addProcessor(name, supplier, parents, stores);
        return name;
    }

    /**
     * Writes {@code parent}'s records (null keys dropped) to the internal topic {@code <name>-repartition}
     * and returns the source node reading it back (nodes named {@code <name>-repartition-filter/sink/source}, as Kafka).
     */
    String repartition(String parent, String name, Serde<?> keySerde, Serde<?> valueSerde, Integer partitions) {
        TopicRef topic = TopicRef.internal(name + "-repartition");
        builder.addRepartitionTopic(topic, partitions);
        String filter = name + "-repartition-filter";
        builder.addProcessor(filter, () -> new ContextProcessor<Object, Object, Object, Object>() {
            @Override
            public void process(dev.sluice.streams.processor.Record<Object, Object> r) {
                if (r.key() != null) {
                    context.forward(r);
                }
            }
        }, List.of(parent));
        String sink = name + "-repartition-sink";
        builder.addSink(sink, List.of(filter), topic, null, keySerde, valueSerde);
        String source = name + "-repartition-source";
        builder.addSource(source, List.of(topic), keySerde, valueSerde);
        return source;
    }
}
