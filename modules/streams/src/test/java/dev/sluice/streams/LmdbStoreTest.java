package dev.sluice.streams;

import dev.sluice.api.storage.StorageException;
import dev.sluice.streams.serde.Serdes;
import dev.sluice.streams.state.KeyValueStore;
import dev.sluice.streams.state.internals.BytesStore;
import dev.sluice.streams.state.internals.InMemoryBytesStore;
import dev.sluice.streams.state.internals.KeyLayout;
import dev.sluice.streams.state.internals.LmdbBytesStore;
import dev.sluice.streams.test.TestInputTopic;
import dev.sluice.streams.test.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Persistent stores on LMDB: order, ranges, growth (also while another thread reads), one store per
 * directory, and state that outlives the process's stores.
 */
class LmdbStoreTest {
    @TempDir
    Path dir;

    @Test
    void keysAreOrderedAsUnsignedBytesAndRangesAreHalfOpen() {
        try (LmdbBytesStore store = LmdbBytesStore.open(dir.resolve("s"))) {
            store.put(KeyLayout.time(-5), new byte[] {1});
            store.put(KeyLayout.time(7), new byte[] {2});
            store.put(KeyLayout.time(3), new byte[] {3});
            store.put(KeyLayout.time(3), null);
            store.put(KeyLayout.time(300), new byte[] {4});
            assertThat(store.range(null, null)).extracting(kv -> KeyLayout.readTime(kv.key(), 0)).containsExactly(-5L, 7L, 300L);
            assertThat(store.range(KeyLayout.time(7), KeyLayout.time(300))).extracting(kv -> kv.value()[0]).containsExactly((byte) 2);
            assertThat(store.count()).isEqualTo(3);
        }
    }

    @Test
    void theMapGrowsWhenFull() {
        try (LmdbBytesStore store = LmdbBytesStore.open(dir.resolve("big"))) {
            byte[] value = new byte[1 << 20];
            for (int i = 0; i < 100; i++) { // 100 MiB against a 64 MiB initial map
                store.put(KeyLayout.time(i), value);
            }
            assertThat(store.count()).isEqualTo(100);
        }
    }

    @Test
    void emptyValuesAndLongestKeysRoundTrip() {
        try (LmdbBytesStore store = LmdbBytesStore.open(dir.resolve("edges"))) {
            byte[] longest = new byte[511];
            Arrays.fill(longest, (byte) 0xff);
            store.put(longest, new byte[0]);
            assertThat(store.get(longest)).isEmpty();
            assertThat(store.range(KeyLayout.time(0), null)).hasSize(1);
            assertThatThrownBy(() -> store.put(new byte[512], new byte[1])).isInstanceOf(StreamsException.class);
        }
    }

    @Test
    void aBatchOfChangesAppliesInOrderAsPutsWould() {
        try (LmdbBytesStore lmdb = LmdbBytesStore.open(dir.resolve("batch")); InMemoryBytesStore memory = new InMemoryBytesStore()) {
            List<KeyValue<byte[], byte[]>> changes = List.of(KeyValue.pair(KeyLayout.time(1), new byte[] {1}),
                    KeyValue.pair(KeyLayout.time(2), new byte[] {2}), KeyValue.pair(KeyLayout.time(1), new byte[] {3}),
                    KeyValue.pair(KeyLayout.time(2), null), KeyValue.pair(KeyLayout.time(3), null));
            for (BytesStore store : List.of(lmdb, memory)) {
                store.put(KeyLayout.time(3), new byte[] {9});
                store.putAll(changes);
                assertThat(store.range(null, null)).as(store.getClass().getSimpleName()).hasSize(1)
                        .allSatisfy(kv -> assertThat(kv.value()).containsExactly(3));
            }
        }
    }

    @Test
    void aStoreDirectoryIsOpenOnceAtATime() {
        try (LmdbBytesStore store = LmdbBytesStore.open(dir.resolve("once"))) {
            store.put(KeyLayout.time(1), new byte[] {1});
            // LMDB must not be opened twice in one process: a second store there is refused, not corrupting
            assertThatThrownBy(() -> LmdbBytesStore.open(dir.resolve("once"))).isInstanceOf(StorageException.class)
                    .hasMessageContaining("in use");
        }
        try (LmdbBytesStore again = LmdbBytesStore.open(dir.resolve("once"))) {
            assertThat(again.get(KeyLayout.time(1))).containsExactly(1);
        }
    }

    @Test
    void theMapGrowsWhileAnInteractiveQueryReads() throws Exception {
        try (LmdbBytesStore store = LmdbBytesStore.open(dir.resolve("growing"))) {
            byte[] value = new byte[1 << 20];
            Arrays.fill(value, (byte) 7);
            store.put(KeyLayout.time(-1), value);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<Throwable> readFailure = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            Thread reader = new Thread(() -> { // reads never see the map move under them (it grows between reads)
                try {
                    while (writing.get()) {
                        byte[] read = store.get(KeyLayout.time(-1));
                        assertThat(read).hasSize(value.length).containsOnly((byte) 7);
                        assertThat(store.range(KeyLayout.time(-1), KeyLayout.time(0))).hasSize(1);
                        reads.incrementAndGet();
                    }
                } catch (Throwable t) {
                    readFailure.set(t);
                }
            }, "iq-reader");
            reader.start();
            try {
                for (int i = 0; i < 100; i++) { // 100 MiB against a 64 MiB initial map: it grows at least once
                    store.put(KeyLayout.time(i), value);
                }
            } finally {
                writing.set(false);
                reader.join(30_000);
            }
            assertThat(readFailure.get()).isNull();
            assertThat(reads.get()).isPositive();
            assertThat(store.count()).isEqualTo(101);
        }
    }

    @Test
    void aWordCountOnLmdbKeepsItsCountsAcrossDrivers() {
        Properties p = DslTest.props();
        p.put("default.dsl.store", "lmdb");
        p.put("state.dir", dir.toString());
        for (int run = 1; run <= 2; run++) {
            try (TopologyTestDriver driver = new TopologyTestDriver(DslTest.wordCount(), p)) {
                TestInputTopic<String, String> in = driver.createInputTopic("lines", Serdes.string(), Serdes.string());
                in.pipeInput("l", "x y x");
                KeyValueStore<String, Long> counts = driver.getKeyValueStore("counts");
                assertThat(counts.get("x")).isEqualTo(2L * run);
                assertThat(counts.get("y")).isEqualTo((long) run);
            }
        }
        assertThat(dir.resolve("dsl").resolve("1_0").resolve("counts")).isDirectory();
    }
}
