package dev.sluice.client.admin;

import java.util.List;

/** The cluster's id, its controller's broker id and its brokers. */
public record ClusterDescription(String clusterId, int controllerId, List<BrokerNode> brokers) {
}
