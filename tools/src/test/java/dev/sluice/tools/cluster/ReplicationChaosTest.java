package dev.sluice.tools.cluster;

import dev.sluice.api.cluster.PartitionState;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos (#11 tests 1 and 2): ZooKeeper and three brokers, a topic with replication factor 3 and
 * min.insync.replicas=2, an idempotent acks=all producer writing all along and a consumer reading
 * all along, while the test kills -9 a partition's leader and restarts it, kills the controller
 * and restarts it, bounces a leader (kill -9 and restart before its session expires), and freezes
 * a leader (SIGSTOP) past its session timeout, then resumes it. After each failure the test waits
 * until writes are acknowledged again and, after each return, until the broker is back in every
 * ISR. Then {@link HistoryChecker}: every acknowledged record present exactly once, at its offset,
 * in order; no offset seen with two values; nothing read later gone. Finally every replica of
 * every partition is identical on disk, batch for batch, with the same epoch history.
 *
 * <p>Storage engines: by default a mixed cluster, broker 1 on {@code file} and brokers 2 and 3 on
 * {@code lmdb}, so every partition has replicas on both engines (file and LMDB leaders, LMDB→LMDB
 * and file↔LMDB replication through the failovers) and the on-disk comparison holds across engines;
 * one run, not one per engine, keeps {@code mvn verify} short. {@code -Dsluice.chaos.engines=file}
 * (or {@code lmdb}, or one name per broker such as {@code lmdb,file,file}) runs it on others.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ReplicationChaosTest {
    private static final System.Logger LOG = System.getLogger(ReplicationChaosTest.class.getName());
    private static final String TOPIC = "chaos";
    private static final int PARTITIONS = 3;
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The log.storage of brokers 1, 2, 3 (one name: all three). */
    private static final List<String> ENGINES = engines(System.getProperty("sluice.chaos.engines", "file,lmdb,lmdb"));

    @TempDir
    static Path dir;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        ProcessCluster.Settings settings = ProcessCluster.Settings.of("ReplicationChaosTest").withBrokerSettings(Map.of(
                "default.replication.factor", "3", "min.insync.replicas", "2", "replica.lag.time.max.ms", "10000",
                "unclean.leader.election.enable", "false"));
        for (int id = 1; id <= 3; id++) {
            settings = settings.withBrokerSettings(id, Map.of("log.storage", ENGINES.get(id - 1)));
        }
        cluster = ProcessCluster.start(settings, dir);
    }

    private static List<String> engines(String names) {
        List<String> list = List.of(names.split(","));
        return list.size() == 1 ? List.of(list.get(0), list.get(0), list.get(0)) : list;
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static PartitionState state(int partition) {
        return cluster.store().partitionState(TOPIC, partition).orElseThrow().value();
    }

    /** Waits until every partition is led and every broker is back in its ISR. */
    private static void awaitFullIsr(String after) {
        Await.until("every partition led with all three in its ISR, " + after, WAIT, () -> {
            List<String> states = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                states.add(p + "=" + state(p));
            }
            return states;
        }, states -> {
            for (int p = 0; p < PARTITIONS; p++) {
                PartitionState s = state(p);
                if (s.leader() <= 0 || s.isr().size() != 3) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Waits until {@code more} acknowledgements arrived since now: the cluster takes writes again. */
    private static void awaitProgress(Workload load, int more, String after) {
        long from = load.acknowledged();
        Await.until(more + " more acknowledged writes " + after, WAIT, load::acknowledged, n -> n >= from + more);
    }

    @Test
    void acknowledgedWritesSurviveKillsBouncesAndPauses() throws Exception {
        cluster.admin().createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get();
        awaitFullIsr("after creation");
        HistoryChecker checker = new HistoryChecker();
        HistoryChecker.Result result;
        try (Workload load = new Workload(cluster.bootstrap(), TOPIC, PARTITIONS, checker).start()) {
            awaitProgress(load, 300, "at start");

            int leader = state(0).leader();
            cluster.kill(leader);
            awaitProgress(load, 300, "after kill -9 of broker " + leader + ", leader of " + TOPIC + "-0");
            cluster.start(leader);
            awaitFullIsr("after broker " + leader + " restarted");
            awaitProgress(load, 200, "with broker " + leader + " back");

            int controller = cluster.awaitController();
            cluster.kill(controller);
            awaitProgress(load, 300, "after kill -9 of the controller, broker " + controller);
            cluster.start(controller);
            awaitFullIsr("after broker " + controller + " (the controller) restarted");
            awaitProgress(load, 200, "with broker " + controller + " back");

            int bounced = state(1).leader();
            cluster.kill(bounced);
            cluster.start(bounced); // before its session expired: the controller sees a new epoch
            awaitFullIsr("after broker " + bounced + ", leader of " + TOPIC + "-1, bounced");
            awaitProgress(load, 300, "after broker " + bounced + " bounced");

            int paused = state(2).leader();
            cluster.pause(paused);
            Await.until(TOPIC + "-2 led by another broker once broker " + paused + "'s session expired", WAIT,
                    () -> state(2).leader(), l -> l > 0 && l != paused);
            awaitProgress(load, 300, "with broker " + paused + ", leader of " + TOPIC + "-2, frozen");
            cluster.resume(paused);
            awaitFullIsr("after broker " + paused + " resumed");
            awaitProgress(load, 300, "with every broker back");
        }
        Map<Integer, List<HistoryChecker.Read>> finalLogs = cluster.running().size() == 3 ? new Workload(cluster.bootstrap(), TOPIC,
                PARTITIONS, checker).finalLogs(WAIT) : Map.of();
        result = checker.check(finalLogs);
        LOG.log(System.Logger.Level.INFO, "chaos: " + result);
        System.out.println("ReplicationChaosTest (log.storage of brokers 1-3: " + ENGINES + "): " + result.counts());
        assertThat(result.ok()).as(result.toString()).isTrue();
        assertThat(result.acknowledged()).isGreaterThan(2_000);

        // every replica identical on disk, batch for batch, with the same epoch history, whatever engine holds it
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            Map<Integer, ReplicaLog> replicas = Await.until("the three replicas of " + TOPIC + "-" + p + " identical", WAIT, () -> {
                Map<Integer, ReplicaLog> logs = new TreeMap<>();
                for (int id : cluster.ids()) {
                    logs.put(id, ReplicaLog.read(cluster.dataDir(id), cluster.storageEngine(id), TOPIC, partition));
                }
                return logs;
            }, logs -> logs.values().stream().distinct().count() == 1);
            ReplicaLog one = replicas.values().iterator().next();
            assertThat(one.endOffset()).isEqualTo(finalLogs.get(p).isEmpty() ? 0 : finalLogs.get(p).get(finalLogs.get(p).size() - 1).offset() + 1);
            assertThat(one.epochs()).as("the checkpointed epoch history is the batches'").isEqualTo(one.epochsOfBatches())
                    .hasSizeGreaterThan(2); // the failovers above wrote in several epochs
        }
    }
}
