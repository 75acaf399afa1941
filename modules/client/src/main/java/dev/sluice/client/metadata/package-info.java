/**
 * Cluster metadata: {@link dev.sluice.client.metadata.Cluster} (an immutable snapshot of
 * brokers, topics, ids and leaders) kept fresh by {@link dev.sluice.client.metadata.Metadata}.
 */
package dev.sluice.client.metadata;
