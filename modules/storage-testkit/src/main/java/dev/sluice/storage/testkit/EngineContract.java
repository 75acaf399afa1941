package dev.sluice.storage.testkit;

import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.Test;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

/** The engine: which partitions it has, opening, deleting. */
public abstract class EngineContract extends LogStorageContractSupport {
    private static final TopicPartition OTHER = new TopicPartition("my-topic-with-dashes", 3);

    @Test
    void openingTheSamePartitionTwiceGivesTheSameLog() {
        assertThat(engine.open(TP, config())).isSameAs(engine.open(TP, config()));
    }

    @Test
    void partitionsListsWhatWasOpenedAndSurvivesRestart() {
        assertThat(engine.partitions()).isEmpty();
        engine.open(TP, config()).append(batch("a", 1));
        engine.open(OTHER, config()).append(batch("b", 1));

        assertThat(engine.partitions()).containsExactlyInAnyOrder(TP, OTHER);

        engine.close();
        engine = openEngine(directory, time);
        assertThat(engine.partitions()).containsExactlyInAnyOrder(TP, OTHER);
        assertThat(engine.open(OTHER, config()).logEndOffset()).isEqualTo(1);
    }

    @Test
    void deleteRemovesThePartitionAndItsData() {
        LogStorage log = engine.open(TP, config());
        log.append(batch("a", 1, 2));
        engine.open(OTHER, config()).append(batch("b", 1));

        engine.delete(TP);

        assertThat(engine.partitions()).containsExactly(OTHER);
        LogStorage recreated = engine.open(TP, config());
        assertThat(recreated).isNotSameAs(log);
        assertThat(recreated.logEndOffset()).isZero();
        assertThat(recreated.epochs()).isEmpty();

        engine.close();
        engine = openEngine(directory, time);
        assertThat(engine.open(OTHER, config()).logEndOffset()).isEqualTo(1);
    }

    @Test
    void deletingAnUnknownPartitionIsHarmless() {
        engine.delete(new TopicPartition("never", 0));
        assertThat(engine.partitions()).isEmpty();
    }
}
