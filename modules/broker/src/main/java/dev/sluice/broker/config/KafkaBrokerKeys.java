package dev.sluice.broker.config;

import java.util.List;
import java.util.Set;

/**
 * Kafka broker settings Sluice does not define, in two kinds: those that do not apply to a
 * single-node Sluice broker (replication, KRaft/ZooKeeper plumbing, the log cleaner, metrics
 * reporters, quotas...) are accepted with a warning, so a stock {@code server.properties} starts;
 * security settings are refused, since ignoring them would leave a broker open that its operator
 * believes protected. Immutable; any thread.
 */
final class KafkaBrokerKeys {
    private KafkaBrokerKeys() {
    }

    /** Accepted, warned about, without effect. */
    static final Set<String> NOT_APPLICABLE = Set.of(
            // KRaft / ZooKeeper / cluster plumbing
            "process.roles", "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "controller.quorum.election.timeout.ms", "controller.quorum.fetch.timeout.ms",
            "controller.listener.names",
            "inter.broker.protocol.version", "zookeeper.set.acl", "zookeeper.max.in.flight.requests",
            "metadata.log.dir", "metadata.log.segment.bytes", "metadata.log.max.record.bytes.between.snapshots",
            "metadata.max.retention.bytes", "metadata.max.retention.ms", "metadata.max.idle.interval.ms",
            "broker.heartbeat.interval.ms", "broker.session.timeout.ms", "initial.broker.registration.timeout.ms",
            "reserved.broker.max.id", "early.start.listeners", "eligible.leader.replicas.enable",
            "unclean.leader.election.interval.ms",
            // replication
            "num.replica.alter.log.dirs.threads",
            "replica.socket.receive.buffer.bytes", "replica.high.watermark.checkpoint.interval.ms",
            "replica.selector.class",
            // internal topics
            "offsets.topic.compression.codec", "offsets.load.buffer.size",
            "producer.id.expiration.ms", "producer.id.expiration.check.interval.ms",
            "share.coordinator.state.topic.replication.factor", "share.coordinator.state.topic.min.isr",
            "group.coordinator.rebalance.protocols", "group.max.size", "group.consumer.session.timeout.ms",
            "group.consumer.heartbeat.interval.ms",
            // log housekeeping Sluice does its own way
            "background.threads", "log.cleaner.io.buffer.size", "log.cleaner.io.buffer.load.factor", "log.preallocate", "log.flush.scheduler.interval.ms",
            "log.flush.offset.checkpoint.interval.ms", "log.flush.start.offset.checkpoint.interval.ms",
            "log.roll.jitter.ms", "log.roll.jitter.hours", "log.message.downconversion.enable",
            "log.message.format.version", "log.message.timestamp.difference.max.ms", "log.dir.failure.timeout.ms",
            "log.local.retention.ms", "log.local.retention.bytes", "remote.log.storage.system.enable",
            "compression.gzip.level", "compression.lz4.level", "compression.zstd.level",
            "fetch.purgatory.purge.interval.requests", "producer.purgatory.purge.interval.requests",
            "delete.records.purgatory.purge.interval.requests", "fetch.max.bytes",
            "create.topic.policy.class.name", "alter.config.policy.class.name",
            // connections, quotas, metrics
            "max.connections.per.ip", "max.connections.per.ip.overrides", "max.connection.creation.rate",
            "socket.listen.backlog.size", "socket.connection.setup.timeout.ms", "socket.connection.setup.timeout.max.ms",
            "replication.quota.window.num", "replication.quota.window.size.seconds", "client.quota.callback.class",
            "metric.reporters", "metrics.num.samples", "metrics.recording.level", "metrics.sample.window.ms",
            "kafka.metrics.reporters", "kafka.metrics.polling.interval.secs", "auto.include.jmx.reporter",
            "request.timeout.ms", "unstable.api.versions.enable");

    /** Settings of security features Sluice lacks: refused, never ignored. */
    private static final List<String> SECURITY_PREFIXES = List.of("ssl.", "sasl.", "security.", "listener.name.",
            "authorizer.", "super.users", "allow.everyone.if.no.acl.found", "delegation.token.", "principal.builder.class",
            "connections.max.reauth.ms", "password.encoder.");

    /** The problem for a security setting, or null if {@code key} is not one. */
    static String securityProblem(String key) {
        for (String prefix : SECURITY_PREFIXES) {
            if (key.startsWith(prefix)) {
                return key + ": Sluice does not support this security setting yet; remove it "
                        + "rather than run a broker that looks protected and is not";
            }
        }
        return null;
    }
}
