package dev.sluice.storage.lmdb.log;

import dev.sluice.api.storage.EpochEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * Leader-epoch history as immutable lists (readers take the current one without locking). Each
 * operation returns the same list when nothing changes, so the writer stores it only on change.
 * Same rules as the file backend's leader-epoch cache, which follows Kafka's.
 */
final class EpochHistory {
    private EpochHistory() {
    }

    /** {@code epoch} wrote {@code startOffset}: a new entry if it is newer than the latest; older epochs are ignored. */
    static List<EpochEntry> assign(List<EpochEntry> current, int epoch, long startOffset) {
        if (epoch < 0 || (!current.isEmpty() && epoch <= current.get(current.size() - 1).epoch())) {
            return current;
        }
        List<EpochEntry> updated = new ArrayList<>(current.size() + 1);
        for (EpochEntry entry : current) {
            if (entry.startOffset() < startOffset) {
                updated.add(entry);
            }
        }
        updated.add(new EpochEntry(epoch, startOffset));
        return List.copyOf(updated);
    }

    /** The log was truncated at {@code endOffset}: entries starting there or later go. */
    static List<EpochEntry> truncateFromEnd(List<EpochEntry> current, long endOffset) {
        List<EpochEntry> kept = current.stream().filter(e -> e.startOffset() < endOffset).toList();
        return kept.size() == current.size() ? current : kept;
    }

    /** The log now starts at {@code startOffset}: earlier entries go and the covering epoch starts there. */
    static List<EpochEntry> truncateFromStart(List<EpochEntry> current, long startOffset) {
        int covering = -1;
        for (int i = 0; i < current.size() && current.get(i).startOffset() <= startOffset; i++) {
            covering = i;
        }
        if (covering < 0 || (covering == 0 && current.get(0).startOffset() == startOffset)) {
            return current;
        }
        List<EpochEntry> updated = new ArrayList<>(current.subList(covering, current.size()));
        updated.set(0, new EpochEntry(updated.get(0).epoch(), startOffset));
        return List.copyOf(updated);
    }
}
