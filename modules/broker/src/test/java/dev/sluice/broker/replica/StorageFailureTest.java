package dev.sluice.broker.replica;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.partition.StorageEngines;
import dev.sluice.broker.testing.PartitionManagers;
import dev.sluice.broker.topic.FileTopicRegistry;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A disk that fails under the broker (Kafka's LogDirFailureChannel idea): the file engine is wrapped
 * so that appends and reads throw {@link StorageException} while {@code failing} is set. The failing
 * partition answers KAFKA_STORAGE_ERROR, its storage goes offline (every partition in it answers
 * KAFKA_STORAGE_ERROR from then on, even once the calls would succeed), and nothing is thrown.
 */
class StorageFailureTest {
    private static final Set<String> FAILING_CALLS = Set.of("append", "read");

    @TempDir
    Path dir;
    private final AtomicBoolean failing = new AtomicBoolean();
    private PartitionManager partitions;
    private ReplicaManager replicas;

    @BeforeEach
    void setUp() {
        StorageEngines engines = new StorageEngines(dir, "file", Map.of(), Time.SYSTEM).openDefault();
        engines.install("file", failingEngine(engines.engine("file")));
        partitions = new PartitionManager(engines, new FileTopicRegistry(dir), PartitionManagers.topicDefaults("file"),
                Time.SYSTEM, PartitionManagers.MAX_PARTITIONS);
        partitions.startup();
        replicas = new ReplicaManager(0, partitions);
        partitions.createTopic("a", 1, (short) 1, Map.of(), false);
        partitions.createTopic("b", 1, (short) 1, Map.of(), false);
    }

    @AfterEach
    void tearDown() {
        failing.set(false);
        replicas.close();
        partitions.close();
    }

    private LogStorageEngine failingEngine(LogStorageEngine real) {
        return proxy(LogStorageEngine.class, real, (method, result) ->
                method.equals("open") ? proxy(LogStorage.class, (LogStorage) result, (m, r) -> r) : result);
    }

    private interface After {
        Object apply(String method, Object result);
    }

    private <T> T proxy(Class<T> type, T target, After after) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (p, method, args) -> {
            if (type == LogStorage.class && failing.get() && FAILING_CALLS.contains(method.getName())) {
                throw new StorageException("simulated disk failure in " + method.getName());
            }
            try {
                return after.apply(method.getName(), method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    private List<ProducePartitionResult> produce(String topic) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).append(1, null, new byte[]{1});
        ByteBuffer records = builder.build();
        AtomicReference<List<ProducePartitionResult>> answer = new AtomicReference<>();
        replicas.appendRecords((short) 1, 1000, List.of(new ProduceTarget(new TopicPartition(topic, 0), records)),
                answer::set);
        return answer.get();
    }

    private Errors fetch(String topic) {
        AtomicReference<List<FetchPartitionResult>> answer = new AtomicReference<>();
        replicas.fetchMessages(new FetchParams(-1, 0, 0, Integer.MAX_VALUE),
                List.of(new FetchTarget(new TopicPartition(topic, 0), 0, Integer.MAX_VALUE, -1)), answer::set);
        return answer.get().get(0).error();
    }

    @Test
    void aFailingAppendAnswersStorageErrorAndTakesTheStorageOffline() {
        assertThat(produce("a").get(0).error()).isEqualTo(Errors.NONE);
        failing.set(true);
        assertThat(produce("a").get(0).error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(partitions.partition(new TopicPartition("a", 0)).orElseThrow().role())
                .isInstanceOf(PartitionRole.Offline.class);
        assertThat(partitions.partition(new TopicPartition("b", 0)).orElseThrow().role())
                .isInstanceOf(PartitionRole.Offline.class);

        failing.set(false); // the directory stays offline: nothing is written to a disk that failed
        assertThat(produce("b").get(0).error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(fetch("a")).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
    }

    @Test
    void aFailingReadAnswersStorageError() {
        produce("a");
        failing.set(true);
        assertThat(fetch("a")).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        failing.set(false);
        assertThat(fetch("b")).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
    }

    @Test
    void partitionsCreatedInAStorageThatFailedAreOfflineToo() {
        failing.set(true);
        assertThat(produce("a").get(0).error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        failing.set(false); // the calls would work again, but the directory stays offline

        partitions.createTopic("c", 2, (short) 1, Map.of(), false);
        partitions.createPartitions("b", 2, false);

        for (TopicPartition tp : List.of(new TopicPartition("c", 0), new TopicPartition("c", 1), new TopicPartition("b", 1))) {
            assertThat(partitions.partition(tp).orElseThrow().role()).as(tp.toString())
                    .isInstanceOf(PartitionRole.Offline.class);
        }
        assertThat(produce("c").get(0).error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(fetch("c")).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
    }
}
