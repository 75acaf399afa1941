package dev.sluice.tools.cluster;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An exactly-once consume-transform-produce loop with kafka-clients, as applications write it: a
 * consumer in a group reading {@code read_committed}, a transactional producer; per poll one
 * transaction that writes {@code <input value>|<transaction number>} to the output partition of the
 * same number and commits the consumed offsets with {@code sendOffsetsToTransaction}.
 *
 * <p>Work that must never become visible, on purpose and by failure: every tenth transaction or so is
 * aborted with {@code abortTransaction} (its records flushed to the log first) and the consumer
 * rewound; now and then the producer is dropped in the middle of a transaction with {@code close(0)},
 * as a crashed process would leave it; and any exception (brokers killed under it: timeouts, fencing
 * by the coordinator's timeout abort, lost group generations) drops the producer the same way. After
 * a drop a new producer with the same transactional id runs {@code initTransactions} (fencing the old
 * one and aborting, or completing, what it left) and the consumer is rewound to the group's committed
 * offsets. A transaction whose {@code commitTransaction} was never called is recorded in
 * {@link #neverCommitted()}: none of its records may reach a read_committed reader. One whose commit
 * was called but failed may have committed or not; the output decides, and exactly-once must hold
 * either way.
 *
 * <p>Threads: its own loop thread; the test's thread reads the counters and closes it.
 */
final class TransformLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TransformLoop.class.getName());

    /** Where the loop is: a test kills brokers at chosen points of a transaction. */
    enum Phase { POLLING, SENDING, COMMITTING }

    private final String bootstrap;
    private final String input;
    private final String output;
    private final String group;
    private final String transactionalId;
    private final Random random;
    private final Thread thread;
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Set<Long> neverCommitted = ConcurrentHashMap.newKeySet();
    private volatile Phase phase = Phase.POLLING;
    private volatile boolean stopping;
    private volatile Throwable broken;
    private long transaction;

    TransformLoop(String bootstrap, String input, String output, String group, String transactionalId, long seed) {
        this.bootstrap = bootstrap;
        this.input = input;
        this.output = output;
        this.group = group;
        this.transactionalId = transactionalId;
        this.random = new Random(seed);
        this.thread = new Thread(this::run, "transform-loop");
    }

    TransformLoop start() {
        thread.start();
        return this;
    }

    /** Transactions whose commitTransaction returned. */
    long committed() {
        return committed.get();
    }

    /** Transactions aborted on purpose with abortTransaction. */
    long aborted() {
        return aborted.get();
    }

    /** Producers dropped mid-transaction on purpose (close(0), as a crash). */
    long dropped() {
        return dropped.get();
    }

    /** Exceptions that made the loop drop its producer. */
    long failures() {
        return failures.get();
    }

    /**
     * Waits (polling every millisecond) until the loop is in {@code wanted}; false if it was not within
     * {@code timeout}.
     */
    boolean awaitPhase(Phase wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (phase != wanted) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** Transactions whose commitTransaction was never called. */
    Set<Long> neverCommitted() {
        return Set.copyOf(neverCommitted);
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    private KafkaProducer<String, String> producer() {
        return Clients.producer(bootstrap, true, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 20_000, ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100));
    }

    private void run() {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(input));
            KafkaProducer<String, String> producer = null;
            while (!stopping) {
                if (producer == null) {
                    producer = initialized();
                    if (producer == null) {
                        break; // stopping
                    }
                    rewindToCommitted(consumer);
                }
                if (!transform(consumer, producer)) {
                    producer.close(Duration.ZERO); // as a crash: the next instance's initTransactions cleans up
                    producer = null;
                }
            }
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
        } catch (Throwable e) {
            broken = e;
            LOG.log(System.Logger.Level.ERROR, "the transform loop failed", e);
        }
    }

    /** A new producer whose initTransactions succeeded (retried across failovers), or null when stopping. */
    private KafkaProducer<String, String> initialized() {
        while (!stopping) {
            KafkaProducer<String, String> producer = producer();
            try {
                producer.initTransactions();
                return producer;
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                LOG.log(System.Logger.Level.INFO, "initTransactions failed, trying a new producer: " + e);
                producer.close(Duration.ZERO);
            }
        }
        return null;
    }

    /** Seeks every assigned partition to the group's committed offset (read_committed: only stable ones), retried. */
    private void rewindToCommitted(KafkaConsumer<String, String> consumer) {
        while (!stopping) {
            try {
                Set<TopicPartition> assigned = consumer.assignment();
                Map<TopicPartition, OffsetAndMetadata> offsets = consumer.committed(assigned, Duration.ofSeconds(20));
                for (TopicPartition tp : assigned) {
                    OffsetAndMetadata o = offsets.get(tp);
                    if (o == null) {
                        consumer.seekToBeginning(Set.of(tp));
                    } else {
                        consumer.seek(tp, o.offset());
                    }
                }
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.INFO, "reading the committed offsets failed, again: " + e);
            }
        }
    }

    /** One poll and its transaction; false if the producer must be dropped. */
    private boolean transform(KafkaConsumer<String, String> consumer, KafkaProducer<String, String> producer) {
        phase = Phase.POLLING;
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
            return true;
        }
        phase = Phase.SENDING;
        long txn = ++transaction;
        neverCommitted.add(txn);
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        int fate = random.nextInt(20); // 0, 1: abort on purpose; 2: dropped before the commit; else commit
        try {
            producer.beginTransaction();
            for (ConsumerRecord<String, String> r : records) {
                producer.send(new ProducerRecord<>(output, r.partition(), r.key(), r.value() + "|" + txn));
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                first.putIfAbsent(tp, r.offset());
                next.put(tp, new OffsetAndMetadata(r.offset() + 1));
            }
            if (fate < 2) {
                producer.flush(); // the aborted records are in the log, for read_committed readers to skip
                producer.abortTransaction();
                first.forEach(consumer::seek);
                aborted.incrementAndGet();
                return true;
            }
            producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
            if (fate == 2) {
                producer.flush();
                dropped.incrementAndGet();
                return false;
            }
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.log(System.Logger.Level.INFO, "transaction " + txn + " failed before its commit, dropping the producer: " + e);
            return false;
        }
        neverCommitted.remove(txn);
        phase = Phase.COMMITTING;
        try {
            producer.commitTransaction();
            committed.incrementAndGet();
            return true;
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.log(System.Logger.Level.INFO, "the commit of transaction " + txn + " failed (committed or not), dropping the producer: " + e);
            return false;
        }
    }

    /** Stops after the transaction in progress; the loop's own failure, if any, is thrown here. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.MINUTES.toMillis(2));
        if (thread.isAlive()) {
            throw new IllegalStateException("the transform loop did not stop");
        }
        if (broken != null) {
            throw new IllegalStateException("the transform loop failed", broken);
        }
    }
}
