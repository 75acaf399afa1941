package dev.sluice.streams;

import dev.sluice.streams.serde.Serdes;
import dev.sluice.streams.state.KeyValueStore;
import dev.sluice.streams.state.internals.KeyLayout;
import dev.sluice.streams.state.internals.LmdbBytesStore;
import dev.sluice.streams.test.TestInputTopic;
import dev.sluice.streams.test.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Persistent stores on LMDB: order, ranges, growth, and state that outlives the process's stores. */
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
