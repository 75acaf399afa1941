package dev.sluice.client.admin;

/** A broker of the cluster; {@code rack} may be null. */
public record BrokerNode(int id, String host, int port, String rack) {
}
