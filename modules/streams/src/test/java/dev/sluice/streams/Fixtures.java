package dev.sluice.streams;

import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.streams.serde.Serdes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** What the broker tests share: settings, input, and reading the word counts back. */
final class Fixtures {
    static final List<String> WORDS = List.of("apple", "banana", "cherry", "date", "elder", "fig", "grape", "kiwi");

    private Fixtures() {
    }

    static Properties props(TestBroker broker, Path dir, String app, String guarantee) {
        Properties p = new Properties();
        p.put("application.id", app);
        p.put("bootstrap.servers", broker.bootstrap());
        p.put("processing.guarantee", guarantee);
        p.put("commit.interval.ms", "200");
        p.put("state.dir", dir.resolve("state-" + app + "-" + System.nanoTime()).toString());
        p.put("session.timeout.ms", "6000");
        p.put("heartbeat.interval.ms", "500");
        return p;
    }

    /** Lines of random words; adds each word's occurrences to {@code expected}. */
    static List<String> lines(Random random, int n, Map<String, Long> expected) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> words = new ArrayList<>();
            for (int w = 1 + random.nextInt(4); w > 0; w--) {
                String word = WORDS.get(random.nextInt(WORDS.size()));
                words.add(word);
                expected.merge(word, 1L, Long::sum);
            }
            lines.add(String.join(" ", words));
        }
        return lines;
    }

    static void produce(TestBroker broker, String topic, List<String> lines) {
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
            for (int i = 0; i < lines.size(); i++) {
                producer.send(topic, "line-" + i, lines.get(i), Serdes.string().serializer(), Serdes.string().serializer());
            }
            producer.flush();
        }
    }

    static Map<String, Long> lastPerKey(List<ConsumerRecord> records) {
        Map<String, Long> last = new TreeMap<>();
        records.forEach(r -> last.put(Serdes.string().deserialize("", r.key()), Serdes.longs().deserialize("", r.value())));
        return last;
    }

    static Map<String, List<Long>> updatesPerKey(List<ConsumerRecord> records) {
        Map<String, List<Long>> out = new TreeMap<>();
        records.forEach(r -> out.computeIfAbsent(Serdes.string().deserialize("", r.key()), k -> new ArrayList<>())
                .add(Serdes.longs().deserialize("", r.value())));
        return out;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
