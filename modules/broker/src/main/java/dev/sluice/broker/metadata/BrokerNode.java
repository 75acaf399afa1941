package dev.sluice.broker.metadata;

/**
 * A live broker as clients are told about it: id, the advertised host and port of the listener
 * clients use, and its rack (null if none).
 */
public record BrokerNode(int id, String host, int port, String rack) {
}
