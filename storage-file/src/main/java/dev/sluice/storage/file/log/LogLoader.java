package dev.sluice.storage.file.log;

import dev.sluice.api.Time;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.StorageException;
import dev.sluice.storage.file.segment.LogSegment;
import dev.sluice.storage.file.segment.SegmentFiles;
import dev.sluice.storage.file.segment.SegmentRecovery;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Opens the segments of a partition directory and brings them to a consistent state.
 *
 * <ul>
 *   <li>Leftovers of interrupted operations go: temporary files, segment files renamed
 *       {@code .deleted} and still waiting for {@code file.delete.delay.ms}, and index files
 *       without a log.</li>
 *   <li>After an unclean shutdown every segment that may hold unflushed data (from the one with
 *       the recovery point on; all of them without a checkpoint) is re-validated batch by batch.
 *       The first torn or corrupt batch ends the log: the file is cut there and later segments
 *       are deleted, so nothing partial is ever served.</li>
 *   <li>Even after a clean shutdown, a segment whose indexes are missing or fail the sanity
 *       check is recovered (which rebuilds them), and so is a last segment ending mid-batch.</li>
 * </ul>
 */
final class LogLoader {
    private static final System.Logger LOG = System.getLogger(LogLoader.class.getName());

    /** What was loaded: the segments are in {@code segments}. */
    record Loaded(long logEndOffset, long logStartOffset, boolean recovered) {
    }

    private final Path dir;
    private final LogConfig config;
    private final Time time;
    private final OpenState state;
    private final LeaderEpochCache epochs;

    LogLoader(Path dir, LogConfig config, Time time, OpenState state, LeaderEpochCache epochs) {
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.state = state;
        this.epochs = epochs;
    }

    Loaded load(LogSegments segments) {
        TreeSet<Long> baseOffsets = scanDirectory();
        for (long baseOffset : baseOffsets) {
            segments.add(LogSegment.open(dir, baseOffset, config.maxIndexBytes(), time.milliseconds()));
        }
        long recoverFrom = recoverFrom(segments);
        boolean recovered = false;
        long logEnd = -1;
        List<LogSegment> ordered = new ArrayList<>(segments.all());
        for (int i = 0; i < ordered.size(); i++) {
            LogSegment segment = ordered.get(i);
            boolean last = i == ordered.size() - 1;
            long nextOffset = -1;
            if (segment.baseOffset() < recoverFrom && SegmentRecovery.indexesLookValid(segment)) {
                nextOffset = last ? SegmentRecovery.readNextOffset(segment) : 0;
                segment.loadMaxTimestamp(last);
            } else if (segment.baseOffset() < recoverFrom) {
                LOG.log(System.Logger.Level.WARNING, "{0}: index missing or corrupt, rebuilding it", segment.logFile());
            }
            if (nextOffset < 0) {
                SegmentRecovery.Result result = SegmentRecovery.recover(segment, config.indexIntervalBytes(),
                        batch -> epochs.assign(batch.partitionLeaderEpoch(), batch.baseOffset()));
                recovered = true;
                nextOffset = result.nextOffset();
                LogSegment following = last ? null : ordered.get(i + 1);
                if (result.truncatedBytes() > 0 || (following != null && following.baseOffset() < nextOffset)) {
                    deleteAfter(ordered, i, segments);
                    last = true;
                }
            }
            if (last) {
                logEnd = nextOffset;
                break;
            }
        }
        long checkpointedStart = state.logStartOffset().orElse(0L);
        if (segments.isEmpty()) {
            segments.add(LogSegment.open(dir, checkpointedStart, config.maxIndexBytes(), time.milliseconds()));
            logEnd = checkpointedStart;
        }
        segments.active().resizeIndexes(config.maxIndexBytes());
        // an abort whose marker recovery cut (or a torn entry's successor) must not be reported
        segments.active().txnIndex().truncateTo(logEnd);
        long logStart = Math.min(Math.max(checkpointedStart, segments.first().baseOffset()), logEnd);
        epochs.truncateFromEnd(logEnd);
        epochs.truncateFromStart(logStart);
        return new Loaded(logEnd, logStart, recovered);
    }

    /** Segments with a base offset at or above this are recovered batch by batch. */
    private long recoverFrom(LogSegments segments) {
        if (state.cleanShutdown() || segments.isEmpty()) {
            return Long.MAX_VALUE;
        }
        if (state.recoveryPoint().isEmpty()) {
            return Long.MIN_VALUE;
        }
        LogSegment containing = segments.floor(state.recoveryPoint().getAsLong());
        return containing == null ? Long.MIN_VALUE : containing.baseOffset();
    }

    private void deleteAfter(List<LogSegment> ordered, int index, LogSegments segments) {
        for (int j = ordered.size() - 1; j > index; j--) {
            LogSegment doomed = ordered.get(j);
            LOG.log(System.Logger.Level.WARNING, "{0}: deleting segment after the recovered end of the log", doomed.logFile());
            segments.remove(doomed);
            doomed.delete();
        }
    }

    /** Base offsets of the segments in the directory, after removing leftovers. */
    private TreeSet<Long> scanDirectory() {
        TreeSet<Long> logs = new TreeSet<>();
        List<Path> indexes = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            SwapRecovery.run(dir); // before listing: a finished swap changes which segments exist
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(SegmentFiles.TEMP_SUFFIX) || name.endsWith(SegmentFiles.DELETED_SUFFIX)) {
                        // a write or a delayed segment deletion that a crash interrupted
                        Files.deleteIfExists(file);
                    } else if (SegmentFiles.baseOffsetOf(name, SegmentFiles.LOG_SUFFIX) >= 0) {
                        logs.add(SegmentFiles.baseOffsetOf(name, SegmentFiles.LOG_SUFFIX));
                    } else if (SegmentFiles.baseOffsetOf(name, SegmentFiles.OFFSET_INDEX_SUFFIX) >= 0
                            || SegmentFiles.baseOffsetOf(name, SegmentFiles.TIME_INDEX_SUFFIX) >= 0
                            || SegmentFiles.baseOffsetOf(name, SegmentFiles.TXN_INDEX_SUFFIX) >= 0) {
                        indexes.add(file);
                    }
                }
            }
            for (Path index : indexes) {
                String name = index.getFileName().toString();
                long base = SegmentFiles.baseOffsetOf(name, name.substring(name.lastIndexOf('.')));
                if (!logs.contains(base)) {
                    LOG.log(System.Logger.Level.INFO, "{0}: deleting index without a log segment", index);
                    Files.deleteIfExists(index);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list log directory " + dir, e);
        }
        return logs;
    }
}
