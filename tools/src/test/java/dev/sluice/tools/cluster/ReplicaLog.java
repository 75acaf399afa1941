package dev.sluice.tools.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A partition replica as its storage engine left it on disk, read straight from there
 * (independently of the broker's code): the header of every record batch, in order, and its epoch
 * history (the entries that start below the log end: an epoch that wrote nothing — a leadership
 * with no appends, known only to the replica that led — is not part of the replicated history, in
 * Kafka as here). Two replicas are identical batch for batch, with the same epoch history, when
 * these are equal, whichever engines hold them. The {@code file} engine is read from its segments
 * and leader-epoch checkpoint; {@code lmdb} through {@link LmdbReplicaReader}.
 *
 * <p>Threads: any; it reads files only.
 */
public record ReplicaLog(List<Batch> batches, List<Epoch> epochs) {
    /** What identifies a batch: its offsets, the leader epoch that wrote it, its CRC (over everything after it). */
    public record Batch(long baseOffset, long lastOffset, int leaderEpoch, int crc) {
    }

    /** An epoch and the offset of its first record. */
    public record Epoch(int epoch, long startOffset) {
    }

    /** Reads the replica of {@code topic}-{@code partition} that the engine called {@code engine} keeps under {@code dataDir}. */
    public static ReplicaLog read(Path dataDir, String engine, String topic, int partition) throws IOException {
        return switch (engine) {
            case "file" -> read(dataDir, topic, partition);
            case "lmdb" -> LmdbReplicaReader.read(dataDir.resolve("lmdb"), topic, partition);
            default -> throw new IllegalArgumentException("no reader for the storage engine " + engine);
        };
    }

    /** Reads {@code dataDir}/{@code topic}-{@code partition} as the {@code file} engine wrote it. */
    public static ReplicaLog read(Path dataDir, String topic, int partition) throws IOException {
        Path dir = dataDir.resolve(topic + "-" + partition);
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        List<Batch> batches = new ArrayList<>();
        for (Path segment : segments) {
            readSegment(segment, batches);
        }
        List<Epoch> recorded = new ArrayList<>();
        Path checkpoint = dir.resolve("leader-epoch-checkpoint");
        if (Files.exists(checkpoint)) {
            List<String> lines = Files.readAllLines(checkpoint); // version, count, then "epoch offset" lines
            for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
                String[] parts = line.trim().split("\\s+");
                recorded.add(new Epoch(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
            }
        }
        return of(batches, recorded);
    }

    /** The replica of {@code batches} whose engine recorded the epoch starts {@code recorded} (those at or past the end dropped). */
    static ReplicaLog of(List<Batch> batches, List<Epoch> recorded) {
        long end = batches.isEmpty() ? 0 : batches.get(batches.size() - 1).lastOffset() + 1;
        return new ReplicaLog(List.copyOf(batches), recorded.stream().filter(e -> e.startOffset() < end).toList());
    }

    /** The header fields of the v2 batch at the start of {@code batch} (absolute positions from its {@code position()}). */
    static Batch header(ByteBuffer batch) {
        ByteBuffer b = batch.duplicate().order(ByteOrder.BIG_ENDIAN);
        int at = b.position();
        long baseOffset = b.getLong(at);
        return new Batch(baseOffset, baseOffset + b.getInt(at + 23), b.getInt(at + 12), b.getInt(at + 17));
    }

    /** The epoch history the batches themselves show: each epoch with its first batch's offset. */
    public List<Epoch> epochsOfBatches() {
        List<Epoch> epochs = new ArrayList<>();
        for (Batch b : batches) {
            if (epochs.isEmpty() || epochs.get(epochs.size() - 1).epoch() != b.leaderEpoch()) {
                epochs.add(new Epoch(b.leaderEpoch(), b.baseOffset()));
            }
        }
        return epochs;
    }

    private static void readSegment(Path segment, List<Batch> batches) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(27).order(ByteOrder.BIG_ENDIAN);
            long position = 0;
            long size = channel.size();
            while (position + 27 <= size) {
                header.clear();
                channel.read(header, position);
                int length = header.getInt(8);
                if (length <= 0 || position + 12 + length > size) {
                    break; // preallocated or torn tail: not a batch
                }
                batches.add(header(header.position(0)));
                position += 12 + length;
            }
        }
    }

    /** The offset after the last batch (0 when empty). */
    public long endOffset() {
        return batches.isEmpty() ? 0 : batches.get(batches.size() - 1).lastOffset() + 1;
    }
}
