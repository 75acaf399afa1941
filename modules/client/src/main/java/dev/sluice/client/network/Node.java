package dev.sluice.client.network;

/**
 * A broker address. Bootstrap servers get negative ids until metadata names the real brokers;
 * a connection belongs to one (id, host, port), so a broker that comes back elsewhere is a new node.
 */
public record Node(int id, String host, int port) {

    /** Parses {@code host:port} (IPv6 hosts may be bracketed). */
    public static Node parse(int id, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Node(id, host, Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return id + "@" + host + ":" + port;
    }
}
