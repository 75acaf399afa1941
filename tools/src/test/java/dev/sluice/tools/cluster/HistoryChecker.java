package dev.sluice.tools.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a produce/consume history against the promise of replication: every acknowledged record
 * is in the final log exactly once, at the offset its acknowledgement named, in the order it was
 * sent; no offset was ever read with two values; nothing a consumer read is gone later; nothing
 * appears that was never sent.
 *
 * <p>Records are identified by their value, which must be unique per run. The producer side reports
 * each send in order ({@link #sent}), then its outcome: {@link #acknowledged} with the offset, or
 * {@link #failed} (not acknowledged: it may or may not have been written, so its presence is
 * allowed but not required). Consumers report every record they read ({@link #read}). At the end
 * {@link #check} compares all of it with the final content of every partition.
 *
 * <p>Threads: the recording methods may be called from any thread (producer callbacks, consumer
 * threads; they synchronize on this); {@code check} after recording ended.
 */
public final class HistoryChecker {
    /** A record at an offset of a partition, as a consumer read it. */
    public record Read(int partition, long offset, String value) {
    }

    private record Sent(int partition, int index) {
    }

    private record Position(int partition, long offset) {
    }

    private final Map<String, Sent> sent = new HashMap<>();
    private final Map<Integer, Integer> sentPerPartition = new HashMap<>();
    private final Map<String, Position> acknowledged = new HashMap<>();
    private final Set<String> failed = new HashSet<>();
    /** Every (partition, offset) any consumer read, with the first value read there. */
    private final Map<Position, String> readAt = new HashMap<>();
    private final List<String> conflicts = new ArrayList<>();

    /** A record handed to the producer, in send order for its partition. */
    public synchronized void sent(int partition, String value) {
        int index = sentPerPartition.merge(partition, 1, Integer::sum) - 1;
        if (sent.putIfAbsent(value, new Sent(partition, index)) != null) {
            throw new IllegalArgumentException("value sent twice: " + value + " (values must be unique)");
        }
    }

    /** The producer acknowledged {@code value} at {@code offset}. */
    public synchronized void acknowledged(String value, int partition, long offset) {
        acknowledged.put(value, new Position(partition, offset));
    }

    /** The producer gave up on {@code value} (an error): it may be in the log or not. */
    public synchronized void failed(String value) {
        failed.add(value);
    }

    /** A consumer read {@code value} at {@code offset} of {@code partition}. */
    public synchronized void read(int partition, long offset, String value) {
        Position at = new Position(partition, offset);
        String before = readAt.putIfAbsent(at, value);
        if (before != null && !before.equals(value)) {
            conflicts.add(partition + "@" + offset + " read as " + before + " and as " + value);
        }
    }

    /** The verdict, comparing the history with {@code finalLogs}: per partition, its records in offset order. */
    public synchronized Result check(Map<Integer, List<Read>> finalLogs) {
        Map<Position, String> finalAt = new HashMap<>();
        Map<String, List<Position>> whereFinal = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Read>> partition : new TreeMap<>(finalLogs).entrySet()) {
            for (Read r : partition.getValue()) {
                if (r.partition() != partition.getKey()) {
                    throw new IllegalArgumentException("record of partition " + r.partition() + " in the log of " + partition.getKey());
                }
                finalAt.put(new Position(r.partition(), r.offset()), r.value());
                whereFinal.computeIfAbsent(r.value(), v -> new ArrayList<>()).add(new Position(r.partition(), r.offset()));
            }
        }
        List<String> lost = new ArrayList<>();
        List<String> misplaced = new ArrayList<>();
        for (Map.Entry<String, Position> ack : acknowledged.entrySet()) {
            List<Position> where = whereFinal.get(ack.getKey());
            if (where == null) {
                lost.add(ack.getKey() + " (acknowledged at " + describe(ack.getValue()) + ")");
            } else if (!where.contains(ack.getValue())) {
                misplaced.add(ack.getKey() + " acknowledged at " + describe(ack.getValue()) + " but found at " + describeAll(where));
            }
        }
        List<String> duplicated = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, List<Position>> e : whereFinal.entrySet()) {
            if (e.getValue().size() > 1) {
                duplicated.add(e.getKey() + " at " + describeAll(e.getValue()));
            }
            Sent s = sent.get(e.getKey());
            if (s == null) {
                unexpected.add(e.getKey() + " at " + describeAll(e.getValue()) + " was never sent");
            } else if (e.getValue().stream().anyMatch(p -> p.partition() != s.partition())) {
                unexpected.add(e.getKey() + " sent to partition " + s.partition() + " found at " + describeAll(e.getValue()));
            }
        }
        List<String> reordered = new ArrayList<>();
        for (Map.Entry<Integer, List<Read>> partition : new TreeMap<>(finalLogs).entrySet()) {
            Read previous = null;
            int previousIndex = -1;
            for (Read r : partition.getValue()) {
                Sent s = sent.get(r.value());
                if (s == null) {
                    continue;
                }
                if (s.index() < previousIndex) {
                    reordered.add(r.value() + " at " + describe(new Position(r.partition(), r.offset())) + " after "
                            + previous.value() + " at offset " + previous.offset() + ", though sent before it");
                } else if (s.index() > previousIndex) {
                    previous = r;
                    previousIndex = s.index();
                }
            }
        }
        List<String> conflicting = new ArrayList<>(conflicts);
        List<String> vanished = new ArrayList<>();
        for (Map.Entry<Position, String> read : readAt.entrySet()) {
            String now = finalAt.get(read.getKey());
            if (now == null) {
                vanished.add(read.getValue() + " read at " + describe(read.getKey()) + " is gone");
            } else if (!now.equals(read.getValue())) {
                conflicting.add(describe(read.getKey()) + " read as " + read.getValue() + ", finally holds " + now);
            }
        }
        return new Result(sent.size(), acknowledged.size(), failed.size(), readAt.size(), lost, duplicated, reordered, misplaced,
                conflicting, vanished, unexpected);
    }

    private static String describe(Position p) {
        return p.partition() + "@" + p.offset();
    }

    private static String describeAll(List<Position> positions) {
        return positions.stream().map(HistoryChecker::describe).toList().toString();
    }

    /**
     * The verdict. Each list names the records concerned: {@code lost} acknowledged but absent;
     * {@code duplicated} present at several offsets; {@code reordered} after a record sent later;
     * {@code misplaced} present, but not at the offset acknowledged; {@code conflicting} an offset
     * seen with two values; {@code vanished} read once, gone from the final log; {@code unexpected}
     * never sent (or in another partition).
     */
    public record Result(long sent, long acknowledged, long failed, long read, List<String> lost, List<String> duplicated,
                         List<String> reordered, List<String> misplaced, List<String> conflicting, List<String> vanished,
                         List<String> unexpected) {
        public boolean ok() {
            return lost.isEmpty() && duplicated.isEmpty() && reordered.isEmpty() && misplaced.isEmpty() && conflicting.isEmpty()
                    && vanished.isEmpty() && unexpected.isEmpty();
        }

        /** The counts on one line. */
        public String counts() {
            return "sent " + sent + ", acknowledged " + acknowledged + ", failed " + failed + ", read " + read + ", lost " + lost.size()
                    + ", duplicated " + duplicated.size() + ", reordered " + reordered.size() + ", misplaced " + misplaced.size()
                    + ", conflicting " + conflicting.size() + ", vanished " + vanished.size() + ", unexpected " + unexpected.size();
        }

        /** The counts and the first few records of each kind of anomaly. */
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(counts());
            Map<String, List<String>> kinds = new LinkedHashMap<>();
            kinds.put("lost", lost);
            kinds.put("duplicated", duplicated);
            kinds.put("reordered", reordered);
            kinds.put("misplaced", misplaced);
            kinds.put("conflicting", conflicting);
            kinds.put("vanished", vanished);
            kinds.put("unexpected", unexpected);
            kinds.forEach((kind, list) -> {
                if (!list.isEmpty()) {
                    text.append("\n  ").append(kind).append(": ").append(list.subList(0, Math.min(10, list.size())));
                }
            });
            return text.toString();
        }
    }
}
