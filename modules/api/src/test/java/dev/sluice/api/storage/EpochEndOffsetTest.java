package dev.sluice.api.storage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka's answers ({@code LeaderEpochFileCache.endOffsetFor}) for a history of epochs 2 from 10,
 * 4 from 15 and 7 from 30, with the log ending at 42.
 */
class EpochEndOffsetTest {
    private static final List<EpochEntry> HISTORY = List.of(new EpochEntry(2, 10), new EpochEntry(4, 15),
            new EpochEntry(7, 30));
    private static final long LOG_END = 42;

    @ParameterizedTest(name = "epoch {0} -> ({1}, {2})")
    @CsvSource({
            // requested, epoch, end offset
            "-1, -1, -1",  // UNDEFINED_EPOCH asks nothing: undefined
            "-5, -5, 10",  // any other epoch below the first: itself, ending where the first epoch starts
            "0, 0, 10",    // below the first epoch
            "1, 1, 10",
            "2, 2, 15",    // a known epoch ends where the next starts
            "3, 2, 15",    // between epochs: the one below, ending where the next starts
            "4, 4, 30",
            "5, 4, 30",
            "6, 4, 30",
            "7, 7, 42",    // the latest epoch is still being written: the log end
            "8, -1, -1",   // above the latest: undefined
            "100, -1, -1",
    })
    void answersAsKafka(int requested, int epoch, long endOffset) {
        assertThat(EpochEndOffset.find(HISTORY, requested, LOG_END)).isEqualTo(new EpochEndOffset(epoch, endOffset));
    }

    @ParameterizedTest(name = "empty history, epoch {0}")
    @CsvSource({"-1", "0", "5"})
    void anEmptyHistoryKnowsNoEpoch(int requested) {
        assertThat(EpochEndOffset.find(List.of(), requested, LOG_END)).isEqualTo(EpochEndOffset.UNDEFINED);
    }

    @ParameterizedTest(name = "single epoch 0, epoch {0} -> ({1}, {2})")
    @CsvSource({"0, 0, 7", "1, -1, -1", "-1, -1, -1"})
    void aSingleEpochEndsAtTheLogEnd(int requested, int epoch, long endOffset) {
        assertThat(EpochEndOffset.find(List.of(new EpochEntry(0, 0)), requested, 7))
                .isEqualTo(new EpochEndOffset(epoch, endOffset));
    }
}
