package dev.sluice.tools.cluster;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One {@link ProcessCluster} at a time in this module, across the test JVMs surefire runs side by
 * side: a cluster is ZooKeeper and three broker JVMs, and two of them on a 2-core machine starve
 * each other past their session timeouts (a bounce meant to beat the session then misses it). The
 * turn is an exclusive lock on {@code target/process-cluster.lock}, held from the cluster's start
 * to its close; the other JVM meanwhile runs test classes that start no cluster.
 *
 * <p>Threads: taken and released by the thread that starts and closes its cluster.
 */
final class ClusterTurn implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterTurn.class.getName());
    private static final Path LOCK_FILE = Path.of("target", "process-cluster.lock");

    private final FileChannel channel;
    private final FileLock lock;

    private ClusterTurn(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits until no other test JVM of this module runs a cluster, then holds the turn until {@link #close()}. */
    static ClusterTurn take(String label) throws IOException {
        Files.createDirectories(LOCK_FILE.getParent());
        FileChannel channel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long start = System.nanoTime();
        try {
            FileLock lock = channel.lock();
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            if (waitedMs > 100) {
                LOG.log(System.Logger.Level.INFO, "{0}: waited {1} ms for another test JVM''s process cluster to close",
                        label, Long.toString(waitedMs));
            }
            return new ClusterTurn(channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "releasing " + LOCK_FILE + " failed", e);
        }
    }
}
