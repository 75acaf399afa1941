package dev.sluice.broker.quota;

/**
 * Kafka's quota sensors of one quota entity for one quota type: the rate the quota is measured by
 * (bytes per second, or handler milliseconds per second for {@link QuotaType#REQUEST}) and the mean
 * throttle time of its throttled responses over the same window. Shared by every client the entity
 * matches; dropped once idle for {@link ClientQuotaManager#INACTIVE_EXPIRY_MS}.
 *
 * <p>Thread-safe: the stats lock themselves; the last use is a volatile write per request (skipped
 * within the same millisecond).
 */
public final class QuotaSensor {
    private final QuotaType type;
    private final String user;
    private final String clientId;
    private final QuotaRate rate;
    private final QuotaRate throttle;
    private volatile long lastUsedMs;

    QuotaSensor(QuotaType type, String user, String clientId, ClientQuotaManager.Settings settings, long nowMs) {
        this.type = type;
        this.user = user;
        this.clientId = clientId;
        this.rate = new QuotaRate(settings.samples(), settings.sampleMs(), nowMs);
        this.throttle = new QuotaRate(settings.samples(), settings.sampleMs(), nowMs);
        this.lastUsedMs = nowMs;
    }

    public QuotaType type() {
        return type;
    }

    /** The user tag of Kafka's quota metrics: "" if the entity names no user. */
    public String user() {
        return user;
    }

    /** The client-id tag: "" if the entity names no client id. */
    public String clientId() {
        return clientId;
    }

    QuotaRate rate() {
        return rate;
    }

    void used(long nowMs) {
        if (lastUsedMs != nowMs) {
            lastUsedMs = nowMs;
        }
    }

    void throttled(long throttleMs, long nowMs) {
        throttle.record(throttleMs, nowMs);
    }

    long lastUsedMs() {
        return lastUsedMs;
    }

    /** Kafka's {@code byte-rate} (produce, fetch) or {@code request-time} (percent of one handler thread). */
    public double measured(long nowMs) {
        double perSecond = rate.rate(nowMs);
        return type == QuotaType.REQUEST ? perSecond / 10 : perSecond;
    }

    /** Kafka's {@code throttle-time}: the mean throttle time (ms) of the window's throttled responses, 0 if none. */
    public double throttleTimeMs(long nowMs) {
        return throttle.average(nowMs);
    }
}
