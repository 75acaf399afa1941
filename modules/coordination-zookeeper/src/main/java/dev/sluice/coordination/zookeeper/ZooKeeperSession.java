package dev.sluice.coordination.zookeeper;

import dev.sluice.api.cluster.ClusterListener;
import dev.sluice.api.cluster.ClusterStoreException;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One broker's ZooKeeper session and its replacement after expiry. The ZooKeeper client itself
 * reconnects within a session; when the server declares the session expired (ephemeral znodes
 * gone), this class tells the listeners ({@code sessionExpired}), opens a new session (retrying
 * until it succeeds or the store closes), re-adds the watch and tells them again
 * ({@code sessionEstablished}), as Kafka's ZooKeeperClient does.
 *
 * <p>Changes are observed with one persistent recursive watch on the (chrooted) root, which
 * survives reconnects; {@link ZkEventRouter} turns paths into listener events.
 *
 * <p>Threads: ZooKeeper's own event thread calls the watchers; they only queue work on
 * {@code sluice-zookeeper-events}, the single thread that runs listeners and session renewal,
 * so listeners see events in order and may call the store. Any thread may call {@link #handle()}.
 */
final class ZooKeeperSession implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ZooKeeperSession.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final long RENEW_BACKOFF_MS = 1_000;

    private final ZooKeeperSettings settings;
    private final ExecutorService events;
    private final CopyOnWriteArrayList<ClusterListener> listeners = new CopyOnWriteArrayList<>();
    private final ZkEventRouter router = new ZkEventRouter(this::publish);
    private final AtomicInteger renewals = new AtomicInteger();
    private volatile ZooKeeper zk;
    private volatile boolean closed;

    private ZooKeeperSession(ZooKeeperSettings settings) {
        this.settings = settings;
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-zookeeper-events-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects (creating the chroot first if it is missing), blocking up to the connection timeout. */
    static ZooKeeperSession open(ZooKeeperSettings settings) {
        if (!settings.chroot().isEmpty()) {
            createChroot(settings);
        }
        ZooKeeperSession session = new ZooKeeperSession(settings);
        try {
            session.zk = session.connect(settings.connectString());
            session.watchAll(session.zk);
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** The current handle; after an expiry, the new session's once it is established. */
    ZooKeeper handle() {
        if (closed) {
            throw new ClusterStoreException("the ZooKeeper metadata store is closed");
        }
        return zk;
    }

    ZooKeeperSettings settings() {
        return settings;
    }

    /** Sessions opened after an expiry so far (tests wait for it). */
    int renewals() {
        return renewals.get();
    }

    void addListener(ClusterListener listener) {
        listeners.add(listener);
    }

    private void publish(Consumer<ClusterListener> event) {
        if (closed) {
            return;
        }
        events.execute(() -> {
            for (ClusterListener l : listeners) {
                try {
                    event.accept(l);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "cluster listener failed", e);
                }
            }
        });
    }

    private ZooKeeper connect(String connectString) {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper[] self = new ZooKeeper[1];
        Watcher stateWatcher = event -> {
            if (event.getType() != Watcher.Event.EventType.None) {
                return;
            }
            switch (event.getState()) {
                case SyncConnected -> connected.countDown();
                case Expired -> {
                    // only the current session's expiry matters (not one we replaced already)
                    if (self[0] != null && self[0] == zk && !closed) {
                        LOG.log(System.Logger.Level.WARNING, "ZooKeeper session 0x{0} expired",
                                Long.toHexString(self[0].getSessionId()));
                        events.execute(this::renew);
                    }
                }
                default -> {
                }
            }
        };
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        try {
            self[0] = new ZooKeeper(connectString, settings.sessionTimeoutMs(), stateWatcher, config);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new ClusterStoreException("cannot connect to ZooKeeper at " + connectString + ": " + e.getMessage(), e);
        }
        try {
            if (!connected.await(settings.connectionTimeoutMs(), TimeUnit.MILLISECONDS)) {
                closeQuietly(self[0]);
                throw new ClusterStoreException("timed out after " + settings.connectionTimeoutMs()
                        + " ms connecting to ZooKeeper at " + connectString);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(self[0]);
            throw new ClusterStoreException("interrupted while connecting to ZooKeeper", e);
        }
        return self[0];
    }

    private void watchAll(ZooKeeper handle) {
        try {
            handle.addWatch("/", router, AddWatchMode.PERSISTENT_RECURSIVE);
        } catch (KeeperException e) {
            throw new ClusterStoreException("cannot watch ZooKeeper: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStoreException("interrupted", e);
        }
    }

    /** On the events thread: the session expired; tell the listeners, then start a new one. */
    private void renew() {
        for (ClusterListener l : listeners) {
            try {
                l.sessionExpired();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cluster listener failed on session expiry", e);
            }
        }
        ZooKeeper old = zk;
        closeQuietly(old);
        while (!closed) {
            try {
                ZooKeeper fresh = connect(settings.connectString());
                watchAll(fresh);
                zk = fresh;
                renewals.incrementAndGet();
                LOG.log(System.Logger.Level.INFO, "new ZooKeeper session 0x{0}", Long.toHexString(fresh.getSessionId()));
                break;
            } catch (ClusterStoreException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot open a new ZooKeeper session yet: {0}", e.getMessage());
                try {
                    Thread.sleep(RENEW_BACKOFF_MS);
                } catch (InterruptedException ie) {
                    return; // closing
                }
            }
        }
        if (!closed) {
            for (ClusterListener l : listeners) {
                try {
                    l.sessionEstablished();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "cluster listener failed on a new session", e);
                }
            }
        }
    }

    private static void createChroot(ZooKeeperSettings settings) {
        ZooKeeperSession bootstrap = new ZooKeeperSession(settings);
        ZooKeeper root = null;
        try {
            root = bootstrap.connect(settings.hosts());
            StringBuilder path = new StringBuilder();
            for (String part : settings.chroot().substring(1).split("/")) {
                path.append('/').append(part);
                try {
                    root.create(path.toString(), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                } catch (KeeperException.NodeExistsException ignored) {
                    // created by an earlier broker
                }
            }
        } catch (KeeperException e) {
            throw new ClusterStoreException("cannot create the chroot " + settings.chroot() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStoreException("interrupted", e);
        } finally {
            closeQuietly(root);
            bootstrap.closed = true;
            bootstrap.events.shutdownNow();
        }
    }

    private static void closeQuietly(ZooKeeper handle) {
        if (handle == null) {
            return;
        }
        try {
            handle.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(zk);
        events.shutdownNow();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
