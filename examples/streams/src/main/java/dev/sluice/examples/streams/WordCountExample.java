package dev.sluice.examples.streams;

import dev.sluice.client.admin.NewTopic;
import dev.sluice.streams.StreamsBuilder;
import dev.sluice.streams.Topology;
import dev.sluice.streams.kstream.Consumed;
import dev.sluice.streams.kstream.Grouped;
import dev.sluice.streams.kstream.Materialized;
import dev.sluice.streams.kstream.Produced;
import dev.sluice.streams.serde.Serdes;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Counts words of the lines in {@code wc-lines}; every new count goes to {@code wc-counts}. */
public final class WordCountExample {
    private static final List<String> DEMO = List.of("the quick brown fox", "jumps over the lazy dog", "the dog sleeps");

    private WordCountExample() {
    }

    static Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("wc-lines", Consumed.with(Serdes.string(), Serdes.string()))
                .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split("\\W+")))
                .filter((k, word) -> !word.isEmpty())
                .groupBy((k, word) -> word, Grouped.with(Serdes.string(), Serdes.string()))
                .count(Materialized.as("word-counts"))
                .toStream().to("wc-counts", Produced.with(Serdes.string(), Serdes.longs()));
        return builder.build();
    }

    public static void main(String[] args) throws Exception {
        ExampleRunner runner = new ExampleRunner(args);
        runner.topics(new NewTopic("wc-lines", 3), new NewTopic("wc-counts", 3));
        new Thread(() -> {
            sleep();
            runner.feed(p -> {
                for (int i = 0; i < runner.demo; i++) {
                    p.send("wc-lines", null, DEMO.get(i % DEMO.size()), Serdes.string().serializer(), Serdes.string().serializer());
                }
            });
        }).start();
        runner.run("wordcount-example", topology(), "wc-counts",
                r -> Serdes.string().deserialize("", r.key()) + " = " + Serdes.longs().deserialize("", r.value()));
    }

    /** Lets the application join its group before the demo input arrives. */
    static void sleep() {
        try {
            Thread.sleep(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
