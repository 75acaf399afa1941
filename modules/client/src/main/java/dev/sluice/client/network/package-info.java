/**
 * The client transport: {@link dev.sluice.client.network.NetworkClient} owns every broker
 * connection of one client on a single non-blocking I/O thread (connect, ApiVersions
 * negotiation, pipelining, timeouts, reconnect backoff) and runs the client's periodic
 * {@link dev.sluice.client.network.NetworkClient.Ticker}s. Internal: exported only to
 * {@code dev.sluice.replication}, whose replica fetchers talk to leaders through it.
 */
package dev.sluice.client.network;
