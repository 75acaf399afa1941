package dev.sluice.storage.lmdb;

import dev.sluice.api.Time;
import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.api.offset.OffsetStoreProvider;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The LMDB offset store, found by name through ServiceLoader as the broker finds it. */
class LmdbOffsetStoreTest {
    private static final TopicPartition T0 = new TopicPartition("orders", 0);
    private static final TopicPartition T1 = new TopicPartition("orders", 1);
    private static final TopicPartition OTHER = new TopicPartition("payments-eu", 7);

    @TempDir
    Path directory;
    private LogStorageEngine logs;
    private OffsetStore store;

    @BeforeEach
    void open() {
        logs = new LmdbLogStorageProvider().open(directory, Map.of(), Time.SYSTEM);
        store = openStore();
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        logs.close();
    }

    private OffsetStore openStore() {
        // the test runs patched into dev.sluice.storage.lmdb, which provides but does not use the
        // service; the broker's module declares the `uses`. Module.addUses grants it at run time.
        LmdbOffsetStoreTest.class.getModule().addUses(OffsetStoreProvider.class);
        OffsetStoreProvider provider = ServiceLoader.load(OffsetStoreProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("lmdb")).findFirst().orElseThrow();
        return provider.open(logs, Map.of(), Time.SYSTEM);
    }

    private OffsetStore reopen() {
        store.close();
        store = null;
        store = openStore();
        return store;
    }

    private static CommittedOffset at(long offset) {
        return new CommittedOffset(offset, 3, "m" + offset, 1_000 + offset, -1);
    }

    @Test
    void commitThenFetchRoundTripsEveryField() {
        CommittedOffset offset = new CommittedOffset(42, 7, "client state ✓", 1_700_000_000_000L, 1_700_000_600_000L);
        store.commit("g", Map.of(T0, offset, T1, at(5)));

        assertThat(store.fetch("g", T0)).contains(offset);
        assertThat(store.fetch("g", T1)).contains(at(5));
        assertThat(store.fetch("g", OTHER)).isEmpty();
        assertThat(store.fetch("unknown", T0)).isEmpty();
        assertThat(store.fetchAll("g")).isEqualTo(Map.of(T0, offset, T1, at(5)));
        assertThat(store.groups()).containsExactly("g");
    }

    @Test
    void laterCommitsReplaceEarlierOnesPerPartition() {
        store.commit("g", Map.of(T0, at(1), T1, at(1)));
        store.commit("g", Map.of(T0, at(9)));

        assertThat(store.fetchAll("g")).isEqualTo(Map.of(T0, at(9), T1, at(1)));
    }

    @Test
    void offsetsAndMetadataSurviveReopen() {
        store.commit("g", Map.of(T0, at(10), OTHER, at(20)));
        store.storeGroupMetadata("g", new byte[] {1, 2, 3});
        store.storeGroupMetadata("meta-only", new byte[0]);

        OffsetStore reopened = reopen();

        assertThat(reopened.fetchAll("g")).isEqualTo(Map.of(T0, at(10), OTHER, at(20)));
        assertThat(reopened.groups()).containsExactlyInAnyOrder("g", "meta-only");
        assertThat(reopened.loadGroupMetadata()).containsOnlyKeys("g", "meta-only");
        assertThat(reopened.loadGroupMetadata().get("g")).containsExactly(1, 2, 3);
        assertThat(reopened.loadGroupMetadata().get("meta-only")).isEmpty();
        reopened.commit("new", Map.of(T0, at(1)));
        assertThat(reopen().groups()).containsExactlyInAnyOrder("g", "meta-only", "new");
    }

    @Test
    void storeGroupMetadataReplacesThePreviousOne() {
        store.storeGroupMetadata("g", new byte[100_000]); // larger than any scratch buffer
        store.storeGroupMetadata("g", new byte[] {9});
        assertThat(store.loadGroupMetadata().get("g")).containsExactly(9);
    }

    @Test
    void manyGroupsStayApart() {
        for (int g = 0; g < 500; g++) {
            Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
            for (int p = 0; p < 4; p++) {
                offsets.put(new TopicPartition("t" + (g % 7), p), at(g * 10L + p));
            }
            store.commit("group-" + g, offsets);
        }

        OffsetStore reopened = reopen();
        assertThat(reopened.groups()).hasSize(500);
        for (int g = 0; g < 500; g += 37) {
            Map<TopicPartition, CommittedOffset> all = reopened.fetchAll("group-" + g);
            assertThat(all).hasSize(4);
            assertThat(all.get(new TopicPartition("t" + (g % 7), 3))).isEqualTo(at(g * 10L + 3));
        }
    }

    @Test
    void deleteRemovesPartitionsAndTheGroupOnceNothingIsLeft() {
        store.commit("g", Map.of(T0, at(1), T1, at(2)));
        store.commit("h", Map.of(T0, at(3)));

        store.delete("g", Set.of(T0));
        assertThat(store.fetchAll("g")).isEqualTo(Map.of(T1, at(2)));
        assertThat(store.groups()).containsExactlyInAnyOrder("g", "h");

        store.delete("g", Set.of(T1));
        assertThat(store.groups()).containsExactly("h");
        assertThat(reopen().groups()).containsExactly("h");
        assertThat(store.fetch("h", T0)).contains(at(3));
    }

    @Test
    void deleteGroupRemovesOffsetsAndMetadataButNoOtherGroup() {
        store.commit("g", Map.of(T0, at(1), T1, at(2), OTHER, at(3)));
        store.storeGroupMetadata("g", new byte[] {1});
        store.commit("h", Map.of(T0, at(4)));
        store.storeGroupMetadata("h", new byte[] {2});

        store.deleteGroup("g");
        store.deleteGroup("never-existed");

        OffsetStore reopened = reopen();
        assertThat(reopened.groups()).containsExactly("h");
        assertThat(reopened.fetchAll("g")).isEmpty();
        assertThat(reopened.loadGroupMetadata()).containsOnlyKeys("h");
        assertThat(reopened.fetchAll("h")).isEqualTo(Map.of(T0, at(4)));
        reopened.commit("g", Map.of(T1, at(8)));
        assertThat(reopened.fetchAll("g")).isEqualTo(Map.of(T1, at(8)));
    }

    @Test
    void groupNamesLongerThanAnLmdbKeyWork() {
        String longName = "g".repeat(2_000);
        String similar = "g".repeat(1_999) + "h"; // same first bytes: told apart by the hash
        store.commit(longName, Map.of(T0, at(1)));
        store.commit(similar, Map.of(T0, at(2)));

        OffsetStore reopened = reopen();
        assertThat(reopened.groups()).containsExactlyInAnyOrder(longName, similar);
        assertThat(reopened.fetch(longName, T0)).contains(at(1));
        assertThat(reopened.fetch(similar, T0)).contains(at(2));
    }

    @Test
    void storeLivesInItsOwnDirectoryAndIsExclusive() {
        assertThat(Files.exists(directory.resolve("offsets.lmdb").resolve("data.mdb"))).isTrue();
        assertThatThrownBy(this::openStore).hasMessageContaining("in use");
    }
}
