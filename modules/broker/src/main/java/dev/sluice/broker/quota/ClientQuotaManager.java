package dev.sluice.broker.quota;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces the client quotas as Kafka's {@code ClientQuotaManager} does: each request's bytes (or
 * handler time) are recorded in the rate of the quota that applies to its user and client id, and a
 * rate above the limit answers the time the client must wait so that the rate over the window falls
 * back to it: {@code (rate - limit) / limit × window}, at most the whole window. The caller puts it in
 * the response's {@code ThrottleTimeMs} and mutes the connection that long (KIP-219).
 *
 * <p>Which quota applies (Kafka's order, first match per quota type): user and client id, user and
 * default client, user, default user and client id, default user and default client, default user,
 * client id, default client. Clients matched by the same entity share one rate (a user's quota is
 * shared by all its client ids; a default client quota is per client id). The user is the name of the
 * connection's principal (a SASL login's user, a TLS client certificate's mapped name), as Kafka's user
 * quotas; without authentication every client is the user {@code ANONYMOUS}, as in Kafka.
 *
 * <p>Each rate is a {@link QuotaSensor} (with the mean throttle time, Kafka's quota metrics
 * {@code kafka.server:type=Produce|Fetch|Request,user=,client-id=}); sensors and resolved clients idle
 * for an hour are dropped (Kafka's inactive-sensor expiry), checked at most every 30 s by the
 * recording thread, so memory stays bounded by the clients of the last hour. Everything is dropped
 * once no quota is set.
 *
 * <p>Cost when no quota is set: one volatile read per request. Threads: request-handler threads (any
 * number) and the threads completing delayed requests; state is in concurrent maps and the sensors.
 */
public final class ClientQuotaManager {
    /** Kafka's principal name of an unauthenticated client. */
    public static final String ANONYMOUS = "ANONYMOUS";

    /** {@code quota.window.num} samples of {@code quota.window.size.seconds} each (Kafka: 11 of 1 s). */
    public record Settings(int samples, long sampleMs) {
        public static final Settings KAFKA_DEFAULTS = new Settings(11, 1000);
    }

    /** Kafka's {@code inactiveSensorExpirationTimeSeconds} of quota sensors: an hour. */
    public static final long INACTIVE_EXPIRY_MS = 3_600_000;
    private static final long EXPIRY_CHECK_MS = 30_000;

    /** The quota and shared sensor one client is measured against for one quota type. */
    private record Applied(double limit, QuotaSensor sensor) {
    }

    /**
     * What applies to one user's client id, for the snapshot generation it was resolved at, and when the
     * client last sent (a client can go idle while the rate it shares stays in use).
     */
    private static final class Resolved {
        final long generation;
        final Applied[] byType;
        private volatile long lastUsedMs;

        Resolved(long generation, Applied[] byType, long nowMs) {
            this.generation = generation;
            this.byType = byType;
            this.lastUsedMs = nowMs;
        }

        /** A volatile write per request at most, none within the same millisecond. */
        void used(long nowMs) {
            if (lastUsedMs != nowMs) {
                lastUsedMs = nowMs;
            }
        }

        boolean idleSince(long nowMs) {
            return nowMs - lastUsedMs >= INACTIVE_EXPIRY_MS;
        }
    }

    private record RateKey(QuotaType type, String user, String clientId) {
    }

    private final ClientQuotas quotas;
    private final Settings settings;
    /** Resolved clients by user, then client id: found without making a key per request. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Resolved>> clients = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<RateKey, QuotaSensor> rates = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong nextExpiryCheckMs = new java.util.concurrent.atomic.AtomicLong();

    public ClientQuotaManager(ClientQuotas quotas, Settings settings) {
        this.quotas = quotas;
        this.settings = settings;
    }

    /** True if any quota is set; false means every call here can be skipped. */
    public boolean active() {
        return !quotas.current().quotas().isEmpty();
    }

    /** {@link #recordAndThrottleMs(QuotaType, String, String, double, long)} for an unauthenticated client (user ANONYMOUS). */
    public long recordAndThrottleMs(QuotaType type, String clientId, double amount, long nowMs) {
        return recordAndThrottleMs(type, ANONYMOUS, clientId, amount, nowMs);
    }

    /**
     * Records {@code amount} (bytes, or handler milliseconds for {@link QuotaType#REQUEST}) for the
     * client of {@code user} (its principal's name) and answers how long it must be throttled (0: within
     * its quota or none set).
     */
    public long recordAndThrottleMs(QuotaType type, String user, String clientId, double amount, long nowMs) {
        ClientQuotas.Snapshot snapshot = quotas.current();
        if (snapshot.quotas().isEmpty()) {
            if (!rates.isEmpty()) { // the last quota was removed: nothing is measured any more
                rates.clear();
                clients.clear();
            }
            return 0;
        }
        long check = nextExpiryCheckMs.get();
        if (nowMs >= check && nextExpiryCheckMs.compareAndSet(check, nowMs + EXPIRY_CHECK_MS)) {
            expireIdle(nowMs);
        }
        ConcurrentHashMap<String, Resolved> ofUser = clients.get(user);
        Resolved resolved = ofUser == null ? null : ofUser.get(clientId);
        if (resolved == null || resolved.generation != snapshot.generation()) {
            resolved = resolve(snapshot, user, clientId, nowMs);
            clients.computeIfAbsent(user, u -> new ConcurrentHashMap<>()).put(clientId, resolved);
        } else {
            resolved.used(nowMs);
        }
        Applied applied = resolved.byType[type.ordinal()];
        if (applied == null) {
            return 0;
        }
        // request_percentage is a share of one thread: N percent = N × 10 ms of handler time per second
        double limit = type == QuotaType.REQUEST ? applied.limit() * 10 : applied.limit();
        QuotaSensor sensor = applied.sensor();
        sensor.used(nowMs);
        double rate = sensor.rate().record(amount, nowMs);
        if (rate <= limit) {
            return 0;
        }
        long windowMs = sensor.rate().windowMs(nowMs);
        long throttle = Math.min(Math.round((rate - limit) / limit * windowMs), settings.samples() * settings.sampleMs());
        sensor.throttled(throttle, nowMs);
        return throttle;
    }

    /**
     * Drops the sensors no request recorded in for {@link #INACTIVE_EXPIRY_MS}, and the resolved
     * clients idle as long or using one of them (a client coming back resolves again, with fresh sensors).
     */
    void expireIdle(long nowMs) {
        java.util.Set<QuotaSensor> expired = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        rates.values().removeIf(sensor -> {
            boolean idle = nowMs - sensor.lastUsedMs() >= INACTIVE_EXPIRY_MS;
            if (idle) {
                expired.add(sensor);
            }
            return idle;
        });
        clients.values().removeIf(ofUser -> {
            ofUser.values().removeIf(r -> r.idleSince(nowMs)
                    || (!expired.isEmpty() && java.util.Arrays.stream(r.byType).anyMatch(a -> a != null && expired.contains(a.sensor()))));
            return ofUser.isEmpty();
        });
    }

    /** The sensors in use now (for the quota metrics). */
    public java.util.Collection<QuotaSensor> sensors() {
        return java.util.List.copyOf(rates.values());
    }

    /** Resolved clients held now (tests: memory stays bounded). */
    int resolvedClients() {
        return clients.values().stream().mapToInt(java.util.Map::size).sum();
    }

    private Resolved resolve(ClientQuotas.Snapshot snapshot, String user, String clientId, long nowMs) {
        Applied[] byType = new Applied[QuotaType.values().length];
        for (QuotaType type : QuotaType.values()) {
            for (QuotaEntity candidate : precedence(user, clientId)) {
                Double limit = snapshot.quotas().getOrDefault(candidate, java.util.Map.of()).get(type);
                if (limit != null) {
                    RateKey key = new RateKey(type, candidate.user() == null ? "" : user,
                            candidate.clientId() == null ? "" : clientId);
                    byType[type.ordinal()] = new Applied(limit,
                            rates.computeIfAbsent(key, k -> new QuotaSensor(k.type(), k.user(), k.clientId(), settings, nowMs)));
                    break;
                }
            }
        }
        return new Resolved(snapshot.generation(), byType, nowMs);
    }

    /** Kafka's order of the entities whose quota applies to {@code user} with {@code clientId}. */
    static QuotaEntity[] precedence(String user, String clientId) {
        String d = QuotaEntity.DEFAULT;
        return new QuotaEntity[]{
                new QuotaEntity(user, clientId), new QuotaEntity(user, d), new QuotaEntity(user, null),
                new QuotaEntity(d, clientId), new QuotaEntity(d, d), new QuotaEntity(d, null),
                new QuotaEntity(null, clientId), new QuotaEntity(null, d)};
    }
}
