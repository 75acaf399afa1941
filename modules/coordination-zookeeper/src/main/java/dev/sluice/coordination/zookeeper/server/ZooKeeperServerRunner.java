package dev.sluice.coordination.zookeeper.server;

import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A standalone ZooKeeper server in this JVM, built from ZooKeeper's own server classes: for
 * development ({@code sluice zookeeper}: port 2181, data in {@code ./data/zookeeper}) and for tests
 * (loopback, a free port, a temporary directory). Not an ensemble: one server, no quorum.
 *
 * <p>Thread-safe for {@link #close()} from any thread; the server runs on ZooKeeper's own threads.
 */
public final class ZooKeeperServerRunner implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ZooKeeperServerRunner.class.getName());

    /** ZooKeeper's default tick; sessions get 2 to 20 ticks (4 s to 40 s). */
    public static final int DEFAULT_TICK_MS = 2000;

    private final ZooKeeperServer server;
    private final ServerCnxnFactory connections;
    private final String host;
    private volatile boolean closed;

    private ZooKeeperServerRunner(ZooKeeperServer server, ServerCnxnFactory connections, String host) {
        this.server = server;
        this.connections = connections;
        this.host = host;
    }

    /**
     * Starts a server listening on {@code address} (port 0: a free one), keeping snapshots and the
     * transaction log in {@code dataDir} (created if missing).
     *
     * @param tickMs ZooKeeper's tick: sessions may last 2 to 20 ticks
     */
    public static ZooKeeperServerRunner start(InetSocketAddress address, Path dataDir, int tickMs) {
        // the admin HTTP server (Jetty, port 8080) is not wanted in a development server or in tests
        System.setProperty("zookeeper.admin.enableServer", "false");
        // 0 = no limit on connections in total (ZooKeeper warns when it is left unset)
        if (System.getProperty("zookeeper.maxCnxns") == null) {
            System.setProperty("zookeeper.maxCnxns", "0");
        }
        ZooKeeperServer server = null;
        ServerCnxnFactory connections = null;
        try {
            Files.createDirectories(dataDir);
            File dir = dataDir.toFile();
            server = new ZooKeeperServer(dir, dir, tickMs);
            connections = ServerCnxnFactory.createFactory(address, 1000);
            connections.startup(server);
            LOG.log(System.Logger.Level.INFO, "ZooKeeper server listening on {0}:{1}, data in {2}",
                    address.getHostString(), Integer.toString(connections.getLocalPort()), dataDir);
            return new ZooKeeperServerRunner(server, connections, address.getHostString());
        } catch (IOException e) {
            stop(server, connections);
            throw new UncheckedIOException("cannot start ZooKeeper on " + address + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            stop(server, connections);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting ZooKeeper", e);
        }
    }

    public int port() {
        return connections.getLocalPort();
    }

    /** {@code host:port} for {@code zookeeper.connect}. */
    public String connectString() {
        return host + ":" + port();
    }

    /**
     * Ends a client session as its expiry would: its ephemeral znodes go, and the client learns that
     * its session expired. Tests use it instead of waiting for a timeout.
     */
    public void expireSession(long sessionId) {
        server.closeSession(sessionId);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(server, connections);
    }

    private static void stop(ZooKeeperServer server, ServerCnxnFactory connections) {
        if (connections != null) {
            connections.shutdown();
        }
        if (server != null && server.isRunning()) {
            server.shutdown();
        }
    }
}
