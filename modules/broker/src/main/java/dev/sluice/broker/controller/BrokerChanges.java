package dev.sluice.broker.controller;

import dev.sluice.api.cluster.RegisteredBroker;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which brokers failed and which started between two readings of the live brokers. A broker whose
 * registration epoch changed bounced: it is in both, so the controller handles its old incarnation
 * as failed (its partitions get a new leader epoch) and its new one as started (it gets its full state).
 * An immutable value; any thread.
 */
record BrokerChanges(Set<Integer> failed, Set<Integer> started) {

    static BrokerChanges between(Map<Integer, RegisteredBroker> before, Map<Integer, RegisteredBroker> now) {
        Set<Integer> failed = new TreeSet<>();
        Set<Integer> started = new TreeSet<>();
        for (RegisteredBroker was : before.values()) {
            RegisteredBroker after = now.get(was.id());
            if (after == null || after.epoch() != was.epoch()) {
                failed.add(was.id());
            }
        }
        for (RegisteredBroker after : now.values()) {
            RegisteredBroker was = before.get(after.id());
            if (was == null || was.epoch() != after.epoch()) {
                started.add(after.id());
            }
        }
        return new BrokerChanges(failed, started);
    }

    boolean isEmpty() {
        return failed.isEmpty() && started.isEmpty();
    }
}
