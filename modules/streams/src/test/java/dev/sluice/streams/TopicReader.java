package dev.sluice.streams;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads a topic from the start, read_committed, until what was read satisfies a condition (then a quiet second more). */
final class TopicReader implements AutoCloseable {
    private final SluiceConsumer consumer;
    private final List<ConsumerRecord> records = new ArrayList<>();

    TopicReader(String bootstrap, String topic) {
        consumer = new SluiceConsumer(ConsumerConfig.builder().bootstrapServers(bootstrap).isolationLevel("read_committed").build());
        int partitions;
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(bootstrap))) {
            partitions = admin.describeTopics(List.of(topic)).join().get(topic).partitions().size();
        }
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
    }

    /** Polls until {@code done} holds for everything read (failing after {@code seconds}). */
    List<ConsumerRecord> readUntil(Predicate<List<ConsumerRecord>> done, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.test(records)) {
            assertThat(System.nanoTime()).as("waited %d s; read %d records", seconds, records.size()).isLessThan(deadline);
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        return records;
    }

    /** Everything read so far after polling {@code ms} more. */
    List<ConsumerRecord> drain(long ms) {
        long end = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < end) {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        return records;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
