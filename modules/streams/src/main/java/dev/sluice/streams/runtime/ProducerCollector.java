package dev.sluice.streams.runtime;

import dev.sluice.api.record.Header;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.producer.Callback;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.streams.StreamsException;
import dev.sluice.streams.internals.RecordCollector;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends the tasks' output and changelog records with the instance's one producer. The first failed
 * send is kept and rethrown at the next send or commit, so nothing is committed past a lost record.
 * Acknowledged changelog offsets are tracked for checkpoints. Sends happen on the stream thread;
 * acknowledgements arrive on the producer's I/O thread.
 */
final class ProducerCollector implements RecordCollector {
    private final SluiceProducer producer;
    private final Set<String> changelogTopics;
    private final Runnable beforeSend;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Map<TopicPartition, Long> changelogEnds = new ConcurrentHashMap<>();

    // two callbacks made once, rather than one capturing lambda per record sent
    private final Callback outputAcked = (md, e) -> {
        if (e != null) {
            failure.compareAndSet(null, e);
        }
    };

    private final Callback changelogAcked = (md, e) -> {
        if (e != null) {
            failure.compareAndSet(null, e);
        } else if (md.offset() >= 0) {
            changelogEnds.merge(new TopicPartition(md.topic(), md.partition()), md.offset() + 1, Math::max);
        }
    };

    /** @param beforeSend run before every send (exactly-once: opens the transaction if none is open) */
    ProducerCollector(SluiceProducer producer, Set<String> changelogTopics, Runnable beforeSend) {
        this.producer = producer;
        this.changelogTopics = changelogTopics;
        this.beforeSend = beforeSend;
    }

    @Override
    public void send(String topic, Integer partition, byte[] key, byte[] value, long timestamp, List<Header> headers) {
        throwIfFailed();
        beforeSend.run();
        producer.send(new ProducerRecord(topic, partition, Math.max(0, timestamp), key, value, headers),
                changelogTopics.contains(topic) ? changelogAcked : outputAcked);
    }

    void throwIfFailed() {
        Exception e = failure.get();
        if (e != null) {
            throw new StreamsException("a record could not be sent: " + e, e);
        }
    }

    /** Forgets a failure (exactly-once, after the transaction holding it was aborted). */
    void clearFailure() {
        failure.set(null);
    }

    /** The offset after the last acknowledged changelog record of each changelog partition written. */
    Map<TopicPartition, Long> changelogEnds() {
        return new HashMap<>(changelogEnds);
    }
}
