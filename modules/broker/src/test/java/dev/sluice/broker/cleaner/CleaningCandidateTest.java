package dev.sluice.broker.cleaner;

import dev.sluice.api.storage.CleanableSection;
import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which log the cleaner takes next (Kafka's grabFilthiestCompactedLog rules). */
class CleaningCandidateTest {
    private static final long NOW = 1_000_000;

    private static CleaningCandidate log(String topic, long clean, long dirty, long firstDirtyTimestamp, double minRatio,
                                        long maxLagMs) {
        return new CleaningCandidate(new TopicPartition(topic, 0), null,
                new TopicCleaning(true, minRatio, 0, maxLagMs, 86_400_000L),
                new CleanableSection(0, 100, clean, dirty, firstDirtyTimestamp), 100);
    }

    @Test
    void theDirtiestLogAboveItsMinimumRatioGoesFirst() {
        CleaningCandidate half = log("half", 500, 500, NOW, 0.1, Long.MAX_VALUE);
        CleaningCandidate most = log("most", 100, 900, NOW, 0.1, Long.MAX_VALUE);
        CleaningCandidate little = log("little", 900, 100, NOW, 0.1, Long.MAX_VALUE);

        assertThat(CleaningCandidate.dirtiest(List.of(half, most, little), NOW)).contains(most);
    }

    @Test
    void aLogAtOrBelowItsMinimumRatioWaitsUnlessItsOldestDirtyRecordIsOverdue() {
        CleaningCandidate belowRatio = log("below", 600, 400, NOW - 5_000, 0.5, 10_000);
        CleaningCandidate atRatio = log("at", 500, 500, NOW - 5_000, 0.5, 10_000);
        assertThat(CleaningCandidate.dirtiest(List.of(belowRatio, atRatio), NOW)).isEmpty();

        CleaningCandidate overdue = log("overdue", 900, 100, NOW - 10_001, 0.5, 10_000);
        assertThat(CleaningCandidate.dirtiest(List.of(belowRatio, atRatio, overdue), NOW)).contains(overdue);
    }

    @Test
    void nothingCleanableIsNeverTaken() {
        CleaningCandidate empty = log("empty", 0, 0, -1, 0.0, 1);
        CleaningCandidate clean = log("clean", 1000, 0, -1, 0.0, 1);

        assertThat(CleaningCandidate.dirtiest(List.of(empty, clean), NOW)).isEmpty();
    }
}
