package dev.sluice.tools.cluster;

import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a partition replica from the {@code lmdb} storage engine's environment with lmdbjava
 * directly, not through the engine: a read-only environment (LMDB lets other processes read
 * while the broker writes, each in its own snapshot), so the test can compare replicas of running
 * brokers. Only the documented key layout of the engine's tables is shared with it:
 * {@code partitions} "topic-partition" → id, {@code batches} [id][base offset] → the batch as
 * received, {@code epochs} [id][epoch] → start offset (all big-endian).
 *
 * <p>Threads: any; each call opens and closes its own environment.
 */
final class LmdbReplicaReader {
    private LmdbReplicaReader() {
    }

    static ReplicaLog read(Path environment, String topic, int partition) throws IOException {
        Path data = environment.resolve("data.mdb");
        if (!Files.exists(data)) {
            throw new IOException("no LMDB environment in " + environment);
        }
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(8).setMapSize(Files.size(data))
                .open(environment.toFile(), EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOTLS);
             Txn<ByteBuffer> txn = env.txnRead()) {
            Dbi<ByteBuffer> partitions = env.openDbi(txn, bytes("partitions"), null, false);
            Dbi<ByteBuffer> batches = env.openDbi(txn, bytes("batches"), null, false);
            Dbi<ByteBuffer> epochs = env.openDbi(txn, bytes("epochs"), null, false);
            ByteBuffer id = partitions.get(txn, direct(bytes(topic + "-" + partition)));
            if (id == null) {
                throw new IOException("no partition " + topic + "-" + partition + " in " + environment);
            }
            int partitionId = id.getInt(0);
            List<ReplicaLog.Batch> found = new ArrayList<>();
            try (Cursor<ByteBuffer> cursor = batches.openCursor(txn)) {
                for (boolean more = cursor.get(prefix(partitionId), GetOp.MDB_SET_RANGE);
                     more && cursor.key().getInt(0) == partitionId; more = cursor.next()) {
                    found.add(ReplicaLog.header(cursor.val()));
                }
            }
            List<ReplicaLog.Epoch> recorded = new ArrayList<>();
            try (Cursor<ByteBuffer> cursor = epochs.openCursor(txn)) {
                for (boolean more = cursor.get(prefix(partitionId), GetOp.MDB_SET_RANGE);
                     more && cursor.key().getInt(0) == partitionId; more = cursor.next()) {
                    recorded.add(new ReplicaLog.Epoch(cursor.key().getInt(4), cursor.val().getLong(0)));
                }
            }
            return ReplicaLog.of(found, recorded);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ByteBuffer prefix(int partitionId) {
        return ByteBuffer.allocateDirect(4).putInt(0, partitionId);
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }
}
