package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeReplicaLogDirsResult.ReplicaLogDirInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionReplica;
import org.apache.kafka.common.errors.LogDirNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * AlterReplicaLogDirs through kafka-clients' {@code Admin.alterReplicaLogDirs}: a partition (on files,
 * and one on LMDB) moves to the other directory of {@code log.dirs} while a producer keeps writing;
 * {@code describeReplicaLogDirs} shows the future replica meanwhile; afterwards every acknowledged
 * record is there once, in order. A kill -9 in the middle of a move leaves the partition whole in
 * one directory, and the move starts again after the restart.
 */
class AlterReplicaLogDirsTest {
    private static final byte[] KILOBYTE = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void partitionsMoveUnderTrafficAndKeepEveryAcknowledgedRecord() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        TestBroker first = TestBroker.start(dir, Map.of("log.dirs", a + "," + b,
                "replica.alter.log.dirs.io.max.bytes.per.second", "1000000"));
        TestBroker broker = first;
        try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("on-files", 1, (short) 1),
                    new NewTopic("on-lmdb", 1, (short) 1).configs(Map.of("storage.engine", "lmdb")))).all().get(20, TimeUnit.SECONDS);
            int node = broker.nodeId();
            List<TopicPartitionReplica> replicas = List.of(new TopicPartitionReplica("on-files", 0, node),
                    new TopicPartitionReplica("on-lmdb", 0, node));
            Map<String, Map<Long, String>> acked = new ConcurrentHashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
                send(producer, acked, MOVING, 0, 2500);
                producer.flush();
                Map<TopicPartitionReplica, String> targets = new HashMap<>();
                Map<TopicPartitionReplica, ReplicaLogDirInfo> before = admin.describeReplicaLogDirs(replicas).all().get(20, TimeUnit.SECONDS);
                for (TopicPartitionReplica replica : replicas) {
                    String current = before.get(replica).getCurrentReplicaLogDir();
                    assertThat(current).isIn(a.toString(), b.toString());
                    targets.put(replica, current.equals(a.toString()) ? b.toString() : a.toString());
                }
                admin.alterReplicaLogDirs(targets).all().get(20, TimeUnit.SECONDS);

                boolean sawFuture = false;
                int next = 2500;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (true) {
                    send(producer, acked, MOVING, next, 20); // traffic throughout the move
                    next += 20;
                    Map<TopicPartitionReplica, ReplicaLogDirInfo> now = admin.describeReplicaLogDirs(replicas).all().get(20, TimeUnit.SECONDS);
                    boolean done = true;
                    for (TopicPartitionReplica replica : replicas) {
                        ReplicaLogDirInfo info = now.get(replica);
                        if (info.getFutureReplicaLogDir() != null) {
                            assertThat(info.getFutureReplicaLogDir()).isEqualTo(targets.get(replica));
                            assertThat(info.getCurrentReplicaLogDir()).isNotEqualTo(targets.get(replica));
                            sawFuture = true;
                        }
                        done &= targets.get(replica).equals(info.getCurrentReplicaLogDir()) && info.getFutureReplicaLogDir() == null;
                    }
                    if (done) {
                        break;
                    }
                    assertThat(System.nanoTime()).as("moves finished in time").isLessThan(deadline);
                    Thread.sleep(50);
                }
                assertThat(sawFuture).as("a future replica while moving").isTrue();
                send(producer, acked, MOVING, next, 100); // and after
                producer.flush();
            }
            for (String topic : List.of("on-files", "on-lmdb")) {
                assertThat(readAll(broker.bootstrap(), topic)).as(topic).isEqualTo(acked.get(topic));
            }
            assertThatThrownBy(() -> admin.alterReplicaLogDirs(Map.of(replicas.get(0), dir.resolve("elsewhere").toString()))
                    .all().get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(LogDirNotFoundException.class);
            assertThatThrownBy(() -> admin.alterReplicaLogDirs(Map.of(new TopicPartitionReplica("no-such-topic", 0, first.nodeId()),
                    a.toString())).all().get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
            // moving a partition back to where it is changes nothing
            admin.alterReplicaLogDirs(Map.of(replicas.get(0), admin.describeReplicaLogDirs(List.of(replicas.get(0))).all()
                    .get(20, TimeUnit.SECONDS).get(replicas.get(0)).getCurrentReplicaLogDir())).all().get(20, TimeUnit.SECONDS);
        } finally {
            broker.close();
        }
        broker = broker.restart();
        try {
            assertThat(readAll(broker.bootstrap(), "on-files")).hasSizeGreaterThan(2500);
        } finally {
            broker.close();
        }
    }

    @Test
    void aKillDashNineInTheMiddleOfAMoveLeavesOneWholeCopyAndTheMoveResumes() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        List<String> settings = new ArrayList<>(List.of("listeners=PLAINTEXT://127.0.0.1:0", "log.dirs=" + a + "," + b,
                "num.io.threads=2", "num.network.threads=1"));
        Map<Long, String> acked = new ConcurrentHashMap<>();
        TopicPartitionReplica replica = new TopicPartitionReplica("crash", 0, 0);
        String target;
        Process child = ChildBroker.start(dir.resolve("child-1.err"), with(settings, "replica.alter.log.dirs.io.max.bytes.per.second=300000"));
        try {
            String bootstrap = ChildBroker.awaitBootstrap(child);
            try (Admin admin = KafkaClients.admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic("crash", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
                try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
                    Map<String, Map<Long, String>> byTopic = new ConcurrentHashMap<>();
                    send(producer, byTopic, List.of("crash"), 0, 3000);
                    producer.flush();
                    acked.putAll(byTopic.get("crash"));
                }
                String current = admin.describeReplicaLogDirs(List.of(replica)).all().get(20, TimeUnit.SECONDS).get(replica).getCurrentReplicaLogDir();
                target = current.equals(a.toString()) ? b.toString() : a.toString();
                admin.alterReplicaLogDirs(Map.of(replica, target)).all().get(20, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (admin.describeReplicaLogDirs(List.of(replica)).all().get(20, TimeUnit.SECONDS).get(replica).getFutureReplicaLogDir() == null) {
                    assertThat(System.nanoTime()).as("the move started").isLessThan(deadline);
                    Thread.sleep(20);
                }
            }
            child.destroyForcibly(); // SIGKILL mid-copy: the first chunk copied, the throttle holds the rest
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }

        Process restarted = ChildBroker.start(dir.resolve("child-2.err"), settings.toArray(String[]::new));
        try {
            String bootstrap = ChildBroker.awaitBootstrap(restarted);
            try (Admin admin = KafkaClients.admin(bootstrap)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (true) {
                    ReplicaLogDirInfo info = admin.describeReplicaLogDirs(List.of(replica)).all().get(20, TimeUnit.SECONDS).get(replica);
                    if (target.equals(info.getCurrentReplicaLogDir()) && info.getFutureReplicaLogDir() == null) {
                        break; // the move started again and finished
                    }
                    assertThat(System.nanoTime()).as("the move resumed and finished").isLessThan(deadline);
                    Thread.sleep(50);
                }
            }
            assertThat(readAll(bootstrap, "crash")).isEqualTo(acked);
        } finally {
            restarted.getOutputStream().close();
            if (!restarted.waitFor(30, TimeUnit.SECONDS)) {
                restarted.destroyForcibly();
            }
            assertThat(restarted.exitValue()).as("clean exit; stderr: %s", Files.readString(dir.resolve("child-2.err"))).isZero();
        }
    }

    private static String[] with(List<String> settings, String extra) {
        List<String> all = new ArrayList<>(settings);
        all.add(extra);
        return all.toArray(String[]::new);
    }

    private static final List<String> MOVING = List.of("on-files", "on-lmdb");

    /** Sends values {@code first..first+count-1} of 1 kB each to partition 0 of each topic, recording the acknowledged ones. */
    private static void send(KafkaProducer<byte[], byte[]> producer, Map<String, Map<Long, String>> acked, List<String> topics,
                             int first, int count) {
        for (String topic : topics) {
            for (int i = first; i < first + count; i++) {
                String value = topic + "-" + i;
                byte[] bytes = (value + ":" + new String(KILOBYTE, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, 0, null, bytes), (md, e) -> {
                    if (e == null) {
                        acked.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).put(md.offset(), value);
                    }
                });
            }
        }
    }

    /** Every record of partition 0 of {@code topic}: offset → value (up to the ':'). */
    private static Map<Long, String> readAll(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            Map<Long, String> found = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : KafkaClients.pollUntil(consumer, (int) end)) {
                String value = new String(r.value(), StandardCharsets.UTF_8);
                assertThat(found.put(r.offset(), value.substring(0, value.indexOf(':')))).as("offset %d once", r.offset()).isNull();
            }
            return found;
        }
    }
}
