package dev.sluice.tools.cluster;

import dev.sluice.api.cluster.PartitionState;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once across failovers (#12, "with replication"): ZooKeeper and three broker processes, every
 * topic with replication factor 3 and min.insync.replicas 2, {@code __transaction_state} and
 * {@code __consumer_offsets} too. An idempotent producer feeds an input topic while a kafka-clients
 * consume-transform-produce loop ({@link TransformLoop}: read_committed consumer in a group,
 * transactional producer, {@code sendOffsetsToTransaction}, aborts and dropped producers on purpose)
 * copies it to an output topic, and the test kills -9, at random points, the broker that coordinates
 * the loop's transactions (the leader of its {@code __transaction_state} partition) and the leaders of
 * input and output partitions, restarting each (at once, or after the cluster moved on without it).
 *
 * <p>Then: the input holds every acknowledged record once ({@link HistoryChecker}); the read_committed
 * output holds every input record exactly once (nothing lost, nothing twice), none from a transaction
 * whose commit was never called (aborted work is invisible, though its records are in the log, as a
 * read_uncommitted reader shows); every output partition's last stable offset reaches its high
 * watermark (no transaction left hanging). {@code -Dsluice.txnchaos.seed=N} replays a schedule.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TransactionChaosTest {
    private static final System.Logger LOG = System.getLogger(TransactionChaosTest.class.getName());
    private static final String INPUT = "eos-in";
    private static final String OUTPUT = "eos-out";
    private static final String GROUP = "eos-copier";
    private static final String TRANSACTIONAL_ID = "eos-copier-tx";
    private static final int PARTITIONS = 3;
    private static final int STATE_PARTITIONS = 3;
    private static final int KILLS = 4;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ProcessCluster.start(ProcessCluster.Settings.of("TransactionChaosTest").withBrokerSettings(Map.ofEntries(
                Map.entry("default.replication.factor", "3"), Map.entry("min.insync.replicas", "2"),
                Map.entry("offsets.topic.replication.factor", "3"), Map.entry("offsets.topic.num.partitions", "3"),
                Map.entry("transaction.state.log.replication.factor", "3"), Map.entry("transaction.state.log.min.isr", "2"),
                Map.entry("transaction.state.log.num.partitions", Integer.toString(STATE_PARTITIONS)),
                Map.entry("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"),
                Map.entry("replica.lag.time.max.ms", "10000"), Map.entry("unclean.leader.election.enable", "false"),
                Map.entry("group.initial.rebalance.delay.ms", "0"))), dir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static PartitionState state(String topic, int partition) {
        return cluster.store().partitionState(topic, partition).orElseThrow().value();
    }

    /** The broker coordinating the loop's transactions: the leader of its {@code __transaction_state} partition (Kafka's placement). */
    private static int transactionCoordinator() {
        int hash = TRANSACTIONAL_ID.hashCode();
        int partition = (hash == Integer.MIN_VALUE ? 0 : Math.abs(hash)) % STATE_PARTITIONS;
        return state("__transaction_state", partition).leader();
    }

    private static final List<String> TOPICS = List.of(INPUT, OUTPUT, "__transaction_state", "__consumer_offsets");

    /** Waits until every partition of every topic the loop uses is led with all three brokers in its ISR. */
    private static void awaitFullIsr(String after) {
        Await.until("every partition led with all three in its ISR, " + after, WAIT, () -> {
            Map<String, PartitionState> states = new TreeMap<>();
            for (String topic : TOPICS) {
                for (int p = 0; p < 3; p++) {
                    states.put(topic + "-" + p, state(topic, p));
                }
            }
            return states;
        }, states -> states.values().stream().allMatch(s -> s.leader() > 0 && s.isr().size() == 3));
    }

    /** Waits until the loop committed {@code more} transactions since now. */
    private static void awaitCommits(TransformLoop loop, int more, String after) {
        long from = loop.committed();
        Await.until(more + " more committed transactions " + after, WAIT, loop::committed, n -> n >= from + more);
    }

    private static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    @Test
    void theReadCommittedOutputHoldsEveryInputOnceWhileCoordinatorsAndLeadersAreKilled() throws Exception {
        long seed = Long.getLong("sluice.txnchaos.seed", System.nanoTime());
        Random random = new Random(seed);
        LOG.log(System.Logger.Level.INFO, "TransactionChaosTest seed " + seed);
        cluster.admin().createTopics(List.of(new NewTopic(INPUT, PARTITIONS, (short) 3), new NewTopic(OUTPUT, PARTITIONS, (short) 3)))
                .all().get();
        HistoryChecker inputHistory = new HistoryChecker();
        List<String> kills = new ArrayList<>();
        TransformLoop loop = new TransformLoop(cluster.bootstrap(), INPUT, OUTPUT, GROUP, TRANSACTIONAL_ID, seed).start();
        try (Workload feeder = new Workload(cluster.bootstrap(), INPUT, PARTITIONS, inputHistory, 400).start()) {
            awaitCommits(loop, 10, "at start (the transaction and offsets topics created)");
            awaitFullIsr("at start");
            for (int round = 0; round < KILLS; round++) {
                sleep(random.nextInt(1_500));
                // then a random point of the next transaction: while its records go out, or in its commit
                TransformLoop.Phase phase = random.nextBoolean() ? TransformLoop.Phase.SENDING : TransformLoop.Phase.COMMITTING;
                boolean inPhase = loop.awaitPhase(phase, Duration.ofSeconds(10));
                boolean coordinator = round % 2 == 0;
                String topic = random.nextBoolean() ? INPUT : OUTPUT;
                int partition = random.nextInt(PARTITIONS);
                int victim = coordinator ? transactionCoordinator() : state(topic, partition).leader();
                String what = coordinator ? "the transaction coordinator" : "the leader of " + topic + "-" + partition;
                cluster.kill(victim);
                boolean bounce = random.nextBoolean();
                kills.add("broker " + victim + " (" + what + (inPhase ? ", " + phase : "") + (bounce ? ", restarted at once)" : ")"));
                if (bounce) {
                    cluster.start(victim);
                } else {
                    awaitCommits(loop, 3, "after kill -9 of broker " + victim + ", " + what);
                    cluster.start(victim);
                }
                awaitFullIsr("after broker " + victim + " restarted");
                awaitCommits(loop, 3, "with broker " + victim + " back");
            }
        }
        // the feeder stopped: the loop catches up with the input's end
        Map<TopicPartition, Long> inputEnds = new HashMap<>();
        cluster.admin().listOffsets(IntStream.range(0, PARTITIONS).boxed().collect(Collectors.toMap(
                p -> new TopicPartition(INPUT, p), p -> OffsetSpec.latest()))).all().get()
                .forEach((tp, info) -> inputEnds.put(tp, info.offset()));
        try {
            Await.until("the group's committed offsets at the input's ends " + inputEnds, WAIT, () -> {
                Map<TopicPartition, Long> committed = new HashMap<>();
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : cluster.admin().listConsumerGroupOffsets(GROUP,
                        new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata().get().entrySet()) {
                    committed.put(e.getKey(), e.getValue().offset());
                }
                return committed;
            }, inputEnds::equals);
        } finally {
            loop.close();
        }

        Map<Integer, List<HistoryChecker.Read>> inputLogs = new Workload(cluster.bootstrap(), INPUT, PARTITIONS, inputHistory).finalLogs(WAIT);
        HistoryChecker.Result inputResult = inputHistory.check(inputLogs);
        assertThat(inputResult.ok()).as("the input: %s", inputResult).isTrue();
        List<String> inputs = inputLogs.values().stream().flatMap(List::stream).map(HistoryChecker.Read::value).toList();

        awaitNoHangingTransaction();
        List<ConsumerRecord<String, String>> committedOutput = readOutput("read_committed");
        List<ConsumerRecord<String, String>> allOutput = readOutput("read_uncommitted");
        Set<Long> neverCommitted = loop.neverCommitted();
        String summary = "seed " + seed + ", kills " + kills + ", " + inputs.size() + " inputs, " + loop.committed()
                + " transactions committed, " + loop.aborted() + " aborted, " + loop.dropped() + " producers dropped on purpose, "
                + loop.failures() + " failures, " + committedOutput.size() + " committed outputs, " + allOutput.size()
                + " outputs in the log";
        LOG.log(System.Logger.Level.INFO, "TransactionChaosTest: " + summary);

        Map<String, List<String>> outputsByInput = committedOutput.stream().map(ConsumerRecord::value)
                .collect(Collectors.groupingBy(v -> v.substring(0, v.indexOf('|'))));
        List<String> duplicated = outputsByInput.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey() + " " + e.getValue()).toList();
        List<String> lost = inputs.stream().filter(v -> !outputsByInput.containsKey(v)).toList();
        List<String> fromAbortedWork = committedOutput.stream().map(ConsumerRecord::value)
                .filter(v -> neverCommitted.contains(Long.parseLong(v.substring(v.indexOf('|') + 1)))).toList();
        assertThat(duplicated).as("inputs in the committed output more than once (%s)", summary).isEmpty();
        assertThat(lost).as("inputs missing from the committed output (%s)", summary).isEmpty();
        assertThat(outputsByInput.keySet()).as("nothing in the output that was not an input").isEqualTo(Set.copyOf(inputs));
        assertThat(fromAbortedWork).as("records of transactions never committed, read_committed (%s)", summary).isEmpty();
        for (ConsumerRecord<String, String> r : committedOutput) { // each went to the output partition of its input's number
            assertThat(r.value()).startsWith("p" + r.partition() + "-");
        }
        long abortedInLog = allOutput.stream().filter(r -> neverCommitted.contains(Long.parseLong(r.value().substring(r.value().indexOf('|') + 1))))
                .count();
        assertThat(abortedInLog).as("aborted work is in the log (so read_committed skipped it)").isPositive();
        assertThat(inputs).hasSizeGreaterThan(1_000);
        assertThat(loop.aborted() + loop.dropped()).isPositive();
        assertThat(kills).hasSize(KILLS);
    }

    /** Every output partition's last stable offset (read_committed end) reaches its high watermark. */
    private static void awaitNoHangingTransaction() {
        Function<String, Map<TopicPartition, Long>> ends = isolation -> {
            try (KafkaConsumer<String, String> consumer = reader(isolation)) {
                return consumer.endOffsets(outputPartitions(), Duration.ofSeconds(20));
            }
        };
        Await.until("the output's last stable offsets at its high watermarks", WAIT,
                () -> List.of(ends.apply("read_committed"), ends.apply("read_uncommitted")), both -> both.get(0).equals(both.get(1)));
    }

    private static List<TopicPartition> outputPartitions() {
        return IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(OUTPUT, p)).toList();
    }

    private static KafkaConsumer<String, String> reader(String isolation) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    }

    /** The output from its start to its end at {@code isolation} (read_committed: the last stable offset). */
    private static List<ConsumerRecord<String, String>> readOutput(String isolation) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = reader(isolation)) {
            List<TopicPartition> tps = outputPartitions();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(20));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the " + isolation + " read of the output did not reach " + ends);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
