package dev.sluice.storage.file.segment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * #9 "truncation safe for concurrent readers": lookups racing with the writer truncating the
 * index, trimming and growing its file and appending different entries into the freed slots.
 * Every answer must come from one consistent state of the index: never an exception (a count
 * beyond the mapping being read) and never a position of an entry other than the one the lookup
 * selected (a slot rewritten under it). Before the mapping and count were published together,
 * readers failed with IndexOutOfBoundsException within a few hundred rounds.
 */
class IndexTruncationDuringReadTest {
    private static final long BASE = 1_000;
    private static final int ENTRIES = 64;
    private static final int MAX_BYTES = ENTRIES * OffsetIndex.ENTRY_SIZE;

    @TempDir
    Path dir;

    /** Even rounds index every 10th offset, odd rounds every 7th; the position says which. */
    private static int step(int parity) {
        return parity == 0 ? 10 : 7;
    }

    private static int positionFor(int relativeOffset, int parity) {
        return relativeOffset * 4 + parity + 1;
    }

    @Test
    @Timeout(120)
    void lookupsDuringTruncationSeeOneConsistentIndex() throws Exception {
        OffsetIndex index = new OffsetIndex(dir.resolve("00000000000000001000.index"), BASE, MAX_BYTES);
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<Long>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(CompletableFuture.supplyAsync(() -> {
                long lookups = 0;
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    long target = BASE + random.nextInt(ENTRIES * 10);
                    int position = index.lookupPosition(target);
                    if (position != 0) {
                        int parity = (position - 1) % 4;
                        int relative = (position - 1) / 4;
                        assertThat(parity).isBetween(0, 1);
                        assertThat(relative % step(parity)).as("entry of one round").isZero();
                        assertThat(BASE + relative).as("entry at or below the target").isLessThanOrEqualTo(target);
                    }
                    lookups++;
                }
                return lookups;
            }));
        }
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            for (int round = 0; System.nanoTime() < end && readers.stream().noneMatch(CompletableFuture::isDone); round++) {
                int parity = round % 2;
                index.truncateTo(BASE); // drop everything: the next round rewrites the same slots
                if (round % 16 == 0) {
                    index.trimToValidSize(); // as a roll does
                    index.resize(MAX_BYTES); // as the segment becoming active again does
                }
                for (int i = 0; i < ENTRIES; i++) {
                    int relative = i * step(parity);
                    index.append(BASE + relative, positionFor(relative, parity));
                }
            }
        } finally {
            stop.set(true);
        }
        for (CompletableFuture<Long> reader : readers) {
            assertThat(reader.get(30, TimeUnit.SECONDS)).isPositive();
        }
    }
}
