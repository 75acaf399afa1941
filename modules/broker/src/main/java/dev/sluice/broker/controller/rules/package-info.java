/**
 * The controller's rules as pure functions: where replicas go ({@link dev.sluice.broker.controller.rules.Placements},
 * {@link dev.sluice.broker.controller.rules.ReplicaPlacer}) and who leads a partition
 * ({@link dev.sluice.broker.controller.rules.LeaderElection}, {@link dev.sluice.broker.controller.rules.LeaderImbalance}).
 *
 * <p>Nothing here does I/O, reads a clock or keeps state: inputs and outputs are immutable values
 * ({@link dev.sluice.broker.controller.rules.PartitionLeadership}, {@link dev.sluice.broker.controller.rules.LiveBroker}),
 * outcomes are sealed types, randomness comes in as an argument. Every class is therefore safe on any thread.
 * The controller applies these decisions to the cluster metadata store with conditional writes.
 *
 * <p>Invariants every function keeps (and {@code PartitionLeadership} checks): the ISR is never empty, the
 * leader is a member of the ISR or there is none ({@code -1}), every change of leader or ISR raises
 * the leader epoch by exactly one, and a leader comes from the live ISR unless unclean election was asked for.
 */
package dev.sluice.broker.controller.rules;
