package dev.sluice.tools.cluster;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The load of a chaos test, recorded into a {@link HistoryChecker}: an idempotent acks=all
 * kafka-clients producer writing unique values round-robin over a topic's partitions, with a
 * bounded number in flight and at most a given rate (2,000 records a second unless told), and a consumer reading everything from the start while it runs. Both
 * run on their own threads until {@link #close()}; {@link #finalLogs} then reads every partition
 * from its start to its end.
 *
 * <p>Threads: its writer and reader threads, the producer's I/O thread (callbacks), and the test's
 * thread (start, progress, close).
 */
public final class Workload implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Workload.class.getName());

    private final String bootstrap;
    private final String topic;
    private final int partitions;
    private final HistoryChecker checker;
    private final int recordsPerSecond;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong read = new AtomicLong();
    private final Semaphore inFlight = new Semaphore(200);
    private final Thread writer;
    private final Thread reader;
    private volatile boolean stopping;
    private volatile Throwable readerFailure;

    public Workload(String bootstrap, String topic, int partitions, HistoryChecker checker) {
        this(bootstrap, topic, partitions, checker, 2_000);
    }

    /** Writing at most about {@code recordsPerSecond} (load, not a benchmark, on two shared cores). */
    public Workload(String bootstrap, String topic, int partitions, HistoryChecker checker, int recordsPerSecond) {
        this.bootstrap = bootstrap;
        this.recordsPerSecond = recordsPerSecond;
        this.topic = topic;
        this.partitions = partitions;
        this.checker = checker;
        this.writer = new Thread(this::write, "chaos-writer");
        this.reader = new Thread(this::readAll, "chaos-reader");
    }

    public Workload start() {
        writer.start();
        reader.start();
        return this;
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    public long failed() {
        return failed.get();
    }

    public long read() {
        return read.get();
    }

    private void write() {
        Map<String, Object> config = Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000,
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrap, true, config)) {
            long seq = 0;
            while (!stopping) {
                int partition = (int) (seq % partitions);
                String value = "p" + partition + "-" + seq;
                inFlight.acquireUninterruptibly();
                checker.sent(partition, value);
                producer.send(new ProducerRecord<>(topic, partition, null, value), (metadata, error) -> {
                    inFlight.release();
                    if (error == null) {
                        checker.acknowledged(value, metadata.partition(), metadata.offset());
                        acknowledged.incrementAndGet();
                    } else {
                        checker.failed(value);
                        failed.incrementAndGet();
                        LOG.log(System.Logger.Level.WARNING, "send of " + value + " failed: " + error);
                    }
                });
                seq++;
                if (seq % 10 == 0) {
                    sleep(10_000 / recordsPerSecond);
                }
            }
            producer.flush();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the chaos writer failed", e);
        }
    }

    private void readAll() {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrap)) {
            consumer.assign(IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList());
            while (!stopping) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    checker.read(r.partition(), r.offset(), r.value());
                    read.incrementAndGet();
                }
            }
        } catch (Throwable e) {
            readerFailure = e;
            LOG.log(System.Logger.Level.ERROR, "the chaos reader failed", e);
        }
    }

    /** Stops writing (every send answered, the producer flushed and closed) and reading. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        writer.join(TimeUnit.MINUTES.toMillis(4));
        reader.join(TimeUnit.SECONDS.toMillis(30));
        if (writer.isAlive() || reader.isAlive()) {
            throw new IllegalStateException("the chaos writer or reader did not stop");
        }
        if (readerFailure != null) {
            throw new IllegalStateException("the chaos reader failed", readerFailure);
        }
    }

    /** Every partition from its log start to its high watermark, read with a fresh consumer (within {@code timeout}). */
    public Map<Integer, List<HistoryChecker.Read>> finalLogs(Duration timeout) {
        Map<Integer, List<HistoryChecker.Read>> logs = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrap)) {
            List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, timeout);
            tps.forEach(tp -> logs.put(tp.partition(), new ArrayList<>()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the final read did not reach the ends " + ends + " within " + timeout);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < ends.get(new TopicPartition(topic, r.partition()))) {
                        logs.get(r.partition()).add(new HistoryChecker.Read(r.partition(), r.offset(), r.value()));
                    }
                }
            }
        }
        return logs;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
