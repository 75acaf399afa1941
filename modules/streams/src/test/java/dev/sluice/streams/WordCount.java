package dev.sluice.streams;

import dev.sluice.streams.kstream.Consumed;
import dev.sluice.streams.kstream.Grouped;
import dev.sluice.streams.kstream.Materialized;
import dev.sluice.streams.kstream.Produced;
import dev.sluice.streams.serde.Serdes;

import java.util.Arrays;
import java.util.Locale;

/** The word count the runtime tests run: lines in, a count per word out (every update). */
public final class WordCount {
    private WordCount() {
    }

    public static Topology topology(String in, String out) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.string(), Serdes.string()))
                .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split(" ")))
                .groupBy((k, word) -> word, Grouped.with(Serdes.string(), Serdes.string()))
                .count(Materialized.as("counts"))
                .toStream().to(out, Produced.with(Serdes.string(), Serdes.longs()));
        return builder.build();
    }
}
