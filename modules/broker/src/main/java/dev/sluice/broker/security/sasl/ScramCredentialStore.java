package dev.sluice.broker.security.sasl;

import dev.sluice.api.cluster.ClusterListener;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ConfigEntity;
import dev.sluice.broker.quota.QuotaEntity;
import dev.sluice.protocol.sasl.ScramMechanism;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Users' SCRAM credentials, salted and hashed ({@link ScramCredential}), never their passwords: kept
 * where Kafka's ZooKeeper mode keeps them, in the user's config entity ({@code /config/users/<user>},
 * key {@code SCRAM-SHA-256} / {@code SCRAM-SHA-512}, the user name sanitized as Kafka's {@code Sanitizer})
 * of the cluster metadata store — ZooKeeper in a cluster, the single node's durable in-process store
 * in its first log directory (each write a temporary file, fsynced and renamed) — next to the user's
 * client quotas. Every broker reads them all into an immutable map, replaced on each change (its own
 * write, or another broker's through {@code configChanged}).
 *
 * <p>Threads: request-handler threads read and {@link #alter}; the store's event thread reloads (under
 * this object's lock). A change is one atomic read-modify-write of the user's entity in the store
 * ({@code ClusterMetadataStore.updateConfig}), so a quota change of the same user at the same instant
 * ({@code ClientQuotas}), here or on another broker, is never lost.
 */
public final class ScramCredentialStore implements ClusterListener {
    private static final System.Logger LOG = System.getLogger(ScramCredentialStore.class.getName());

    private final ClusterMetadataStore store;
    private volatile Map<String, Map<ScramMechanism, ScramCredential>> users = Map.of();

    private ScramCredentialStore(ClusterMetadataStore store) {
        this.store = store;
    }

    /** Reads every credential from {@code store} and follows its changes. */
    public static ScramCredentialStore load(ClusterMetadataStore store) {
        ScramCredentialStore credentials = new ScramCredentialStore(store);
        credentials.reload();
        store.addListener(credentials);
        return credentials;
    }

    /** The user's credential for {@code mechanism}, or null. */
    public ScramCredential credential(String user, ScramMechanism mechanism) {
        Map<ScramMechanism, ScramCredential> of = users.get(user);
        return of == null ? null : of.get(mechanism);
    }

    /** Every user with at least one credential, by name. */
    public Map<String, Map<ScramMechanism, ScramCredential>> all() {
        return users;
    }

    /**
     * Sets ({@code value} non-null) or removes ({@code null}) credentials of one user in one write;
     * other settings of the user (quotas) stay.
     */
    public void alter(String user, Map<ScramMechanism, ScramCredential> changes) {
        ConfigEntity entity = new ConfigEntity(ConfigEntity.Type.USER, QuotaEntity.sanitize(user));
        store.updateConfig(entity, current -> {
            Map<String, String> stored = new TreeMap<>(current);
            changes.forEach((mechanism, credential) -> {
                if (credential == null) {
                    stored.remove(mechanism.mechanismName());
                } else {
                    stored.put(mechanism.mechanismName(), credential.toStoredText());
                }
            });
            return stored;
        });
        reload();
    }

    @Override
    public void configChanged(ConfigEntity entity) {
        if (entity.type() == ConfigEntity.Type.USER) {
            reloadQuietly();
        }
    }

    @Override
    public void sessionEstablished() {
        reloadQuietly(); // changes made while the session was down came as no event
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the SCRAM credentials; keeping the previous ones", e);
        }
    }

    private synchronized void reload() {
        Map<String, Map<ScramMechanism, ScramCredential>> loaded = new HashMap<>();
        store.configs(ConfigEntity.Type.USER).forEach((entity, values) -> {
            if (entity.name().contains(ConfigEntity.USER_CLIENT_SEPARATOR)) {
                return; // a user-and-client quota entity: never credentials
            }
            String user = QuotaEntity.desanitize(entity.name());
            Map<ScramMechanism, ScramCredential> of = new EnumMap<>(ScramMechanism.class);
            for (ScramMechanism mechanism : ScramMechanism.values()) {
                String text = values.get(mechanism.mechanismName());
                if (text != null) {
                    try {
                        of.put(mechanism, ScramCredential.parse(text));
                    } catch (IllegalArgumentException e) {
                        LOG.log(System.Logger.Level.WARNING, "ignoring the " + mechanism + " credential of user '" + user
                                + "': " + e.getMessage());
                    }
                }
            }
            if (!of.isEmpty()) {
                loaded.put(user, Map.copyOf(of));
            }
        });
        users = Map.copyOf(loaded);
    }
}
