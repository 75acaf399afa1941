package dev.sluice.coordination.zookeeper;

import java.util.Map;

/**
 * Connection settings with Kafka's names. {@code zookeeper.connect} is {@code host:port[,host:port...][/chroot]};
 * the chroot is created if missing, as Kafka does.
 *
 * @param hosts               the connect string without the chroot
 * @param chroot              the chroot path ("" for none)
 * @param sessionTimeoutMs    {@code zookeeper.session.timeout.ms} (6000, the broker's default; Kafka's ZooKeeper mode used 18000)
 * @param connectionTimeoutMs {@code zookeeper.connection.timeout.ms} (default: the session timeout)
 */
public record ZooKeeperSettings(String hosts, String chroot, int sessionTimeoutMs, int connectionTimeoutMs) {

    public static final int DEFAULT_SESSION_TIMEOUT_MS = 6_000;

    public ZooKeeperSettings {
        if (hosts == null || hosts.isBlank()) {
            throw new IllegalArgumentException("zookeeper.connect names no server");
        }
        if (!chroot.isEmpty() && (!chroot.startsWith("/") || chroot.endsWith("/"))) {
            throw new IllegalArgumentException("zookeeper.connect chroot must start and not end with '/': " + chroot);
        }
        if (sessionTimeoutMs <= 0 || connectionTimeoutMs <= 0) {
            throw new IllegalArgumentException("ZooKeeper timeouts must be positive");
        }
    }

    public static ZooKeeperSettings from(Map<String, String> settings) {
        String connect = settings.get("zookeeper.connect");
        if (connect == null) {
            throw new IllegalArgumentException("zookeeper.connect is not set");
        }
        connect = connect.trim();
        int slash = connect.indexOf('/');
        String hosts = slash < 0 ? connect : connect.substring(0, slash);
        String chroot = slash < 0 ? "" : connect.substring(slash);
        if (chroot.equals("/")) {
            chroot = "";
        }
        int session = intSetting(settings, "zookeeper.session.timeout.ms", DEFAULT_SESSION_TIMEOUT_MS);
        int connection = intSetting(settings, "zookeeper.connection.timeout.ms", session);
        return new ZooKeeperSettings(hosts, chroot, session, connection);
    }

    private static int intSetting(Map<String, String> settings, String name, int defaultValue) {
        String value = settings.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of milliseconds, was '" + value + "'");
        }
    }

    /** The connect string the client uses (with the chroot). */
    public String connectString() {
        return hosts + chroot;
    }
}
