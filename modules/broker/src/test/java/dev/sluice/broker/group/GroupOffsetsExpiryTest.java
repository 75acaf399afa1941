package dev.sluice.broker.group;

import dev.sluice.api.Time;
import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Offset retention on a clock the test moves: an empty group's offsets expire, then the group goes. */
class GroupOffsetsExpiryTest {
    private static final long RETENTION_MS = 60_000;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Time clock = new Time() {
        @Override
        public long milliseconds() {
            return now.get();
        }

        @Override
        public long nanoseconds() {
            return now.get() * 1_000_000;
        }
    };
    private final MemoryOffsetStore store = new MemoryOffsetStore();
    private final GroupCoordinator coordinator = new GroupCoordinator(
            new GroupConfig(1000, 60_000, 0, RETENTION_MS, 1000, 4096), store, clock);
    private final GroupOffsets offsets = new GroupOffsets(coordinator);
    private final TopicPartition tp0 = new TopicPartition("t", 0);
    private final TopicPartition tp1 = new TopicPartition("t", 1);

    @AfterEach
    void close() {
        coordinator.close();
    }

    private Errors commit(TopicPartition tp, long offset) {
        return offsets.commit("g", -1, "", null, Map.of(tp, new CommittedOffset(offset, -1, "", now.get(), -1)));
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterTheRetentionAndThenTheGroupIsForgotten() {
        assertThat(commit(tp0, 5)).isEqualTo(Errors.NONE);
        now.addAndGet(RETENTION_MS / 2);
        assertThat(commit(tp1, 7)).isEqualTo(Errors.NONE);

        now.addAndGet(RETENTION_MS / 2); // tp0 is now exactly as old as the retention
        assertThat(offsets.expireOffsets()).isEqualTo(1);
        assertThat(offsets.fetchAll("g")).containsOnlyKeys(tp1);
        assertThat(new GroupAdmin(coordinator).describe("g")).isNotNull();

        now.addAndGet(RETENTION_MS / 2);
        assertThat(offsets.expireOffsets()).isEqualTo(1);
        assertThat(offsets.fetchAll("g")).isEmpty();
        assertThat(new GroupAdmin(coordinator).describe("g")).isNull();
        assertThat(store.groups()).isEmpty();
    }

    @Test
    void anExplicitExpireTimestampWins() {
        offsets.commit("g", -1, "", null, Map.of(tp0, new CommittedOffset(5, -1, "", now.get(), now.get() + 10)));
        now.addAndGet(10);
        assertThat(offsets.expireOffsets()).isEqualTo(1);
    }
}
