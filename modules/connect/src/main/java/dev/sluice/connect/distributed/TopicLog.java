package dev.sluice.connect.distributed;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.ListedOffset;
import dev.sluice.client.admin.OffsetSpec;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.connect.api.ConnectException;
import dev.sluice.connect.runtime.WorkerConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A compacted internal topic read as a log of key → value changes (Kafka's KafkaBasedLog): a reader
 * thread follows every partition from the beginning and hands each record to {@code apply}
 * (a null value is a deletion); {@link #readToEnd} waits until everything written before the call was
 * applied, so a worker sees its own writes. Keys and values are UTF-8 text. Thread-safe: the reader
 * thread owns the consumer; writes and {@code readToEnd} come from any thread.
 */
final class TopicLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TopicLog.class.getName());

    private final String topic;
    private final BiConsumer<String, String> apply;
    private final SluiceProducer producer;
    private final SluiceConsumer consumer;
    private final SluiceAdmin admin;
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final List<TopicPartition> partitions = new java.util.ArrayList<>();
    private final Thread reader;
    private volatile boolean closing;
    private volatile Throwable failure;

    TopicLog(String topic, int partitions, WorkerConfig worker, String clientId, BiConsumer<String, String> apply) {
        this.topic = topic;
        this.apply = apply;
        var pp = worker.clientProperties("producer.");
        pp.put("client.id", clientId + "-producer");
        pp.put("acks", "all");
        this.producer = new SluiceProducer(pp);
        var cp = worker.clientProperties("consumer.");
        cp.remove("group.id");
        cp.put("client.id", clientId + "-consumer");
        cp.put("auto.offset.reset", "earliest");
        cp.put("enable.auto.commit", "false");
        this.consumer = new SluiceConsumer(cp);
        this.admin = new SluiceAdmin(worker.clientProperties("admin."));
        for (int p = 0; p < partitions; p++) {
            this.partitions.add(new TopicPartition(topic, p));
        }
        consumer.assign(this.partitions);
        consumer.seekToBeginning(this.partitions);
        this.reader = new Thread(this::read, "connect-log-" + topic);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            while (!closing) {
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(100))) {
                    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    String value = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
                    if (key != null) {
                        try {
                            apply.accept(key, value);
                        } catch (RuntimeException e) {
                            LOG.log(System.Logger.Level.WARNING, topic + ": skipped a record it cannot read at offset "
                                    + r.offset() + ": " + e.getMessage());
                        }
                    }
                }
                synchronized (positions) {
                    for (TopicPartition tp : partitions) {
                        positions.put(tp, consumer.position(tp));
                    }
                    positions.notifyAll();
                }
            }
        } catch (Throwable t) {
            if (!closing) {
                failure = t;
                LOG.log(System.Logger.Level.ERROR, "reading " + topic + " failed", t);
            }
        }
    }

    /** Writes one change; durable (acks=all) when it returns. */
    void send(String key, String value) {
        try {
            producer.send(ProducerRecord.of(topic, key.getBytes(StandardCharsets.UTF_8),
                    value == null ? null : value.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ConnectException("cannot write to " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Writes one change without waiting (statuses). */
    void sendAsync(String key, String value) {
        producer.send(ProducerRecord.of(topic, key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Waits until every record written before this call has been applied. */
    void readToEnd(long timeoutMs) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListedOffset> ends;
        try {
            ends = admin.listOffsets(specs).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new ConnectException("cannot read the end of " + topic + ": " + e.getMessage(), e);
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (positions) {
            while (true) {
                if (failure != null) {
                    throw new ConnectException("reading " + topic + " failed: " + failure.getMessage(), failure);
                }
                boolean done = ends.entrySet().stream()
                        .allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue().offset());
                if (done) {
                    return;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new ConnectException("timed out reading " + topic + " to its end");
                }
                try {
                    positions.wait(Math.min(left, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConnectException("interrupted reading " + topic, e);
                }
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        producer.close();
        admin.close();
    }
}
