package dev.sluice.storage.file.segment;

import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Names of a segment's files, as Kafka lays them out: the base offset zero-padded to 20 digits
 * ({@code 00000000000000000042.log}, {@code .index}, {@code .timeindex}, {@code .txnindex}) so that a directory
 * listing sorts segments by offset.
 */
public final class SegmentFiles {
    public static final String LOG_SUFFIX = ".log";
    public static final String OFFSET_INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    /** The aborted-transaction index ({@link TransactionIndex}); only segments with aborts have one. */
    public static final String TXN_INDEX_SUFFIX = ".txnindex";
    /** Suffix of files written to a temporary name and then renamed into place. */
    public static final String TEMP_SUFFIX = ".tmp";
    /** Suffix of a retired segment's files, removed after {@code file.delete.delay.ms} or at start-up. */
    public static final String DELETED_SUFFIX = ".deleted";

    /** Suffix of a cleaned segment's files while the cleaner writes them; removed at start-up. */
    public static final String CLEANED_SUFFIX = ".cleaned";
    /** Suffix of a cleaned segment's files ready to replace the originals; start-up completes the swap. */
    public static final String SWAP_SUFFIX = ".swap";

    /**
     * {@code <base>.swapend}: the end offset (exclusive, decimal) of the old segments a {@code .swap}
     * segment replaces, written before the swap so start-up also replaces old segments whose records
     * were all cleaned away (the swap's own batches end before them).
     */
    public static final String SWAP_END_SUFFIX = ".swapend";

    private static final int DIGITS = 20;

    private SegmentFiles() {
    }

    public static String prefix(long baseOffset) {
        if (baseOffset < 0) {
            throw new IllegalArgumentException("negative base offset " + baseOffset);
        }
        return String.format(Locale.ROOT, "%0" + DIGITS + "d", baseOffset);
    }

    public static Path logFile(Path dir, long baseOffset) {
        return dir.resolve(prefix(baseOffset) + LOG_SUFFIX);
    }

    public static Path offsetIndexFile(Path dir, long baseOffset) {
        return dir.resolve(prefix(baseOffset) + OFFSET_INDEX_SUFFIX);
    }

    public static Path timeIndexFile(Path dir, long baseOffset) {
        return dir.resolve(prefix(baseOffset) + TIME_INDEX_SUFFIX);
    }

    public static Path txnIndexFile(Path dir, long baseOffset) {
        return dir.resolve(prefix(baseOffset) + TXN_INDEX_SUFFIX);
    }

    /** Where a retired segment file waits for its deletion: {@code 00000000000000000042.log.deleted}. */
    public static Path deletedName(Path file) {
        return file.resolveSibling(file.getFileName() + DELETED_SUFFIX);
    }

    /**
     * The base offset encoded in {@code fileName} if it is {@code <20 digits><suffix>}, else -1.
     */
    public static long baseOffsetOf(String fileName, String suffix) {
        if (fileName.length() != DIGITS + suffix.length() || !fileName.endsWith(suffix)) {
            return -1;
        }
        for (int i = 0; i < DIGITS; i++) {
            if (!Character.isDigit(fileName.charAt(i))) {
                return -1;
            }
        }
        try {
            return Long.parseLong(fileName, 0, DIGITS, 10);
        } catch (NumberFormatException e) {
            return -1; // more than Long.MAX_VALUE
        }
    }

    /** Removes whatever files exist for the segment at {@code baseOffset}. */
    public static void deleteAll(Path dir, long baseOffset) {
        try {
            Files.deleteIfExists(logFile(dir, baseOffset));
            Files.deleteIfExists(offsetIndexFile(dir, baseOffset));
            Files.deleteIfExists(timeIndexFile(dir, baseOffset));
            Files.deleteIfExists(txnIndexFile(dir, baseOffset));
        } catch (IOException e) {
            throw new StorageException("cannot delete segment files at " + baseOffset + " in " + dir, e);
        }
    }
}
