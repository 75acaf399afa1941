package dev.sluice.broker.quota;

import dev.sluice.api.cluster.ClusterListener;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ConfigEntity;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The client quotas set with AlterClientQuotas (or kafka-configs.sh), kept in the cluster metadata
 * store like dynamic configs (Kafka's {@code /config/users}, {@code /config/clients}; a single node's
 * durable in-process store), and an immutable copy of all of them that every change — here or on
 * another broker, through the store's {@code configChanged} events — replaces.
 *
 * <p>Threads: request-handler threads read {@link #current()} and call {@link #alter}; the store's
 * event thread reloads (under this object's lock). A change is one atomic read-modify-write of the
 * entity in the store ({@code ClusterMetadataStore.updateConfig}): a user's SCRAM credentials, kept in
 * the same entity by {@code ScramCredentialStore}, are never lost to a concurrent quota change.
 */
public final class ClientQuotas implements ClusterListener {
    private static final System.Logger LOG = System.getLogger(ClientQuotas.class.getName());

    /** Every quota entity with its limits; {@code generation} grows with each reload. */
    public record Snapshot(Map<QuotaEntity, Map<QuotaType, Double>> quotas, long generation) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), 0);
    }

    private final ClusterMetadataStore store;
    private volatile Snapshot current = Snapshot.EMPTY;

    private ClientQuotas(ClusterMetadataStore store) {
        this.store = store;
    }

    /** Reads the quotas from the store and follows its changes. */
    public static ClientQuotas load(ClusterMetadataStore store) {
        ClientQuotas quotas = new ClientQuotas(store);
        quotas.reload();
        store.addListener(quotas);
        return quotas;
    }

    public Snapshot current() {
        return current;
    }

    /**
     * Sets ({@code value} non-null) or removes ({@code null}) limits of one entity, all at once: the
     * caller has validated keys and values.
     */
    public void alter(QuotaEntity entity, Map<QuotaType, Double> changes) {
        store.updateConfig(entity.configEntity(), current -> {
            Map<String, String> stored = new TreeMap<>(current);
            changes.forEach((type, value) -> {
                if (value == null) {
                    stored.remove(type.key());
                } else {
                    stored.put(type.key(), Double.toString(value));
                }
            });
            return stored;
        });
        reload();
    }

    @Override
    public void configChanged(ConfigEntity entity) {
        if (entity.type() == ConfigEntity.Type.USER || entity.type() == ConfigEntity.Type.CLIENT) {
            reloadQuietly();
        }
    }

    @Override
    public void sessionEstablished() {
        reloadQuietly(); // changes made while the session was down arrived as no event
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the client quotas; keeping the previous ones", e);
        }
    }

    private synchronized void reload() {
        Map<QuotaEntity, Map<QuotaType, Double>> quotas = new HashMap<>();
        Map<ConfigEntity, Map<String, String>> stored = new HashMap<>(store.configs(ConfigEntity.Type.USER));
        stored.putAll(store.configs(ConfigEntity.Type.CLIENT));
        stored.forEach((config, values) -> QuotaEntity.of(config).ifPresent(entity -> {
            Map<QuotaType, Double> limits = new EnumMap<>(QuotaType.class);
            values.forEach((key, text) -> QuotaType.byKey(key).ifPresentOrElse(type -> {
                try {
                    limits.put(type, Double.parseDouble(text));
                } catch (NumberFormatException e) {
                    LOG.log(System.Logger.Level.WARNING, "ignoring quota " + key + "=" + text + " of " + entity + ": not a number");
                }
            }, () -> LOG.log(System.Logger.Level.DEBUG, () -> "ignoring quota " + key + " of " + entity + ": not enforced by Sluice")));
            if (!limits.isEmpty()) {
                quotas.put(entity, Map.copyOf(limits));
            }
        }));
        current = new Snapshot(Map.copyOf(quotas), current.generation() + 1);
    }
}
