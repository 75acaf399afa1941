package dev.sluice.storage.file.log;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.StorageException;
import dev.sluice.storage.file.segment.SegmentFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Start-up's half of the cleaner's segment swap ({@link FileLogCompaction}), before the segments
 * are opened: {@code .cleaned} files (a cleaning cut short before its swap) are removed; each
 * {@code <base>.log.swap} (a cleaned segment that was complete and fsynced) replaces every segment
 * whose base offset lies in {@code [base, its next offset)}: those are removed, the swap's index
 * files too (loading rebuilds them), and the {@code .swap} suffix is dropped. Index {@code .swap}
 * files without their log are leftovers of a finished swap and are removed (loading rebuilds
 * them), except the aborted-transaction index, which cannot be rebuilt: it takes its place next to
 * its log. The old segments
 * replaced reach up to the end the cleaner recorded in {@code <base>.swapend} (written before the
 * swap) if that lies beyond the swap's last batch: a trailing old segment whose records were all
 * cleaned away goes too. Stateless.
 */
final class SwapRecovery {
    private static final System.Logger LOG = System.getLogger(SwapRecovery.class.getName());

    private SwapRecovery() {
    }

    /** Records, durably, the end offset of the old segments the swap at {@code base} replaces. */
    static void recordEnd(Path dir, long base, long end) {
        Path marker = dir.resolve(SegmentFiles.prefix(base) + SegmentFiles.SWAP_END_SUFFIX);
        try (FileChannel channel = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer text = ByteBuffer.wrap(Long.toString(end).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            while (text.hasRemaining()) {
                channel.write(text);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new StorageException("cannot write " + marker, e);
        }
    }

    static void forgetEnd(Path dir, long base) {
        try {
            Files.deleteIfExists(dir.resolve(SegmentFiles.prefix(base) + SegmentFiles.SWAP_END_SUFFIX));
        } catch (IOException e) {
            throw new StorageException("cannot delete the swap end of " + base + " in " + dir, e);
        }
    }

    static void run(Path dir) throws IOException {
        List<Path> swaps = new ArrayList<>();
        List<Path> strays = new ArrayList<>();
        List<Path> ends = new ArrayList<>();
        List<Path> txnSwaps = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(SegmentFiles.CLEANED_SUFFIX)) {
                    strays.add(file);
                } else if (name.endsWith(SegmentFiles.LOG_SUFFIX + SegmentFiles.SWAP_SUFFIX)) {
                    swaps.add(file);
                } else if (name.endsWith(SegmentFiles.TXN_INDEX_SUFFIX + SegmentFiles.SWAP_SUFFIX)) {
                    txnSwaps.add(file); // not rebuildable: kept if its swap went through
                } else if (name.endsWith(SegmentFiles.SWAP_END_SUFFIX)) {
                    ends.add(file); // removed once its swap is done (or if it has none)
                } else if (name.endsWith(SegmentFiles.SWAP_SUFFIX)) {
                    strays.add(file); // an index: removed, loading rebuilds a missing index
                }
            }
        }
        for (Path stray : strays) {
            LOG.log(System.Logger.Level.INFO, "{0}: removing a leftover of an interrupted cleaning", stray);
            Files.deleteIfExists(stray);
        }
        for (Path swap : swaps) {
            complete(dir, swap);
        }
        for (Path end : ends) {
            Files.deleteIfExists(end);
        }
        for (Path txns : txnSwaps) {
            String name = txns.getFileName().toString();
            long base = SegmentFiles.baseOffsetOf(name.substring(0, name.length() - SegmentFiles.SWAP_SUFFIX.length()),
                    SegmentFiles.TXN_INDEX_SUFFIX);
            if (base >= 0 && Files.exists(SegmentFiles.logFile(dir, base))) {
                Files.move(txns, SegmentFiles.txnIndexFile(dir, base), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(txns);
            }
        }
    }

    private static void complete(Path dir, Path swap) throws IOException {
        String logName = swap.getFileName().toString();
        long base = SegmentFiles.baseOffsetOf(logName.substring(0, logName.length() - SegmentFiles.SWAP_SUFFIX.length()),
                SegmentFiles.LOG_SUFFIX);
        if (base < 0) {
            Files.deleteIfExists(swap);
            return;
        }
        long next = Math.max(nextOffset(swap, base), recordedEnd(dir, base));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SegmentFiles.LOG_SUFFIX)) {
            for (Path file : files) {
                long old = SegmentFiles.baseOffsetOf(file.getFileName().toString(), SegmentFiles.LOG_SUFFIX);
                if (old == base || (old > base && old < next)) {
                    SegmentFiles.deleteAll(dir, old); // the log first: a crash leaves indexes without a log, removed at load
                }
            }
        }
        Files.move(swap, SegmentFiles.logFile(dir, base));
        SegmentDirectory.fsync(dir);
        LOG.log(System.Logger.Level.INFO, "{0}: finished swapping in the cleaned segment at offset {1} (up to {2})",
                dir.getFileName(), base, next);
    }

    /** The end offset the cleaner recorded for the swap at {@code base}, or -1. */
    private static long recordedEnd(Path dir, long base) {
        Path marker = dir.resolve(SegmentFiles.prefix(base) + SegmentFiles.SWAP_END_SUFFIX);
        try {
            return Long.parseLong(Files.readString(marker).trim());
        } catch (IOException | NumberFormatException e) {
            return -1; // none (an older swap) or torn: the swap's own batches bound it
        }
    }

    /** Offset after the last whole batch of the file (the base offset if it has none). */
    private static long nextOffset(Path file, long base) throws IOException {
        long next = base;
        ByteBuffer header = ByteBuffer.allocate(RecordBatch.LAST_OFFSET_DELTA_OFFSET + 4);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long position = 0;
            while (position + header.capacity() <= size) {
                header.clear();
                while (header.hasRemaining()) {
                    if (channel.read(header, position + header.position()) < 0) {
                        throw new StorageException("cannot read " + file);
                    }
                }
                long batchSize = header.getInt(RecordBatch.LENGTH_OFFSET) + (long) RecordBatch.LOG_OVERHEAD;
                if (batchSize < RecordBatch.HEADER_SIZE || position + batchSize > size) {
                    break;
                }
                next = header.getLong(RecordBatch.BASE_OFFSET_OFFSET) + header.getInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET) + 1;
                position += batchSize;
            }
        }
        return next;
    }
}
