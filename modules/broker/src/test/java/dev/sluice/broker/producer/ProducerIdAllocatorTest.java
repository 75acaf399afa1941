package dev.sluice.broker.producer;

import dev.sluice.api.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProducerIdAllocatorTest {
    @TempDir
    Path dir;

    private static List<Long> take(ProducerIdAllocator allocator, int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(allocator.nextId());
        }
        return ids;
    }

    @Test
    void idsComeFromDurablyReservedBlocksAndTheNextBlockIsReservedWhenOneIsUsedUp() throws Exception {
        ProducerIdAllocator allocator = new ProducerIdAllocator(new FileProducerIdBlockStore(dir), 10);
        Path file = dir.resolve(FileProducerIdBlockStore.FILE_NAME);

        assertThat(Files.exists(file)).isFalse(); // nothing reserved before the first id is asked for
        assertThat(take(allocator, 10)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("10");
        assertThat(allocator.nextId()).isEqualTo(10);
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("20");
    }

    @Test
    void afterACrashNoIdIsEverHandedOutAgain() {
        Set<Long> issued = new HashSet<>();
        // each round "crashes": the allocator is dropped mid-block with no shutdown, a new one opens the same directory
        for (int round = 0; round < 5; round++) {
            ProducerIdAllocator allocator = new ProducerIdAllocator(new FileProducerIdBlockStore(dir), 10);
            for (long id : take(allocator, 3 + 7 * round)) {
                assertThat(issued.add(id)).as("id %d issued twice", id).isTrue();
            }
        }
        assertThat(issued).hasSize(3 + 10 + 17 + 24 + 31);
        assertThat(issued).allSatisfy(id -> assertThat(id).isNotNegative());
    }

    @Test
    void aLeftoverTemporaryFileFromACrashedReservationIsIgnored() throws Exception {
        ProducerIdAllocator first = new ProducerIdAllocator(new FileProducerIdBlockStore(dir), 10);
        long last = take(first, 4).get(3);
        Files.writeString(dir.resolve(FileProducerIdBlockStore.FILE_NAME + ".tmp"), "garb");

        ProducerIdAllocator second = new ProducerIdAllocator(new FileProducerIdBlockStore(dir), 10);
        assertThat(second.nextId()).isGreaterThan(last).isEqualTo(10);
    }

    @Test
    void anUnreadableBlockFileRefusesToStartRatherThanReuseIds() throws Exception {
        Files.writeString(dir.resolve(FileProducerIdBlockStore.FILE_NAME), "not a number");
        assertThatThrownBy(() -> new FileProducerIdBlockStore(dir)).isInstanceOf(StorageException.class)
                .hasMessageContaining("producer-id-block");
    }

    @Test
    void anyStoreCanBackTheAllocatorAndAFailedReservationHandsOutNothing() {
        List<Integer> requested = new ArrayList<>();
        long[] next = {5_000};
        boolean[] fail = {false};
        ProducerIdBlockStore store = size -> {
            if (fail[0]) {
                throw new StorageException("store unavailable");
            }
            requested.add(size);
            ProducerIdBlock block = new ProducerIdBlock(next[0], size);
            next[0] = block.nextBlockFirstId() + 100; // a cluster store may skip ids other brokers took
            return block;
        };
        ProducerIdAllocator allocator = new ProducerIdAllocator(store, 2);
        assertThat(take(allocator, 3)).containsExactly(5_000L, 5_001L, 5_102L);
        allocator.nextId();
        fail[0] = true;
        assertThatThrownBy(allocator::nextId).isInstanceOf(StorageException.class);
        fail[0] = false;
        assertThat(allocator.nextId()).isEqualTo(5_204L);
        assertThat(requested).containsOnly(2);
    }
}
