package dev.sluice.coordination.zookeeper;

import dev.sluice.api.cluster.ClusterStoreException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

import java.util.List;

/**
 * The plumbing every part of the store uses: runs ZooKeeper calls on the session's current
 * handle, mapping an unavailable ZooKeeper to {@link ClusterStoreException}, retrying reads across
 * a lost connection, and reading the index of the op that failed a multi-op.
 *
 * <p>Threads: any caller thread (the controller's, request handlers', the session's event thread
 * through listeners); it holds no state of its own beyond the session, whose handle is volatile.
 */
final class ZkCalls {

    static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    /** How often a read-then-conditional-write is tried again after losing a race before giving up. */
    static final int CAS_ATTEMPTS = 100;

    private final ZooKeeperSession session;

    ZkCalls(ZooKeeperSession session) {
        this.session = session;
    }

    /** A ZooKeeper call; checked exceptions are mapped by {@link #call}. */
    interface ZkCall<T> {
        T run(ZooKeeper zk) throws KeeperException, InterruptedException;
    }

    /** The current session's id (changes after an expiry): the owner of this store's ephemeral znodes. */
    long sessionId() {
        return session.handle().getSessionId();
    }

    /**
     * Runs a call, turning unavailability into {@link ClusterStoreException}; other
     * {@link KeeperException}s (NoNode, NodeExists, BadVersion) reach the caller.
     */
    <T> T call(String what, ZkCall<T> call) throws KeeperException {
        try {
            return call.run(session.handle());
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException
                 | KeeperException.SessionMovedException | KeeperException.OperationTimeoutException e) {
            throw new ClusterStoreException(what + ": ZooKeeper unavailable (" + e.code() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStoreException(what + ": interrupted", e);
        }
    }

    /**
     * {@link #call} for reads, which are safe to repeat: a connection lost mid-call (the client
     * reconnects within the session by itself) is retried until the connection timeout has passed,
     * as Kafka's client retries until connected. Writes are not retried: whether one happened is
     * unknown after a lost connection, and the caller re-reads.
     */
    <T> T read(String what, ZkCall<T> call) throws KeeperException {
        long deadline = System.nanoTime() + session.settings().connectionTimeoutMs() * 1_000_000L;
        while (true) {
            try {
                return call.run(session.handle());
            } catch (KeeperException.ConnectionLossException | KeeperException.OperationTimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new ClusterStoreException(what + ": ZooKeeper unavailable (" + e.code() + ")", e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ClusterStoreException(what + ": interrupted", ie);
                }
            } catch (KeeperException.SessionExpiredException | KeeperException.SessionMovedException e) {
                throw new ClusterStoreException(what + ": ZooKeeper session ended (" + e.code() + ")", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterStoreException(what + ": interrupted", e);
            }
        }
    }

    /** The znode's data (empty if it holds none), or null if it does not exist. */
    byte[] dataOrNull(String path, Stat stat) {
        try {
            byte[] data = read("read " + path, zk -> zk.getData(path, false, stat));
            return data == null ? new byte[0] : data;
        } catch (KeeperException.NoNodeException e) {
            return null;
        } catch (KeeperException e) {
            throw new ClusterStoreException("read " + path + ": " + e.getMessage(), e);
        }
    }

    List<String> childrenOrEmpty(String path) {
        try {
            return read("list " + path, zk -> zk.getChildren(path, false));
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (KeeperException e) {
            throw new ClusterStoreException("list " + path + ": " + e.getMessage(), e);
        }
    }

    void createRecursively(String path) {
        StringBuilder prefix = new StringBuilder();
        for (String part : path.substring(1).split("/")) {
            prefix.append('/').append(part);
            String p = prefix.toString();
            try {
                call("create " + p, zk -> zk.create(p, null, OPEN, CreateMode.PERSISTENT));
            } catch (KeeperException.NodeExistsException ignored) {
                // there already
            } catch (KeeperException e) {
                throw new ClusterStoreException("create " + p + ": " + e.getMessage(), e);
            }
        }
    }

    boolean exists(String path) {
        try {
            return read("check " + path, zk -> zk.exists(path, false)) != null;
        } catch (KeeperException e) {
            throw new ClusterStoreException("check " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes the children of {@code dir} named {@code prefix...} created before {@code oldestCtimeMs},
     * never {@code justWritten} (Kafka's brokers purge their change notifications this way).
     */
    void purgeOldChildren(String dir, String prefix, long oldestCtimeMs, String justWritten) {
        for (String child : childrenOrEmpty(dir)) {
            if (child.equals(justWritten) || !child.startsWith(prefix)) {
                continue;
            }
            String path = dir + "/" + child;
            Stat stat = new Stat();
            if (dataOrNull(path, stat) != null && stat.getCtime() < oldestCtimeMs) {
                try {
                    call("purge " + path, h -> {
                        h.delete(path, -1);
                        return null;
                    });
                } catch (KeeperException ignored) {
                    // another broker purged it
                }
            }
        }
    }

    /** The index of the op that failed a multi (the others report a runtime inconsistency). */
    static int failedOp(KeeperException e) {
        List<OpResult> results = e.getResults();
        if (results != null) {
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i) instanceof OpResult.ErrorResult err
                        && err.getErr() != KeeperException.Code.OK.intValue()
                        && err.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                    return i;
                }
            }
        }
        return -1;
    }
}
