package dev.sluice.examples.streams;

import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.streams.StreamsBuilder;
import dev.sluice.streams.Topology;
import dev.sluice.streams.kstream.Consumed;
import dev.sluice.streams.kstream.Materialized;
import dev.sluice.streams.kstream.Produced;
import dev.sluice.streams.kstream.Suppressed;
import dev.sluice.streams.kstream.TimeWindows;
import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.kstream.WindowedSerdes;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.serde.Serdes;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Clicks per user in 10-second windows (record time, 2 s grace) from {@code clicks}; only each window's
 * final count goes to {@code clicks-per-window}, once the window has closed.
 */
public final class WindowedClicksExample {
    private static final Serde<Windowed<String>> WINDOWED = WindowedSerdes.timeWindowed(Serdes.string(), 10_000);

    private WindowedClicksExample() {
    }

    static Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("clicks", Consumed.with(Serdes.string(), Serdes.string()))
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(2)))
                .count(Materialized.as("clicks-per-window"))
                .suppress(Suppressed.untilWindowCloses())
                .toStream().to("clicks-per-window", Produced.with(WINDOWED, Serdes.longs()));
        return builder.build();
    }

    public static void main(String[] args) throws Exception {
        ExampleRunner runner = new ExampleRunner(args);
        runner.topics(new NewTopic("clicks", 1), new NewTopic("clicks-per-window", 1));
        new Thread(() -> {
            WordCountExample.sleep();
            List<String> users = List.of("ann", "bob", "cid");
            long t0 = System.currentTimeMillis() / 10_000 * 10_000;
            runner.feed(p -> {
                for (int i = 0; i < runner.demo; i++) { // a click every 1.5 s of record time
                    p.send(new ProducerRecord("clicks", null, t0 + i * 1500L, bytes(users.get(i % users.size())),
                            bytes("/page/" + i), List.of()));
                }
                // a click well after the last one closes the open windows
                p.send(new ProducerRecord("clicks", null, t0 + runner.demo * 1500L + 15_000, bytes("ann"), bytes("/end"), List.of()));
            });
        }).start();
        runner.run("clicks-example", topology(), "clicks-per-window", r -> {
            Windowed<String> w = WINDOWED.deserialize("", r.key());
            return w.key() + " [" + w.window().start() + ", " + w.window().end() + ") = " + Serdes.longs().deserialize("", r.value());
        });
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
