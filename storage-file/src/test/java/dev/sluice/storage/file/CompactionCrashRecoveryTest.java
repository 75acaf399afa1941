package dev.sluice.storage.file;

import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.CompactionOutcome;
import dev.sluice.api.storage.CompactionRequest;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.testkit.ManualTime;
import dev.sluice.storage.testkit.TestBatches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash at each step of the cleaner's segment swap, rebuilt on disk from a real cleaning: the
 * partition directory before the cleaning and after it, and the states a crash in between
 * leaves ({@code .cleaned} files being written, {@code .swap} files with the old segments still
 * there or partly retired, the log renamed but its indexes still {@code .swap}). Every state
 * reopens (unclean shutdown) to exactly the log before or exactly the log after, with working
 * indexes, and can be cleaned and appended to.
 */
class CompactionCrashRecoveryTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final LogConfig CONFIG = LogConfig.DEFAULT.withSegmentBytes(1024).withIndex(0, 4096);
    private static final String[] SUFFIXES = {".log", ".index", ".timeindex"};

    @TempDir
    Path root;
    final ManualTime time = new ManualTime();
    FileLogStorageEngine engine;
    Path before;
    Path after;
    Map<Long, String> contentsBefore;
    Map<Long, String> contentsAfter;
    TreeSet<Long> cleanedBases;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @BeforeEach
    void cleanOnceAndKeepBothStates() throws IOException {
        Path dir = root.resolve("work");
        engine = new FileLogStorageEngine(dir, time);
        LogStorage log = engine.open(TP, CONFIG);
        appendRounds(log, 0);
        // a first cleaning leaves small segments, which the cleaning under test merges into groups
        log.compaction().orElseThrow().compact(CompactionRequest.at(time.milliseconds(), log.logEndOffset(), 0, 60_000));
        appendRounds(log, 12);
        contentsBefore = contents(log);
        long activeBase = log.activeSegmentBaseOffset();
        engine.close();
        before = copy(dir.resolve("t-0"), root.resolve("before"));

        engine = new FileLogStorageEngine(dir, time);
        log = engine.open(TP, CONFIG);
        CompactionOutcome outcome = log.compaction().orElseThrow()
                .compact(CompactionRequest.at(time.milliseconds(), log.logEndOffset(), 0, 60_000));
        assertThat(outcome).isInstanceOf(CompactionOutcome.Cleaned.class);
        contentsAfter = contents(log);
        assertThat(contentsAfter).isNotEqualTo(contentsBefore);
        engine.close();
        engine = null;
        after = copy(dir.resolve("t-0"), root.resolve("after"));
        cleanedBases = new TreeSet<>(segmentBases(after).headSet(activeBase));
        assertThat(cleanedBases.size()).isLessThan(segmentBases(before).headSet(activeBase).size()); // groups were merged
    }

    @Test
    void cleanedFilesOfAnUnfinishedCleaningAreRemovedAndTheOldLogStays() throws IOException {
        Path crashed = copy(before, root.resolve("crash/t-0"));
        for (long base : cleanedBases) {
            copySegment(after, base, crashed, ".cleaned");
        }
        Files.writeString(crashed.resolve(name(cleanedBases.last(), ".log.cleaned")), "torn"); // the one being written

        LogStorage log = reopen();

        assertThat(contents(log)).isEqualTo(contentsBefore);
        assertThat(filesEndingWith(crashed, ".cleaned")).isEmpty();
        assertCleansAndAppends(log);
    }

    @Test
    void aSwapFoundWithTheOldSegmentsStillThereIsCompleted() throws IOException {
        Path crashed = copy(before, root.resolve("crash/t-0"));
        for (long base : cleanedBases) {
            copySegment(after, base, crashed, ".swap");
        }

        LogStorage log = reopen();

        assertThat(contents(log)).isEqualTo(contentsAfter);
        assertThat(filesEndingWith(crashed, ".swap")).isEmpty();
        assertThat(filesEndingWith(crashed, ".swapend")).isEmpty();
        assertThat(segmentBases(crashed)).isEqualTo(segmentBases(after));
        assertCleansAndAppends(log);
    }

    @Test
    void aSwapFoundWithTheOldSegmentsPartlyRetiredIsCompleted() throws IOException {
        Path crashed = copy(before, root.resolve("crash/t-0"));
        long firstCleaned = cleanedBases.first();
        for (long base : cleanedBases) {
            copySegment(after, base, crashed, ".swap");
        }
        for (long base : segmentBases(before).headSet(cleanedBases.higher(firstCleaned))) {
            for (String suffix : SUFFIXES) { // the first group's old segments were renamed .deleted
                Files.move(crashed.resolve(name(base, suffix)), crashed.resolve(name(base, suffix + ".deleted")));
            }
        }

        LogStorage log = reopen();

        assertThat(contents(log)).isEqualTo(contentsAfter);
        assertThat(filesEndingWith(crashed, ".deleted")).isEmpty();
        assertCleansAndAppends(log);
    }

    @Test
    void aSwappedLogWhoseIndexesStillCarryTheSwapSuffixGetsThemRebuilt() throws IOException {
        Path crashed = copy(after, root.resolve("crash/t-0"));
        Files.deleteIfExists(crashed.resolve("cleaner-offset-checkpoint")); // the checkpoint comes last
        long base = cleanedBases.last();
        Files.move(crashed.resolve(name(base, ".index")), crashed.resolve(name(base, ".index.swap")));
        Files.move(crashed.resolve(name(base, ".timeindex")), crashed.resolve(name(base, ".timeindex.swap")));

        LogStorage log = reopen();

        assertThat(contents(log)).isEqualTo(contentsAfter);
        assertThat(filesEndingWith(crashed, ".swap")).isEmpty();
        assertThat(Files.exists(crashed.resolve(name(base, ".index")))).isTrue();
        for (long offset : contentsAfter.keySet()) { // every offset found through the rebuilt indexes
            List<Record> records = TestBatches.recordsOf(log.read(offset, log.logEndOffset(), 1, true));
            assertThat(records).isNotEmpty();
            assertThat(records.get(records.size() - 1).offset()).isGreaterThanOrEqualTo(offset);
        }
        assertCleansAndAppends(log);
    }

    private void appendRounds(LogStorage log, int first) {
        for (int round = first; round < first + 12; round++) {
            for (int k = 0; k < 5; k++) {
                log.append(new RecordBatchBuilder(null).append(time.milliseconds(), ("k" + k).getBytes(StandardCharsets.UTF_8),
                        ("v" + round + "-" + "z".repeat(50)).getBytes(StandardCharsets.UTF_8)).build());
            }
        }
    }

    private LogStorage reopen() {
        engine = new FileLogStorageEngine(root.resolve("crash"), time); // no clean-shutdown marker: a crash
        return engine.open(TP, CONFIG);
    }

    /** The recovered log cleans (nothing lost that the cleaning needs) and takes appends. */
    private void assertCleansAndAppends(LogStorage log) {
        log.compaction().orElseThrow().compact(CompactionRequest.at(time.milliseconds(), log.logEndOffset(), 0, 60_000));
        assertThat(contents(log)).isEqualTo(contentsAfter);
        long end = log.logEndOffset();
        log.append(new RecordBatchBuilder(null).append(time.milliseconds(), "new".getBytes(StandardCharsets.UTF_8),
                "value".getBytes(StandardCharsets.UTF_8)).build());
        assertThat(contents(log)).containsEntry(end, "new=value");
    }

    private static Map<Long, String> contents(LogStorage log) {
        Map<Long, String> out = new LinkedHashMap<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogSlice slice = log.read(next, log.logEndOffset(), 1 << 20, true);
            List<Record> records = TestBatches.recordsOf(slice);
            long last = TestBatches.batchesOf(slice).stream().mapToLong(b -> b.nextOffset()).max().orElseThrow();
            for (Record r : records) {
                out.put(r.offset(), new String(r.keyBytes(), StandardCharsets.UTF_8) + "=" + TestBatches.valueOf(r));
            }
            next = last;
        }
        return out;
    }

    private static String name(long base, String suffix) {
        return String.format("%020d", base) + suffix;
    }

    private static void copySegment(Path from, long base, Path to, String extraSuffix) throws IOException {
        for (String suffix : SUFFIXES) {
            Files.copy(from.resolve(name(base, suffix)), to.resolve(name(base, suffix + extraSuffix)));
        }
        if (extraSuffix.equals(".swap")) { // the cleaner records where the replaced segments end before the swap
            TreeSet<Long> afterBases = segmentBases(from);
            Long next = afterBases.higher(base);
            Files.writeString(to.resolve(name(base, ".swapend")), Long.toString(next));
        }
    }

    private static TreeSet<Long> segmentBases(Path dir) throws IOException {
        TreeSet<Long> bases = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{20}\\.log"))
                    .forEach(n -> bases.add(Long.parseLong(n.substring(0, 20))));
        }
        return bases;
    }

    private static List<Path> filesEndingWith(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }
}
