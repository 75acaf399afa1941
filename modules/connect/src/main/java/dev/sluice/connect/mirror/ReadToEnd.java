package dev.sluice.connect.mirror;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;

/** Reads assigned partitions from their positions up to the end offsets at the call. Stateless; the consumer's thread. */
final class ReadToEnd {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ReadToEnd() {
    }

    /**
     * Hands every record up to the end offsets listed now to {@code apply}.
     *
     * @throws IllegalStateException when the end is not reached in a minute
     */
    static void read(SluiceConsumer consumer, Collection<TopicPartition> partitions, Consumer<ConsumerRecord> apply) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cannot read " + partitions + " to the end offsets " + end);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(apply);
        }
    }
}
