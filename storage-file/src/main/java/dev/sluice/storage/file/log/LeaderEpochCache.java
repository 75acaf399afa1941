package dev.sluice.storage.file.log;

import dev.sluice.api.storage.EpochEntry;
import dev.sluice.storage.file.checkpoint.LeaderEpochCheckpointFile;

import java.util.ArrayList;
import java.util.List;

/**
 * A partition's leader-epoch history: for each leader epoch that wrote to the log, the first
 * offset it wrote. Kept in memory as an immutable list (readers take it without locking) and
 * written to the partition's {@code leader-epoch-checkpoint} whenever it changes, which is rare,
 * and only if it then differs from the file.
 *
 * <p>While a log loads, changes stay in memory ({@link #deferWrites}): loading drops the entries
 * at or past the log end, and an empty partition's leader adds its epoch back at once, so writing
 * (and fsyncing) the file in between would write it twice to end where it began, per partition per
 * restart. What the file still holds then lies outside the log (at or past its end, or before its
 * start) and the next load drops it again; {@link #persist} writes it before the log grows past it.
 *
 * <p>Threads: changes and {@link #persist} under the log's write lock (or the loading thread);
 * {@link #entries} from any thread.
 */
final class LeaderEpochCache {
    private static final System.Logger LOG = System.getLogger(LeaderEpochCache.class.getName());

    private final LeaderEpochCheckpointFile file;
    private volatile List<EpochEntry> entries;
    /** What the checkpoint file holds. */
    private List<EpochEntry> onDisk;
    private boolean writesDeferred;

    LeaderEpochCache(LeaderEpochCheckpointFile file) {
        this.file = file;
        this.entries = List.copyOf(file.read());
        this.onDisk = entries;
    }

    /** Until {@link #resumeWrites}, changes are made in memory only (while the log loads). */
    void deferWrites() {
        writesDeferred = true;
    }

    /** Changes write the file again; what was deferred is written by the next change or {@link #persist}. */
    void resumeWrites() {
        writesDeferred = false;
    }

    /** Writes the entries if the file holds others: before the log grows past what the file still holds. */
    void persist() {
        List<EpochEntry> current = entries;
        if (current != onDisk && !current.equals(onDisk)) {
            file.write(current);
        }
        onDisk = current;
    }

    List<EpochEntry> entries() {
        return entries;
    }

    /** Records that {@code epoch} wrote {@code startOffset}: a new entry if the epoch is newer than the latest. */
    void assign(int epoch, long startOffset) {
        if (epoch < 0) {
            return;
        }
        List<EpochEntry> current = entries;
        EpochEntry latest = current.isEmpty() ? null : current.get(current.size() - 1);
        if (latest != null && epoch <= latest.epoch()) {
            if (epoch < latest.epoch()) {
                LOG.log(System.Logger.Level.WARNING, "{0}: ignoring batch with leader epoch {1} at offset {2}, older than latest epoch {3}",
                        file, epoch, startOffset, latest.epoch());
            }
            return;
        }
        List<EpochEntry> updated = new ArrayList<>(current.size() + 1);
        for (EpochEntry entry : current) {
            if (entry.startOffset() < startOffset) {
                updated.add(entry);
            }
        }
        updated.add(new EpochEntry(epoch, startOffset));
        replace(updated);
    }

    /** Drops entries starting at or after {@code endOffset} (the log was truncated there). */
    void truncateFromEnd(long endOffset) {
        List<EpochEntry> current = entries;
        List<EpochEntry> kept = current.stream().filter(e -> e.startOffset() < endOffset).toList();
        if (kept.size() != current.size()) {
            replace(kept);
        }
    }

    /**
     * The log now starts at {@code startOffset}: entries wholly before it go, and the epoch that
     * covers it now starts there (as Kafka does).
     */
    void truncateFromStart(long startOffset) {
        List<EpochEntry> current = entries;
        int covering = -1;
        for (int i = 0; i < current.size() && current.get(i).startOffset() <= startOffset; i++) {
            covering = i;
        }
        if (covering < 0 || (covering == 0 && current.get(0).startOffset() == startOffset)) {
            return;
        }
        List<EpochEntry> updated = new ArrayList<>(current.subList(covering, current.size()));
        updated.set(0, new EpochEntry(updated.get(0).epoch(), startOffset));
        replace(updated);
    }

    void clear() {
        replace(List.of()); // also when only the file still has entries: the log restarts, maybe past them
    }

    private void replace(List<EpochEntry> updated) {
        entries = List.copyOf(updated);
        if (!writesDeferred) {
            persist();
        }
    }
}
