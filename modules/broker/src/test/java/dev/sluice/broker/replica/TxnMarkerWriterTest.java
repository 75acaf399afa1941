package dev.sluice.broker.replica;

import dev.sluice.api.Time;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.StorageEngines;
import dev.sluice.broker.topic.FileTopicRegistry;
import dev.sluice.broker.topic.TopicDefaults;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WriteTxnMarkers on the leaders: each marker answered once the ISR has it (acks=all), errors per
 * partition, and the hook telling the group coordinator of markers that landed on
 * {@code __consumer_offsets}, only once replicated and only for those partitions.
 */
class TxnMarkerWriterTest {
    private static final long WAIT_MS = 30_000;
    private final ManualClock clock = new ManualClock();

    @TempDir
    Path dir;
    PartitionManager partitions;
    ReplicaManager replicas;
    final List<String> heard = new ArrayList<>();

    @BeforeEach
    void setUp() {
        StorageEngines engines = new StorageEngines(dir, "file", Map.of(), Time.SYSTEM).openDefault();
        partitions = new PartitionManager(engines, new FileTopicRegistry(dir), new TopicDefaults(LogConfig.DEFAULT,
                TimestampType.CREATE_TIME, 1_000_000, 1, (short) 1, false, "delete", "file", Long.MAX_VALUE,
                Long.MAX_VALUE), Time.SYSTEM, 1000);
        partitions.startup();
        replicas = new ReplicaManager(0, partitions, clock);
        partitions.createTopic("t", 1, (short) 1, Map.of(), false);
        partitions.createTopic("__consumer_offsets", 2, (short) 1, Map.of(), false);
        replicas.txnMarkers().listener((producerId, committed, offsets) ->
                heard.add(producerId + ":" + committed + ":" + offsets));
    }

    @AfterEach
    void tearDown() {
        replicas.close();
        partitions.close();
    }

    private AtomicReference<List<List<Errors>>> write(TxnMarkerWriter.Marker... markers) {
        AtomicReference<List<List<Errors>>> answer = new AtomicReference<>();
        replicas.txnMarkers().write(List.of(markers), WAIT_MS, answer::set);
        return answer;
    }

    @Test
    void markersOnOffsetsPartitionsAreReportedToTheHookWithTheirErrorsPerPartition() {
        TopicPartition data = new TopicPartition("t", 0);
        TopicPartition offsets0 = new TopicPartition("__consumer_offsets", 0);
        TopicPartition offsets1 = new TopicPartition("__consumer_offsets", 1);
        var answer = write(
                new TxnMarkerWriter.Marker(7, (short) 0, 1, true, java.util.Arrays.asList(data, offsets0,
                        new TopicPartition("missing", 0), null)),
                new TxnMarkerWriter.Marker(8, (short) 0, 1, false, List.of(offsets1)));

        assertThat(answer.get()).containsExactly(
                List.of(Errors.NONE, Errors.NONE, Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION),
                List.of(Errors.NONE));
        assertThat(heard).containsExactly("7:true:[" + offsets0 + "]", "8:false:[" + offsets1 + "]");
        assertThat(partitions.partition(data).orElseThrow().logEndOffset()).isEqualTo(1); // the marker
    }

    @Test
    void aMarkerIsAnsweredOnlyOnceTheInSyncFollowersHaveIt() {
        TopicPartition offsets0 = new TopicPartition("__consumer_offsets", 0);
        Partition partition = partitions.partition(offsets0).orElseThrow();
        partition.assignReplicas(Set.of(1), Set.of(1));

        var answer = write(new TxnMarkerWriter.Marker(7, (short) 0, 1, true, List.of(offsets0)));

        assertThat(answer.get()).isNull();
        assertThat(heard).isEmpty();
        partition.updateFollowerFetchState(1, partition.logEndOffset());
        assertThat(answer.get()).containsExactly(List.of(Errors.NONE));
        assertThat(heard).containsExactly("7:true:[" + offsets0 + "]");
    }

    @Test
    void aMarkerTheFollowersNeverGetTimesOutAndIsNotReported() {
        TopicPartition offsets0 = new TopicPartition("__consumer_offsets", 0);
        partitions.partition(offsets0).orElseThrow().assignReplicas(Set.of(1), Set.of(1));

        var answer = write(new TxnMarkerWriter.Marker(7, (short) 0, 1, true, List.of(offsets0)));
        clock.advance(WAIT_MS);

        assertThat(answer.get()).containsExactly(List.of(Errors.REQUEST_TIMED_OUT));
        assertThat(heard).isEmpty();
    }

    @Test
    void aFencedMarkerIsRefusedAndNotReported() {
        TopicPartition offsets0 = new TopicPartition("__consumer_offsets", 0);
        assertThat(write(new TxnMarkerWriter.Marker(7, (short) 3, 5, false, List.of(offsets0))).get())
                .containsExactly(List.of(Errors.NONE));
        heard.clear();

        assertThat(write(new TxnMarkerWriter.Marker(7, (short) 3, 4, true, List.of(offsets0))).get())
                .containsExactly(List.of(Errors.TRANSACTION_COORDINATOR_FENCED));
        assertThat(write(new TxnMarkerWriter.Marker(7, (short) 2, 5, true, List.of(offsets0))).get())
                .containsExactly(List.of(Errors.INVALID_PRODUCER_EPOCH));
        assertThat(heard).isEmpty();
    }
}
