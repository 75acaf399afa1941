/**
 * The broker as a client of other brokers: {@link dev.sluice.broker.interbroker.BlockingConnection},
 * one blocking Kafka-protocol connection, shared by the controller's senders
 * ({@code controller.network.BrokerSender}) and the broker's link to the controller
 * ({@code cluster.ControllerLink}).
 */
package dev.sluice.broker.interbroker;
